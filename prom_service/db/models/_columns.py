"""Column shapes repeated across models."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import mapped_column

from prom_service.db.base import BigId


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def id_column():
    return mapped_column(BigId, primary_key=True, autoincrement=True)


def created_at_column():
    return mapped_column(default=utcnow)

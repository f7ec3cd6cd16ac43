"""Claiming due rows so that any number of workers can share one queue without doing work twice.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` — rows another transaction holds are skipped, not
waited for. SQLite has one writer: every transaction starts with BEGIN IMMEDIATE (see engine.py), so
a claim there is already exclusive; SQLAlchemy drops the FOR UPDATE clause on SQLite by itself.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def lock_due(session: Session, model: type[Row], *conditions: Any, order_by: Any, limit: int) -> list[Row]:
    """Lock up to `limit` rows matching `conditions` for this transaction, skipping rows others hold."""
    statement = select(model).where(*conditions).order_by(order_by).limit(limit).with_for_update(skip_locked=True)
    return list(session.scalars(statement))

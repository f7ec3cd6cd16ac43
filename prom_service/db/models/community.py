"""Communities of interest and the immutable published versions of their outcome sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = id_column()
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()


class OutcomeSetVersion(Base):
    """One published outcome-set definition; never updated, so old scores stay reproducible."""

    __tablename__ = "outcome_set_versions"
    __table_args__ = (UniqueConstraint("community_id", "version"),)

    id: Mapped[int] = id_column()
    community_id: Mapped[int] = mapped_column(BigId, ForeignKey("communities.id"), index=True)
    version: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]]
    published_at: Mapped[datetime]
    created_at: Mapped[datetime] = created_at_column()

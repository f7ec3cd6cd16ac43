"""The score feed: one row per score, Life Improver Score and alert event, written in the same
transaction as the thing it announces, so the feed can never say more or less than was committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

KINDS = ("score", "lis", "alert")


class FeedEvent(Base):
    """`txid` is the writing transaction's id on PostgreSQL (0 on SQLite); readers order by (txid, id)."""

    __tablename__ = "feed_events"
    __table_args__ = (Index("ix_feed_events_txid_id", "txid", "id"),)

    id: Mapped[int] = id_column()
    txid: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(32))
    ref_id: Mapped[int] = mapped_column(BigId)
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = created_at_column()

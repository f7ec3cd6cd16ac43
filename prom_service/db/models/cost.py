"""Items of activity with their cost: the denominator of value."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class CostEvent(Base):
    __tablename__ = "cost_events"
    __table_args__ = (
        # The same source id twice is one event: imports are idempotent.
        UniqueConstraint("source_system", "source_id"),
        Index("ix_cost_events_patient_start", "patient_id", "start_date"),
    )

    id: Mapped[int] = id_column()
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"))
    activity: Mapped[str] = mapped_column(String(48))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(1))
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    tariff: Mapped[str | None] = mapped_column(String(32))
    provider: Mapped[str | None] = mapped_column(String(200))
    source_system: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = created_at_column()

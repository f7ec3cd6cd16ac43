"""Alerts raised by outcome-set rules for the care team to act on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

SEVERITIES = ("urgent", "high", "medium", "low")


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # One open alert per rule per patient: a second trigger updates, never duplicates.
        Index(
            "uq_alerts_open_per_rule", "patient_id", "rule", unique=True,
            sqlite_where=text("status != 'resolved'"), postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_alerts_status_severity", "status", "severity"),
    )

    id: Mapped[int] = id_column()
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"))
    enrolment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("enrolments.id"))
    score_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("scores.id"))
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    summary: Mapped[str] = mapped_column(String(300))
    raised_at: Mapped[datetime]
    assigned_to: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

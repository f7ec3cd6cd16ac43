"""Invitations: one questionnaire due for one person at one time on one channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

STATUSES = ("planned", "sent", "reminded", "partial", "completed", "expired", "failed", "cancelled")


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        # Re-planning is idempotent: one invitation per schedule occurrence.
        UniqueConstraint("enrolment_id", "schedule_key"),
        Index("ix_invitations_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = id_column()
    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"))
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    outcome_set_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("outcome_set_versions.id"))
    schedule_key: Mapped[str] = mapped_column(String(128))
    instruments: Mapped[list[Any]]
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    status_reason: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    next_reminder_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class InvitationEvent(Base):
    """Every status change of an invitation, with why."""

    __tablename__ = "invitation_events"

    id: Mapped[int] = id_column()
    invitation_id: Mapped[int] = mapped_column(BigId, ForeignKey("invitations.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]

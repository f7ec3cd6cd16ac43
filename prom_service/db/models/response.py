"""A person's answers to one instrument, stored one item at a time as they are given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("invitation_id", "instrument"),)

    id: Mapped[int] = id_column()
    invitation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("invitations.id"))
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="partial")
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = id_column()
    response_id: Mapped[int] = mapped_column(BigId, ForeignKey("responses.id"))
    item_id: Mapped[str] = mapped_column(String(32))
    value: Mapped[int | None]
    raw_text: Mapped[str | None] = mapped_column(String(160))
    answered_at: Mapped[datetime]

"""The SMS simulator's phone: every text the simulator "sent" and every reply typed into it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base
from prom_service.db.models._columns import created_at_column, id_column

DIRECTIONS = ("in", "out")


class SmsSimulatorMessage(Base):
    __tablename__ = "sms_simulator_messages"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        Index("ix_sms_simulator_messages_phone_created", "phone_e164", "created_at"),
    )

    id: Mapped[int] = id_column()
    direction: Mapped[str] = mapped_column(String(3))
    phone_e164: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    # "SM" + 32 hex, shaped like a Twilio message SID so the same status and inbound code reads it.
    provider_ref: Mapped[str] = mapped_column(String(34), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = created_at_column()

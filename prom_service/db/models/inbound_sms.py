"""Each inbound text, once: Twilio may deliver a webhook twice, and the same MessageSid changes nothing.

The body is not kept here (an answer's text is kept with the answer); `outcome` says what the text did.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import id_column

OUTCOMES = ("answer", "invalid", "opt_out", "opt_in", "help", "unmatched", "unknown_sender")


class InboundSms(Base):
    __tablename__ = "inbound_sms"
    __table_args__ = (Index("ix_inbound_sms_invitation_received", "invitation_id", "received_at"),)

    id: Mapped[int] = id_column()
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("patients.id"))
    invitation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("invitations.id"))
    outcome: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]

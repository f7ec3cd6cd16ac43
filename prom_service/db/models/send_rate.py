"""The fleet's sending schedule: one row per metered sender, holding the start of the next free slot.

Twilio meters a sender in segments per second whatever number of our workers send through it, so the
limit lives in the database every worker shares (see services/send_rate.py), not in each process.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base


class SendRate(Base):
    __tablename__ = "send_rate"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_slot: Mapped[datetime]

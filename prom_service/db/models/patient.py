"""The people whose outcomes are measured."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = id_column()
    source: Mapped[str] = mapped_column(String(64), default="local")
    external_id: Mapped[str] = mapped_column(String(128))
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    phone_is_mobile: Mapped[bool] = mapped_column(default=False)
    preferred_channel: Mapped[str] = mapped_column(String(16), default="sms")
    language: Mapped[str] = mapped_column(String(16), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    lsoa: Mapped[str | None] = mapped_column(String(16))
    # The team that registered the person; enrolments add the teams that care for them.
    registered_team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    date_of_death: Mapped[date | None]
    sms_opted_out_at: Mapped[datetime | None]
    sms_opt_out_source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()

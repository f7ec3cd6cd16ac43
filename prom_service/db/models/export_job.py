"""FHIR Bulk Data exports: a job a worker claims, with its progress and the files it wrote."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

STATES = ("queued", "running", "completed", "failed", "cancelled")


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_state_created", "state", "created_at"),)

    id: Mapped[int] = id_column()
    api_client_id: Mapped[int] = mapped_column(BigId, ForeignKey("api_clients.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    level: Mapped[str] = mapped_column(String(16))  # "system" or "patient"
    types: Mapped[list[Any]]
    since: Mapped[datetime | None]
    request_url: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[str | None] = mapped_column(String(100))
    transaction_time: Mapped[datetime | None]
    output: Mapped[list[Any]]
    error: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None]

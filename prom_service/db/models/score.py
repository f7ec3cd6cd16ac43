"""Scores of instruments, and the Life Improver Score of each assessment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class Score(Base):
    """One scale of one scored response (or an administrative measure such as days at home)."""

    __tablename__ = "scores"
    __table_args__ = (Index("ix_scores_patient_observed", "patient_id", "observed_at"),
                      # the ids of an export batch with `_since`, by an index-only scan (migration 1002)
                      Index("ix_scores_id_created_at", "id", "created_at"))

    id: Mapped[int] = id_column()
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"))
    enrolment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("enrolments.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("responses.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(32))
    scale: Mapped[str] = mapped_column(String(48))
    value: Mapped[float | None]
    value_text: Mapped[str | None] = mapped_column(String(32))
    band: Mapped[str | None] = mapped_column(String(48))
    flags: Mapped[list[Any]]
    reason: Mapped[str | None] = mapped_column(String(300))
    definition_version: Mapped[str] = mapped_column(String(64))
    provenance: Mapped[dict[str, Any]]
    observed_at: Mapped[datetime]
    created_at: Mapped[datetime] = created_at_column()


class LifeImproverScore(Base):
    """The LIS of one assessment, with everything needed to reproduce it years later."""

    __tablename__ = "life_improver_scores"
    __table_args__ = (Index("ix_life_improver_scores_enrolment_observed", "enrolment_id", "observed_at"),)

    id: Mapped[int] = id_column()
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"))
    outcome_set_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("outcome_set_versions.id"))
    invitation_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("invitations.id"))
    value: Mapped[float | None]
    coverage: Mapped[float]
    reason: Mapped[str | None] = mapped_column(String(300))
    inputs: Mapped[dict[str, Any]]
    observed_at: Mapped[datetime]
    created_at: Mapped[datetime] = created_at_column()

"""A person's membership of a community, and their personal layer of weights and goals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (
        # One active enrolment per community per person, enforced by the database itself.
        Index(
            "uq_enrolments_active_per_community", "patient_id", "community_id", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = id_column()
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    community_id: Mapped[int] = mapped_column(BigId, ForeignKey("communities.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    outcome_set_version_id: Mapped[int] = mapped_column(BigId, ForeignKey("outcome_set_versions.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    enrolled_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    left_reason: Mapped[str | None] = mapped_column(String(64))
    consent_method: Mapped[str] = mapped_column(String(32))
    consent_recorded_by: Mapped[str] = mapped_column(String(200))
    consent_at: Mapped[datetime]
    created_at: Mapped[datetime] = created_at_column()


class PersonalWeights(Base):
    """Domain weights agreed with the person; a new row replaces the last, which is kept."""

    __tablename__ = "personal_weights"

    id: Mapped[int] = id_column()
    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"), index=True)
    weights: Mapped[dict[str, Any]]
    agreed_by: Mapped[str] = mapped_column(String(200))
    agreed_with: Mapped[str] = mapped_column(String(200))
    agreed_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]


class PersonalGoal(Base):
    __tablename__ = "personal_goals"

    id: Mapped[int] = id_column()
    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    baseline_level: Mapped[int] = mapped_column(default=-1)
    importance: Mapped[int]
    difficulty: Mapped[int]
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class GoalRating(Base):
    """A Goal Attainment Scaling rating (−2…+2) of one goal at one review."""

    __tablename__ = "goal_ratings"

    id: Mapped[int] = id_column()
    goal_id: Mapped[int] = mapped_column(BigId, ForeignKey("personal_goals.id"), index=True)
    attainment: Mapped[int]
    rated_by: Mapped[str] = mapped_column(String(200))
    rated_at: Mapped[datetime]
    created_at: Mapped[datetime] = created_at_column()

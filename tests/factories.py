"""Small factories that put rows straight into a session, for tests that need known data fast.

Each takes the session first and only the values a test cares about; everything else gets a plain
default. They flush, so the returned row has its id, and never commit: the test's savepoint owns that.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from prom_service.db.models import (
    Community, CostEvent, DeprivationDecile, Enrolment, Invitation, LifeImproverScore, OutcomeSetVersion,
    Patient, Score, Team,
)

_serial = itertools.count(1)


def at(day: date | str, hour: int = 12) -> datetime:
    """A UTC datetime on `day` (ISO text or a date) at `hour`."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour), timezone.utc)


def _saved(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_team(session: Session, code: str = "north") -> Team:
    return _saved(session, Team(code=code, name=code.title(), created_at=at("2026-01-01")))


def make_community(session: Session, code: str = "frail_elderly", *, mid: float | None = 5.0) -> OutcomeSetVersion:
    """A community with one published outcome-set version whose LIS MID is `mid` (None: not stated)."""
    community = _saved(session, Community(code=code, name=code.replace("_", " ").title(), created_at=at("2026-01-01")))
    lis = {"min_coverage": 0.6, "assessment_window_days": 14} | ({"mid": mid} if mid is not None else {})
    return _saved(session, OutcomeSetVersion(
        community_id=community.id, version=1, fingerprint=f"{code}-v1", published_at=at("2026-01-01"),
        definition={"community": code, "version": 1, "life_improver_score": lis},
    ))


def make_patient(session: Session, *, lsoa: str | None = None, team: Team | None = None,
                 date_of_death: date | None = None, external_id: str | None = None, source: str = "test") -> Patient:
    number = next(_serial)
    return _saved(session, Patient(
        source=source, external_id=external_id or f"P{number}", lsoa=lsoa, date_of_death=date_of_death,
        registered_team_id=team.id if team else None, preferred_channel="web", created_at=at("2026-01-01"),
    ))


def make_enrolment(session: Session, patient: Patient, outcome_set: OutcomeSetVersion, *,
                   enrolled: str = "2026-01-01", left: str | None = None, team: Team | None = None) -> Enrolment:
    return _saved(session, Enrolment(
        patient_id=patient.id, community_id=outcome_set.community_id, outcome_set_version_id=outcome_set.id,
        team_id=team.id if team else None, status="left" if left else "active", enrolled_at=at(enrolled, 9),
        left_at=at(left, 9) if left else None, consent_method="verbal", consent_recorded_by="test",
        consent_at=at(enrolled, 9),
    ))


def make_lis(session: Session, enrolment: Enrolment, value: float | None, observed: str) -> LifeImproverScore:
    return _saved(session, LifeImproverScore(
        patient_id=enrolment.patient_id, enrolment_id=enrolment.id,
        outcome_set_version_id=enrolment.outcome_set_version_id, value=value, coverage=1.0, inputs={},
        observed_at=at(observed),
    ))


def make_invitation(session: Session, enrolment: Enrolment, status: str, due: str = "2026-01-02") -> Invitation:
    return _saved(session, Invitation(
        enrolment_id=enrolment.id, patient_id=enrolment.patient_id,
        outcome_set_version_id=enrolment.outcome_set_version_id, schedule_key=f"k{next(_serial)}",
        instruments=["eq5d5l"], channel="sms", status=status, due_at=at(due), created_at=at(due), updated_at=at(due),
    ))


def make_cost_event(session: Session, patient: Patient, cost: str | Decimal, start: str, *,
                    activity: str = "gp_appointment", end: str | None = None, source_id: str | None = None) -> CostEvent:
    return _saved(session, CostEvent(
        patient_id=patient.id, activity=activity, start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end) if end else None, quantity=Decimal(1), cost=Decimal(cost),
        actual_cost=Decimal(cost), source_system="test", source_id=source_id or f"c{next(_serial)}",
        created_at=at(start),
    ))


def make_days_at_home(session: Session, patient: Patient, days: float, observed: str) -> Score:
    return _saved(session, Score(
        patient_id=patient.id, instrument="days_at_home", scale="days", value=days, flags=[],
        definition_version="days_at_home/1", provenance={}, observed_at=at(observed, 23),
    ))


def make_decile(session: Session, lsoa: str, decile: int) -> DeprivationDecile:
    return _saved(session, DeprivationDecile(lsoa=lsoa, decile=decile, source="test", loaded_at=at("2026-01-01")))

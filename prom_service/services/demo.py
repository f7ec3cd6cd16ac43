"""The demo: communities, a care team and its user, and people with a history of answers.

Every journey can be seen at once after `make run`: trends that improve and worsen, an urgent
PHQ-9 item-9 alert, people whose baseline is due now (the scheduler sends it to the SMS simulator).
Loading is idempotent: what exists is left alone.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from prom_service.db.models import Enrolment, Invitation, OutcomeSetVersion, Patient, User
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import (
    answers, care_team, cost_events, days_at_home, enrolment, outcome_sets, patients, what_matters,
)
from prom_service.services.demo_activity import demo_cost_rows
from prom_service.services.access import SYSTEM
from prom_service.services.demo_answers import demo_answers
from prom_service.services.invitation_planning import plan_enrolment

DEMO_EMAIL = "demo@example.org"
DEMO_TEAM = ("camden_north", "Camden North Integrated Care Team")
DEMO_SOURCE = "demo"


@dataclass(frozen=True)
class DemoPerson:
    """A demo person; `wellness` is one figure per past assessment, oldest first (empty = baseline due now)."""

    external_id: str
    name: str
    community: str
    phone: str
    language: str = "en"
    wellness: tuple[float, ...] = ()
    birth_year: int = 1950
    lsoa: str = "E01000907"
    history_days: int = 0


PEOPLE = (
    DemoPerson("DEMO-001", "Ada Okafor", "frail_elderly", "07700900001", wellness=(0.35, 0.45, 0.6), birth_year=1938,
               history_days=190),
    DemoPerson("DEMO-002", "Bert Hughes", "frail_elderly", "07700900002", wellness=(0.7, 0.55, 0.35), birth_year=1941,
               history_days=190),
    DemoPerson("DEMO-003", "Rahima Begum", "heart_failure", "07700900003", "bn", (0.4, 0.5, 0.62), 1952, "E01000913",
               history_days=100),
    DemoPerson("DEMO-004", "Tom Price", "heart_failure", "07700900004", wellness=(0.5, 0.48), birth_year=1949,
               history_days=50),
    DemoPerson("DEMO-005", "Maryan Farah", "perinatal_mental_health", "07700900005", "so", (0.3, 0.4, 0.55, 0.65), 1994,
               history_days=90),
    DemoPerson("DEMO-006", "Layla Haddad", "perinatal_mental_health", "07700900006", "ar", (0.6, 0.45, 0.2), 1997,
               history_days=60),
    DemoPerson("DEMO-007", "George Ellis", "knee_pain", "07700900007", wellness=(0.3, 0.7), birth_year=1958,
               history_days=190),
    DemoPerson("DEMO-008", "Priya Shah", "type2_diabetes", "07700900008", wellness=(0.5, 0.55, 0.6), birth_year=1966,
               history_days=190),
    DemoPerson("DEMO-009", "Joan Wright", "frail_elderly", "07700900009", birth_year=1935),
    DemoPerson("DEMO-010", "Sam Cole", "knee_pain", "07700900010", birth_year=1961),
    DemoPerson("DEMO-011", "Nadia Islam", "perinatal_mental_health", "07700900011", "bn", birth_year=1999),
)


@dataclass(frozen=True)
class DemoReport:
    user_email: str
    password: str | None  # None when the user already existed: its password was shown the first time
    created: dict[str, int] = field(default_factory=dict)


def load_demo(make_uow, now: datetime, communities_dir: Path, password: str = "", tariffs=None) -> DemoReport:
    """Load whatever of the demo is missing (cost events too, when a tariff book is given)."""
    published = outcome_sets.publish_directory(make_uow(), communities_dir, now)
    created = {"outcome set versions": len(published.published)} if published.published else {}
    shown = _ensure_user(make_uow, now, password)
    if shown:
        created["users"] = 1
    people = sum(_ensure_person(make_uow, person, now, index, tariffs) for index, person in enumerate(PEOPLE))
    if people:
        created["patients"] = people
    return DemoReport(DEMO_EMAIL, shown, created)


def _ensure_user(make_uow, now: datetime, password: str) -> str | None:
    with make_uow() as uow:
        care_team.ensure_team(uow, DEMO_TEAM[0], DEMO_TEAM[1], now)
        exists = uow.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is not None
        uow.commit()
    if exists:
        return None
    shown = password or secrets.token_urlsafe(12)
    care_team.create_user(make_uow(), email=DEMO_EMAIL, name="Demo Clinician", role="clinician", password=shown,
                          team_codes=[DEMO_TEAM[0]], now=now)
    return shown


def _ensure_person(make_uow, person: DemoPerson, now: datetime, index: int, tariffs) -> int:
    with make_uow() as uow:
        if uow.session.scalar(select(Patient.id).where(Patient.source == DEMO_SOURCE,
                                                       Patient.external_id == person.external_id)):
            return 0
    start = now - timedelta(days=person.history_days)
    new = patients.NewPatient(
        person.external_id, source=DEMO_SOURCE, phone=person.phone, language=person.language,
        date_of_birth=date(person.birth_year, 1 + index % 12, 1 + index), display_name=person.name, lsoa=person.lsoa,
    )
    patient_id = patients.register_patient(make_uow(), SYSTEM, new, start)
    policy = enrolment.PlanningPolicy(horizon_days=7, expire_after_days=14)
    enrolment_id = enrolment.enrol(make_uow(), SYSTEM, patient_id, person.community,
                                   enrolment.Consent("verbal", "Demo Clinician"), start, policy, DEMO_TEAM[0])
    rng = random.Random(person.external_id)
    if tariffs is not None and person.wellness:
        _add_activity(make_uow, person, patient_id, start, now, tariffs, rng)
    _play_history(make_uow, person, enrolment_id, start, now, rng)
    return 1


def _add_activity(make_uow, person: DemoPerson, patient_id: int, start: datetime, now: datetime, tariffs, rng) -> None:
    """A year of care before enrolment and the months since, through the real cost-event import."""
    mean_wellness = sum(person.wellness) / len(person.wellness)
    rows = demo_cost_rows(person.external_id, patient_id, (start - timedelta(days=365)).date(), now.date(),
                          mean_wellness, rng)
    cost_events.import_cost_events(make_uow(), SYSTEM, rows, tariffs, now, source_system=DEMO_SOURCE)


def _play_history(make_uow, person: DemoPerson, enrolment_id: int, start: datetime, now: datetime, rng) -> None:
    """Answer each invitation a few hours after it falls due, one per wellness figure, until today."""
    if person.community == "frail_elderly" and person.wellness:
        _set_goals(make_uow, enrolment_id, start)
    moment = start
    for wellness in person.wellness:
        invitation = _earliest_planned(make_uow, enrolment_id, moment)
        if invitation is None or max(invitation.due_at, moment) + timedelta(hours=3) > now:
            return
        moment = max(invitation.due_at, moment) + timedelta(hours=3)
        _record_days_at_home(make_uow, enrolment_id, moment)
        if person.community == "frail_elderly":
            _rate_goals(make_uow, enrolment_id, wellness, moment - timedelta(minutes=5))
        body = {f"{i}.{item}": v for i in invitation.instruments for item, v in demo_answers(i, wellness, rng).items()}
        answers.submit_response(make_uow(), SYSTEM, invitation.id, body, "web", moment)


def _record_days_at_home(make_uow, enrolment_id: int, moment: datetime) -> None:
    """Where the outcome set measures time at home, count it up to yesterday, as a nightly job would."""
    with make_uow() as uow:
        row = uow.session.get(Enrolment, enrolment_id)
        outcome_set = outcome_sets.outcome_set_of(uow.session.get(OutcomeSetVersion, row.outcome_set_version_id))
        patient_id = row.patient_id
    for domain in outcome_set.domains:
        if domain.measure.over_days:
            days_at_home.record_days_at_home(make_uow(), patient_id, (moment - timedelta(days=1)).date(),
                                             domain.measure.over_days, moment, enrolment_id=enrolment_id)


def _earliest_planned(make_uow, enrolment_id: int, moment: datetime) -> Invitation | None:
    """Plan ahead from `moment` and return the next invitation still waiting for answers."""
    with make_uow() as uow:
        row = uow.session.get(Enrolment, enrolment_id)
        version = uow.session.get(OutcomeSetVersion, row.outcome_set_version_id)
        plan_enrolment(uow, row, outcome_sets.outcome_set_of(version), moment, horizon_days=200, expire_after_days=14)
        uow.commit()
        return uow.session.scalar(select(Invitation).where(
            Invitation.enrolment_id == enrolment_id, Invitation.status == "planned").order_by(Invitation.due_at).limit(1))


def _set_goals(make_uow, enrolment_id: int, at: datetime) -> None:
    for text, importance, difficulty in (("Walk to the corner shop", 3, 2), ("Cook my own dinner", 2, 2)):
        what_matters.set_goal(make_uow(), SYSTEM, enrolment_id, what_matters.NewGoal(text, importance, difficulty), at)


def _rate_goals(make_uow, enrolment_id: int, wellness: float, at: datetime) -> None:
    with make_uow() as uow:
        from prom_service.db.models import PersonalGoal

        goal_ids = uow.session.scalars(select(PersonalGoal.id).where(PersonalGoal.enrolment_id == enrolment_id)).all()
    attainment = max(-2, min(2, round(wellness * 4 - 2)))
    what_matters.rate_goals(make_uow(), SYSTEM, enrolment_id, {g: attainment for g in goal_ids}, at)

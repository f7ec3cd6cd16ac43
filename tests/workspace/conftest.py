"""Two care teams on one database: North (the demo caseload) and South (one person of its own).

Signing in goes through the real form, so every test exercises the session cookie and the CSRF token
the way a browser does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from prom_service.db.models import Alert, AuditEvent, Enrolment, Patient, User
from prom_service.services import care_team, enrolment, patients
from prom_service.services.access import Actor
from prom_service.services.demo import DEMO_EMAIL, DEMO_TEAM, load_demo

PASSWORD = "correct horse battery"
SOUTH_EMAIL = "south@example.org"


@dataclass(frozen=True)
class World:
    north_user_id: int
    south_user_id: int
    south_patient_id: int
    south_enrolment_id: int
    south_alert_id: int
    north_team_id: int


@pytest.fixture
def world(parts, clock) -> World:
    """The demo (team North, with history and an urgent alert) plus team South with one patient and alert."""
    load_demo(parts.uow, clock.now(), parts.settings.config_dir / "communities", PASSWORD)
    south_user = care_team.create_user(parts.uow(), email=SOUTH_EMAIL, name="Sam South", role="clinician",
                                       password=PASSWORD, team_codes=["south"], now=clock.now())
    with parts.uow() as uow:
        south_team = care_team.ensure_team(uow, "south", "South", clock.now()).id
        north_team = care_team.ensure_team(uow, DEMO_TEAM[0], DEMO_TEAM[1], clock.now()).id
        uow.commit()
    actor = Actor("user", str(south_user), frozenset({south_team}))
    patient_id = patients.register_patient(parts.uow(), actor, patients.NewPatient(
        "S-1", source="test", phone="07700900999", display_name="Sol South"), clock.now())
    enrolment_id = enrolment.enrol(parts.uow(), actor, patient_id, "knee_pain", enrolment.Consent("verbal", "Sam"),
                                   clock.now(), enrolment.PlanningPolicy(7, 14), "south")
    with parts.uow() as uow:
        alert = Alert(patient_id=patient_id, enrolment_id=enrolment_id, rule="test_rule", severity="high",
                      summary="South's alert", raised_at=clock.now())
        uow.session.add(alert)
        uow.commit()
        north_user = uow.session.scalar(select(User.id).where(User.email == DEMO_EMAIL))
        return World(north_user, south_user, patient_id, enrolment_id, alert.id, north_team)


def sign_in(client, email: str = DEMO_EMAIL, password: str = PASSWORD, **extra):
    """Post the sign-in form as a browser would, with the token from the page."""
    page = client.get("/team/sign-in")
    return client.post("/team/sign-in", data={"email": email, "password": password, "csrf_token": token_of(page),
                                              **extra})


def token_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def csrf(client) -> str:
    with client.session_transaction() as session:
        return session["csrf_token"]


def audit_rows(parts, **where) -> list[AuditEvent]:
    with parts.uow() as uow:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(uow.session.scalars(query))


def north_patient(parts, external_id: str) -> tuple[int, int]:
    """(patient id, enrolment id) of a demo person."""
    with parts.uow() as uow:
        return tuple(uow.session.execute(select(Patient.id, Enrolment.id).join(
            Enrolment, Enrolment.patient_id == Patient.id).where(Patient.external_id == external_id)).one())

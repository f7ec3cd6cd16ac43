"""Patients with a questionnaire link, made through the real services, for the web channel's tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select

from prom_service.db.models import Invitation
from prom_service.services import enrolment, outcome_sets, patient_links, patients
from prom_service.services.access import SYSTEM

BORN = date(1980, 3, 27)
_serial = itertools.count(1)


@dataclass(frozen=True)
class Invited:
    invitation_id: int
    patient_id: int
    path: str


def invite(parts, *, instruments: tuple[str, ...] | None = ("phq9",), language: str = "en",
           date_of_birth: date | None = BORN, community: str = "perinatal_mental_health") -> Invited:
    """Enrol a new patient and give their baseline invitation a link; `instruments` narrows what it asks."""
    now = parts.clock.now()
    new = patients.NewPatient(external_id=f"WEB-{next(_serial)}", phone="07700 900001", preferred_channel="web",
                              language=language, date_of_birth=date_of_birth)
    patient_id = patients.register_patient(parts.uow(), SYSTEM, new, now)
    enrolment.enrol(parts.uow(), SYSTEM, patient_id, community, enrolment.Consent("verbal", "Nurse Ade"), now,
                    enrolment.PlanningPolicy.from_settings(parts.settings))
    with parts.uow() as uow:
        invitation = uow.session.scalar(select(Invitation).where(Invitation.patient_id == patient_id))
        if instruments:
            invitation.instruments = list(instruments)
        link = patient_links.issue_link(uow, invitation.id, now, parts.settings["public_base_url"])
        uow.commit()
        return Invited(invitation.id, patient_id, urlsplit(link).path)


def publish_communities(parts) -> None:
    outcome_sets.publish_directory(parts.uow(), parts.settings.config_dir / "communities", parts.clock.now())

"""Registering patients and reading them back, within the caller's team scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from prom_service.db.models import Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.patient_identity import IdentityError, check_nhs_number, normalise_phone
from prom_service.services.access import Actor, visible_patients
from prom_service.services.errors import Conflict, InvalidInput, NotFound

CHANNELS = ("sms", "web")


@dataclass(frozen=True)
class NewPatient:
    external_id: str
    source: str = "api"
    nhs_number: str | None = None
    phone: str | None = None
    preferred_channel: str = "sms"
    language: str = "en"
    timezone: str = "Europe/London"
    lsoa: str | None = None
    date_of_birth: date | None = None
    display_name: str | None = None


def register_patient(uow: UnitOfWork, actor: Actor, new: NewPatient, now: datetime) -> int:
    """Create the patient; refuse a duplicate (source, external_id) and numbers that cannot be right."""
    fields = _checked_fields(new)
    with uow:
        duplicate = uow.session.scalar(
            select(Patient.id).where(Patient.source == new.source, Patient.external_id == new.external_id)
        )
        if duplicate is not None:
            raise Conflict(f"patient {new.external_id!r} from {new.source!r} already exists as id {duplicate}")
        patient = Patient(**fields, registered_team_id=actor.home_team_id, created_at=now)
        uow.session.add(patient)
        uow.commit()
        return patient.id


def _checked_fields(new: NewPatient) -> dict:
    errors: dict[str, str] = {}
    fields = dict(
        source=new.source, external_id=new.external_id.strip(), preferred_channel=new.preferred_channel,
        language=new.language, timezone=new.timezone, lsoa=new.lsoa, date_of_birth=new.date_of_birth,
        display_name=new.display_name, nhs_number=None, phone_e164=None, phone_is_mobile=False,
    )
    if not fields["external_id"]:
        errors["external_id"] = "must not be empty"
    if new.nhs_number:
        try:
            fields["nhs_number"] = check_nhs_number(new.nhs_number)
        except IdentityError as error:
            errors["nhs_number"] = str(error)
    if new.phone:
        try:
            phone = normalise_phone(new.phone)
            fields.update(phone_e164=phone.e164, phone_is_mobile=phone.is_mobile)
        except IdentityError as error:
            errors["phone"] = str(error)
    if new.preferred_channel not in CHANNELS:
        errors["preferred_channel"] = f"must be one of {', '.join(CHANNELS)}"
    elif new.preferred_channel == "sms" and not new.phone and "phone" not in errors:
        errors["phone"] = "is required when the preferred channel is sms"
    try:
        ZoneInfo(new.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = f"unknown time zone {new.timezone!r}; use an IANA name like Europe/London"
    if errors:
        raise InvalidInput(errors)
    return fields


def get_patient(uow: UnitOfWork, actor: Actor, patient_id: int) -> Patient:
    """The patient if the actor may see them; NotFound otherwise (never reveal existence across teams)."""
    patient = uow.session.scalar(visible_patients(actor).where(Patient.id == patient_id))
    if patient is None:
        raise NotFound(f"no patient {patient_id}")
    return patient

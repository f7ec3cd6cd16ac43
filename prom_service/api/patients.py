"""/api/v1/patients: register a person and read them back."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.services import patients

blp = Blueprint("patients", __name__, url_prefix="/patients", description="People whose outcomes are measured")


class PatientIn(ma.Schema):
    external_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=128),
                                   metadata={"description": "Your system's id for the person; unique per source"})
    source = ma.fields.String(load_default="api", validate=ma.validate.Length(min=1, max=64))
    nhs_number = ma.fields.String(allow_none=True, metadata={"description": "10 digits, modulus-11 checked"})
    phone = ma.fields.String(allow_none=True, metadata={"description": "Any UK format; stored as E.164"})
    preferred_channel = ma.fields.String(load_default="sms", validate=ma.validate.OneOf(patients.CHANNELS))
    language = ma.fields.String(load_default="en", validate=ma.validate.Length(min=2, max=16))
    timezone = ma.fields.String(load_default="Europe/London")
    lsoa = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(r"^[EW]0\d{7}$"))
    date_of_birth = ma.fields.Date(allow_none=True)
    display_name = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))


class PatientOut(ma.Schema):
    id = ma.fields.Integer()
    external_id = ma.fields.String()
    source = ma.fields.String()
    nhs_number = ma.fields.String(allow_none=True)
    phone = ma.fields.String(attribute="phone_e164", allow_none=True)
    phone_is_mobile = ma.fields.Boolean()
    preferred_channel = ma.fields.String()
    language = ma.fields.String()
    timezone = ma.fields.String()
    lsoa = ma.fields.String(allow_none=True)
    date_of_birth = ma.fields.Date(allow_none=True)
    display_name = ma.fields.String(allow_none=True)
    sms_opted_out_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class CreatedId(ma.Schema):
    id = ma.fields.Integer(required=True)


@blp.post("")
@blp.arguments(PatientIn)
@blp.response(201, CreatedId)
@requires_scope("write:patients")
def create_patient(data):
    """Register a person; 409 if the source already has this external id."""
    parts = current_app.extensions["prom"]
    new_id = patients.register_patient(parts.uow(), current_actor(), patients.NewPatient(**data), parts.clock.now())
    return {"id": new_id}


@blp.get("/<int:patient_id>")
@blp.response(200, PatientOut)
@requires_scope("read:scores")
def read_patient(patient_id: int):
    """One patient, if your key's team may see them."""
    parts = current_app.extensions["prom"]
    with parts.uow() as uow:
        return patients.get_patient(uow, current_actor(), patient_id)

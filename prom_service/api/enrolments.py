"""Enrolling a person in a community, and ending it."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.services import enrolment, patient_record

blp = Blueprint("enrolments", __name__, url_prefix="", description="Enrolment in communities, with consent")


class ConsentIn(ma.Schema):
    method = ma.fields.String(required=True, validate=ma.validate.OneOf(enrolment.CONSENT_METHODS))
    recorded_by = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    at = ma.fields.AwareDateTime(load_default=None, allow_none=True)


class EnrolmentIn(ma.Schema):
    community = ma.fields.String(required=True, metadata={"description": "Community code"})
    consent = ma.fields.Nested(ConsentIn, required=True)
    team = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "Enrolling team code"})


class EnrolmentOut(ma.Schema):
    id = ma.fields.Integer()
    community = ma.fields.String()
    outcome_set_version = ma.fields.Integer()
    status = ma.fields.String()
    enrolled_at = ma.fields.DateTime()
    left_at = ma.fields.DateTime(allow_none=True)
    left_reason = ma.fields.String(allow_none=True)
    consent_method = ma.fields.String()
    consent_recorded_by = ma.fields.String()
    consent_at = ma.fields.DateTime()


class LeaveIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(enrolment.LEAVING_REASONS))


class LeaveOut(ma.Schema):
    cancelled_invitations = ma.fields.Integer()


def _out(row, code, version) -> dict:
    return {**{k: getattr(row, k) for k in EnrolmentOut._declared_fields if hasattr(row, k)},
            "community": code, "outcome_set_version": version}


@blp.post("/patients/<int:patient_id>/enrolments")
@blp.arguments(EnrolmentIn)
@blp.response(201, EnrolmentOut)
@requires_scope("write:patients")
def create_enrolment(data, patient_id: int):
    """Enrol the person (consent recorded); their baseline invitation is planned at once."""
    parts = current_app.extensions["prom"]
    consent = enrolment.Consent(**data["consent"])
    new_id = enrolment.enrol(parts.uow(), current_actor(), patient_id, data["community"], consent, parts.clock.now(),
                             enrolment.PlanningPolicy.from_settings(parts.settings), data["team"])
    with parts.uow() as uow:
        return next(_out(*row) for row in patient_record.enrolments_of(uow, current_actor(), patient_id)
                    if row[0].id == new_id)


@blp.get("/patients/<int:patient_id>/enrolments")
@blp.response(200, EnrolmentOut(many=True))
@requires_scope("read:scores")
def list_enrolments(patient_id: int):
    """The person's enrolments, past and present."""
    with current_app.extensions["prom"].uow() as uow:
        return [_out(*row) for row in patient_record.enrolments_of(uow, current_actor(), patient_id)]


@blp.post("/enrolments/<int:enrolment_id>/leave")
@blp.arguments(LeaveIn)
@blp.response(200, LeaveOut)
@requires_scope("write:patients")
def leave_enrolment(data, enrolment_id: int):
    """End the enrolment; invitations not yet answered are cancelled with the reason."""
    parts = current_app.extensions["prom"]
    cancelled = enrolment.leave(parts.uow(), current_actor(), enrolment_id, data["reason"], parts.clock.now())
    return {"cancelled_invitations": cancelled}

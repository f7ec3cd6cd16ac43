"""A person's invitations, responses, scores and alerts."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.db.models.invitation import STATUSES
from prom_service.services import answers, patient_record

blp = Blueprint("records", __name__, url_prefix="", description="Invitations, responses, scores and alerts")


class TransitionOut(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    at = ma.fields.DateTime()


class InvitationOut(ma.Schema):
    id = ma.fields.Integer()
    enrolment_id = ma.fields.Integer()
    schedule_key = ma.fields.String(metadata={"description": "baseline, followup:P3M, interval:2, event:discharge:…"})
    instruments = ma.fields.List(ma.fields.String())
    channel = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    status_reason = ma.fields.String(allow_none=True)
    due_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    expires_at = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    reminders_sent = ma.fields.Integer()
    transitions = ma.fields.List(ma.fields.Nested(TransitionOut))


class ResponseIn(ma.Schema):
    answers = ma.fields.Dict(
        required=True, keys=ma.fields.String(),
        values=ma.fields.Integer(strict=True, allow_none=True),
        metadata={"description": "{item_id: value}; `phq9.q1` or plain `q1` where unambiguous; null = not answered"},
    )


class ScoreOut(ma.Schema):
    id = ma.fields.String()
    instrument = ma.fields.String()
    scale = ma.fields.String()
    value = ma.fields.Float(allow_none=True)
    value_text = ma.fields.String(allow_none=True)
    band = ma.fields.String(allow_none=True)
    flags = ma.fields.List(ma.fields.String())
    reason = ma.fields.String(allow_none=True)
    life_improver_score = ma.fields.Dict(allow_none=True)
    definition_version = ma.fields.String()
    observed_at = ma.fields.DateTime()


class AlertRef(ma.Schema):
    id = ma.fields.Integer()
    rule = ma.fields.String()
    severity = ma.fields.String()
    summary = ma.fields.String()


class AssessmentOut(ma.Schema):
    invitation_id = ma.fields.Integer()
    scores = ma.fields.List(ma.fields.Dict())
    life_improver_score = ma.fields.Float(allow_none=True)
    life_improver_score_reason = ma.fields.String(allow_none=True)
    alerts = ma.fields.List(ma.fields.Nested(AlertRef))


class AlertOut(ma.Schema):
    id = ma.fields.Integer()
    patient_id = ma.fields.Integer()
    rule = ma.fields.String()
    severity = ma.fields.String(metadata={"enum": ["urgent", "high", "medium", "low"]})
    status = ma.fields.String(metadata={"enum": ["open", "acknowledged", "resolved"]})
    summary = ma.fields.String()
    score_id = ma.fields.Integer(allow_none=True, metadata={"description": "The score that raised it"})
    raised_at = ma.fields.DateTime()
    acknowledged_at = ma.fields.DateTime(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)


class AlertQuery(ma.Schema):
    patient = ma.fields.Integer(strict=False, load_default=None, validate=ma.validate.Range(min=1, max=2**63 - 1))
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["open", "acknowledged", "resolved"]))


@blp.get("/patients/<int:patient_id>/invitations")
@blp.response(200, InvitationOut(many=True))
@requires_scope("read:scores")
def list_invitations(patient_id: int):
    """Every invitation with its status and each transition's reason."""
    with current_app.extensions["prom"].uow() as uow:
        return [{**{k: getattr(i, k) for k in InvitationOut._declared_fields if hasattr(i, k)}, "transitions": events}
                for i, events in patient_record.invitations_of(uow, current_actor(), patient_id)]


@blp.post("/invitations/<int:invitation_id>/responses")
@blp.arguments(ResponseIn)
@blp.response(201, AssessmentOut)
@requires_scope("write:responses")
def submit_response(data, invitation_id: int):
    """Answer a whole invitation at once; returns the scores, LIS and alerts it produced."""
    parts = current_app.extensions["prom"]
    outcome = answers.submit_response(parts.uow(), current_actor(), invitation_id, data["answers"], "api",
                                      parts.clock.now())
    return {"invitation_id": outcome.invitation_id, "scores": [vars(s) for s in outcome.scores],
            "life_improver_score": outcome.life_improver_score,
            "life_improver_score_reason": outcome.life_improver_score_reason,
            "alerts": [vars(a) for a in outcome.alerts]}


@blp.get("/patients/<int:patient_id>/scores")
@blp.response(200, ScoreOut(many=True))
@requires_scope("read:scores")
def list_scores(patient_id: int):
    """Every score, oldest first, with Life Improver Scores and the definition version of each."""
    with current_app.extensions["prom"].uow() as uow:
        return patient_record.scores_of(uow, current_actor(), patient_id)


@blp.get("/alerts")
@blp.arguments(AlertQuery, location="query")
@blp.response(200, AlertOut(many=True))
@requires_scope("read:scores")
def list_alerts(query):
    """Alerts your key may see, urgent first."""
    with current_app.extensions["prom"].uow() as uow:
        return patient_record.alerts_for(uow, current_actor(), query["patient"], query["status"])

"""/api/v1/communities: communities of interest and their current outcome sets."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint

from prom_service.api.auth import requires_scope
from prom_service.services import outcome_sets

blp = Blueprint("communities", __name__, url_prefix="/communities",
                description="Communities of interest, their outcome sets and Life Improver Score definitions")


class CommunityOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "The current outcome-set version"})


class OutcomeSetOut(ma.Schema):
    community = ma.fields.String()
    version = ma.fields.Integer()
    fingerprint = ma.fields.String(metadata={"description": "sha256 of the canonical definition"})
    published_at = ma.fields.DateTime()
    definition = ma.fields.Dict(metadata={
        "description": "domains (measure, worst, best, weight, mid), life_improver_score, schedule, instruments, alerts"})


@blp.get("")
@blp.response(200, CommunityOut(many=True))
@requires_scope("read:scores")
def list_communities():
    """Every community with its current outcome-set version."""
    with current_app.extensions["prom"].uow() as uow:
        return [
            {"code": c.code, "name": c.name, "description": c.description, "version": version}
            for c, version in outcome_sets.list_communities(uow)
        ]


@blp.get("/<code>/outcome-set")
@blp.response(200, OutcomeSetOut)
@requires_scope("read:scores")
def read_outcome_set(code: str):
    """The current outcome set: domains and measures, the LIS definition, the schedule."""
    with current_app.extensions["prom"].uow() as uow:
        version = outcome_sets.current_version(uow, code)
        return {"community": code, "version": version.version, "fingerprint": version.fingerprint,
                "published_at": version.published_at, "definition": version.definition["outcome_set"]}

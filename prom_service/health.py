"""Liveness and readiness for load balancers and `make run`'s own check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from prom_service.api.problem import problem_response
from prom_service.db.migrations import current_revision, head_revision

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """Answer while the process can serve requests at all."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz():
    """Answer 200 only when the database is reachable and at the newest migration."""
    parts = current_app.extensions["prom"]
    try:
        with parts.uow() as uow:
            connection = uow.session.connection()
            connection.execute(text("SELECT 1"))
            current = current_revision(connection)
    except Exception as exc:  # any driver error means "not ready"; the type is logged, not shown
        current_app.logger.warning("readiness check failed: %s", type(exc).__name__)
        return problem_response(503, "Service Unavailable", "The database is not reachable.")
    head = head_revision()
    if current != head:
        return problem_response(
            503, "Service Unavailable", f"The database is at migration {current}, not {head}: run `prom db upgrade`."
        )
    return jsonify(status="ready", database=parts.engine.dialect.name, migration=current)

"""Bearer API keys at the edge: who is calling, with which scopes, and an audit row for every call."""

from __future__ import annotations

import functools
from typing import Callable

from flask import Response, after_this_request, current_app, g, request
from flask_smorest import abort

from prom_service.db.unit_of_work import JoinedUnitOfWork, UnitOfWork
from prom_service.services import api_clients, audit
from prom_service.services.access import Actor

BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="prom"'}


def current_actor() -> Actor:
    return g.actor


def requires_scope(scope: str, *, one_transaction: bool = False) -> Callable:
    """Let the view run only for a live key holding `scope`; audit the call whatever its outcome.

    With `one_transaction`, the key check, the view's read (through `request_unit_of_work()`) and the
    audit row are one transaction, committed with the audit row once the answer is made: 5 round trips
    instead of 9 and one pool checkout instead of three (the feed: a fixed cost of every page). Only
    for views that write nothing themselves.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if one_transaction:
                g.request_uow = current_app.extensions["prom"].uow().__enter__()
            g.actor = _authenticate()
            after_this_request(_audited)
            if scope not in g.actor.scopes and "admin" not in g.actor.scopes:
                abort(403, message=f"This key lacks the {scope!r} scope.")
            return view(*args, **kwargs)

        wrapper._prom_scope = scope  # read by the OpenAPI security annotation
        return wrapper

    return decorate


def _authenticate() -> Actor:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        abort(401, message="Send an API key as 'Authorization: Bearer <key>'.", headers=BEARER_CHALLENGE)
    with _unit_of_work() as uow:
        client = api_clients.authenticate(uow, key.strip())
        if client is None:
            abort(401, message="This API key is unknown or revoked.", headers=BEARER_CHALLENGE)
        teams = frozenset({client.team_id}) if client.team_id is not None else None
        return Actor(kind="api_client", id=str(client.id), team_ids=teams, scopes=frozenset(client.scopes))


def _audited(response: Response) -> Response:
    """Audit the call once its answer is made, with the status the caller really got, whichever error
    handler (problem+json, FHIR OperationOutcome) made it: a refused patient is a 404 in the trail too."""
    _audit(response.status_code)
    return response


def _asked_patient() -> int | None:
    """The patient a call names, in its path, its `patient` filter or a FHIR Patient read, for the trail."""
    args = request.view_args or {}
    named = args.get("patient_id") or request.args.get("patient")
    if named is None and args.get("resource_type") == "Patient":
        named = args.get("resource_id")
    text = str(named or "").rpartition("/")[2]
    return int(text) if text.isdigit() and len(text) < 19 else None


def _audit(status: int) -> None:
    parts = current_app.extensions["prom"]
    patient_id = _asked_patient()
    try:
        with _unit_of_work() as uow:
            audit.record(
                uow, g.actor, f"api:{request.method} {request.url_rule.rule if request.url_rule else request.path}",
                parts.clock.now(), patient_id=patient_id, target=request.path, remote_addr=request.remote_addr,
                status=status,
            )
            uow.commit()
    finally:
        end_request_unit_of_work()


def request_unit_of_work() -> JoinedUnitOfWork:
    """The request's own unit of work (`requires_scope(..., one_transaction=True)`), for its view's read."""
    return JoinedUnitOfWork(g.request_uow)


def end_request_unit_of_work(_error: BaseException | None = None) -> None:
    """Roll back and release the request's unit of work if it is still open: the audit commits it, so
    this only does anything when the call ended before its audit (a refused key, an unhandled error)."""
    owner = g.pop("request_uow", None)
    if owner is not None and owner.session is not None:
        owner.__exit__(None, None, None)


def _unit_of_work() -> UnitOfWork | JoinedUnitOfWork:
    owner = g.get("request_uow")
    return JoinedUnitOfWork(owner) if owner is not None else current_app.extensions["prom"].uow()

"""/fhir: FHIR R4 JSON for other systems. A plain Flask blueprint; the same bearer keys as /api/v1
(scope read:scores), team-scoped and audited; every error is an OperationOutcome.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from prom_service.api.auth import current_actor, requires_scope
from prom_service.feeds import fhir_resources, fhir_search
from prom_service.feeds.fhir_capability import capability_statement
from prom_service.services.errors import InvalidInput, NotFound, ServiceError

FHIR_JSON = "application/fhir+json"
SEARCHES = {
    "Observation": ({"patient", "code", "_lastUpdated"}, fhir_search.observations),
    "QuestionnaireResponse": ({"patient", "code", "_lastUpdated"}, fhir_search.questionnaire_responses),
}
READABLE = ("Observation", "QuestionnaireResponse", "Patient")
ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported",
               410: "deleted", 422: "invalid"}

blueprint = Blueprint("fhir", __name__, url_prefix="/fhir")


def fhir_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype=FHIR_JSON, headers=headers)


@blueprint.get("/metadata")
def metadata():
    """What this server supports; public, as FHIR clients read it before they authenticate."""
    parts = current_app.extensions["prom"]
    return fhir_response(capability_statement(parts.settings["public_base_url"], parts.clock.now()))


@blueprint.get("/Observation", defaults={"resource_type": "Observation"})
@blueprint.get("/QuestionnaireResponse", defaults={"resource_type": "QuestionnaireResponse"})
@requires_scope("read:scores")
def search(resource_type: str):
    """Search by patient, code and _lastUpdated; a searchset Bundle with total and paging links."""
    allowed, run = SEARCHES[resource_type]
    query = fhir_search.parse(request.args.to_dict(flat=False), allowed)
    with current_app.extensions["prom"].uow() as uow:
        page = run(uow, current_actor(), query)
    return fhir_response(fhir_resources.bundle(page.total, page.resources, request.url, _next_url(query, page)))


def _next_url(query: fhir_search.Search, page: fhir_search.Page) -> str | None:
    if query.offset + query.count >= page.total or query.count == 0:
        return None
    args = request.args.to_dict(flat=False) | {"_offset": [str(query.offset + query.count)]}
    return f"{request.base_url}?{urlencode(args, doseq=True)}"


@blueprint.get("/<resource_type>/<resource_id>")
@requires_scope("read:scores")
def read(resource_type: str, resource_id: str):
    """One resource by id; 404 when it does not exist or your key's team may not see it."""
    if resource_type not in READABLE:
        raise NotFound(f"this server has no /fhir/{resource_type}; see /fhir/metadata")
    with current_app.extensions["prom"].uow() as uow:
        resource = fhir_search.read(uow, current_actor(), resource_type, resource_id)
    if resource is None:
        raise NotFound(f"no {resource_type}/{resource_id}")
    return fhir_response(resource)


@blueprint.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unsupported(unknown: str):
    raise NotFound(f"this server has no /fhir/{unknown}; see /fhir/metadata")


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    detail = data.get("message") or error.description or error.name
    return fhir_response(fhir_resources.operation_outcome(ISSUE_CODES.get(error.code, "processing"), detail),
                         error.code or 500, headers)


@blueprint.errorhandler(ServiceError)
def service_error(error: ServiceError):
    status = 404 if isinstance(error, NotFound) else 400 if isinstance(error, InvalidInput) else 403
    return fhir_response(fhir_resources.operation_outcome(ISSUE_CODES[status], str(error)), status)


@blueprint.errorhandler(fhir_search.SearchError)
def search_error(error: fhir_search.SearchError):
    return fhir_response(fhir_resources.operation_outcome("invalid", str(error)), 400)

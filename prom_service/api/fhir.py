"""/fhir: FHIR R4 JSON for other systems. A plain Flask blueprint; the same bearer keys as /api/v1
(scope read:scores), team-scoped and audited; every error is an OperationOutcome.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, request, send_file
from werkzeug.exceptions import HTTPException

from prom_service.api.auth import current_actor, requires_scope
from prom_service.feeds import fhir_resources, fhir_search
from prom_service.feeds.fhir_capability import capability_statement
from prom_service.services import export_jobs
from prom_service.services.errors import InvalidInput, NotFound, ServiceError

FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
ACCEPTABLE = {"", "*/*", "application/json", FHIR_JSON}
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


@blueprint.get("/$export", defaults={"level": "system"})
@blueprint.get("/Patient/$export", defaults={"level": "patient"})
@requires_scope("read:scores")
def export_kick_off(level: str):
    """Bulk Data kick-off: queue the export and answer 202 with the status URL to poll."""
    if "respond-async" not in {token.strip() for token in request.headers.get("Prefer", "").split(",")}:
        raise InvalidInput({"Prefer": "a Bulk Data export needs the header 'Prefer: respond-async'"})
    if not {kind.split(";")[0].strip() for kind in request.headers.get("Accept", "").split(",")} & ACCEPTABLE:
        raise InvalidInput({"Accept": f"the kick-off answers in {FHIR_JSON} only"})
    asked = export_jobs.parse_request(level, request.args.to_dict(flat=False))
    parts = current_app.extensions["prom"]
    job_id = export_jobs.kick_off(parts.uow(), current_actor(), asked, request.url, parts.clock.now())
    return Response(status=202, headers={"Content-Location": _base_url() + f"/$export-status/{job_id}"})


@blueprint.get("/$export-status/<int:job_id>")
@requires_scope("read:scores")
def export_status(job_id: int):
    """202 with X-Progress while the export runs, 200 with the manifest when done, 500 if it failed."""
    parts = current_app.extensions["prom"]
    job = export_jobs.view(parts.uow(), current_actor(), job_id)
    if job.state in ("queued", "running"):
        return Response(status=202, headers={"X-Progress": job.progress or job.state,
                                             "Retry-After": str(parts.settings["exports.retry_after_seconds"])})
    if job.state == "failed":
        return fhir_response(fhir_resources.operation_outcome("exception", job.error or "the export failed"), 500)
    return Response(json.dumps(_manifest(job)), status=200, mimetype="application/json")


@blueprint.delete("/$export-status/<int:job_id>")
@requires_scope("read:scores")
def export_cancel(job_id: int):
    """Cancel the export and delete whatever it wrote."""
    parts = current_app.extensions["prom"]
    export_jobs.cancel(parts.uow(), current_actor(), job_id, parts.settings)
    return Response(status=202)


@blueprint.get("/$export-file/<int:job_id>/<name>")
@requires_scope("read:scores")
def export_file(job_id: int, name: str):
    """One NDJSON file of a finished export, for the client that asked for it."""
    parts = current_app.extensions["prom"]
    path, _count = export_jobs.output_file(parts.uow(), current_actor(), job_id, name, parts.settings)
    return send_file(path, mimetype=NDJSON, max_age=0)


def _manifest(job: export_jobs.JobView) -> dict:
    files = _base_url() + f"/$export-file/{job.id}"
    return {
        "transactionTime": fhir_resources.instant(job.transaction_time), "request": job.request_url,
        "requiresAccessToken": True,
        "output": [{"type": e["type"], "url": f"{files}/{e['type']}.ndjson", "count": e["count"]} for e in job.output],
        "error": [],
    }


def _base_url() -> str:
    return current_app.extensions["prom"].settings["public_base_url"].rstrip("/") + "/fhir"


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

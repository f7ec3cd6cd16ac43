"""The workspace blueprint and what every one of its requests goes through.

Every request by a signed-in user is audited after it runs (who, which page or action, which patient,
when, from which address, with what outcome), like every API call, so views of a patient's record,
changes, exports and refusals all leave a row. Another team's patient or alert is answered 404, never
403: the page must not reveal that the person exists.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template, request

from prom_service.services import audit
from prom_service.services.errors import NotFound
from prom_service.workspace.csrf import check_csrf, csrf_token
from prom_service.workspace.wording import FILTERS, WORDING

blueprint = Blueprint("workspace", __name__, url_prefix="/team", template_folder="templates")

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
))
PROBLEMS = {
    400: ("This form has expired", "Go back, reload the page and try again."),
    403: ("You cannot use this page", "Your role does not include it. Ask an administrator if you need it."),
    404: ("Page not found", "The person or item may not be in your team's caseload."),
}

blueprint.before_request(check_csrf)
for _name, _filter in FILTERS.items():
    blueprint.add_app_template_filter(_filter, _name)


@blueprint.context_processor
def _page_context() -> dict:
    return {"csrf_token": csrf_token, "workspace_user": g.get("workspace_user"), **WORDING}


@blueprint.after_request
def _secure_and_audit(response: Response) -> Response:
    """No caching of patient data, nothing from other origins; then the audit row."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    user = g.get("workspace_user")
    if user is not None:
        _audit_request(user, response.status_code)
    return response


def _audit_request(user, status: int) -> None:
    parts = current_app.extensions["prom"]
    # The endpoint names the page or action (`workspace.set_weights`) within the column's 64 characters.
    action = f"{request.method} {request.endpoint or request.path}"[:64]
    patient_id = g.get("audit_patient_id") or (request.view_args or {}).get("patient_id")
    with parts.uow() as uow:
        audit.record(uow, user.actor, action, parts.clock.now(), patient_id=patient_id,
                     target=request.full_path.rstrip("?")[:200], remote_addr=request.remote_addr, status=status,
                     refused=g.get("refused", False))
        uow.commit()


@blueprint.errorhandler(NotFound)
def _not_in_caseload(_error: NotFound):
    g.refused = True
    return problem(404)


@blueprint.errorhandler(400)
@blueprint.errorhandler(403)
@blueprint.errorhandler(404)
def _http_problem(error):
    return problem(error.code)


def problem(status: int):
    title, advice = PROBLEMS[status]
    return render_template("workspace/problem.html", title=title, advice=advice), status

"""The REST API under /api/v1: flask-smorest blueprints, one documented error shape."""

from __future__ import annotations

from flask import Flask

from prom_service.api.auth import end_request_unit_of_work
from prom_service.api.decimal_string import DecimalString
from prom_service.api.problem import ProblemApi, problem_response
from prom_service.services.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError

API_PREFIX = "/api/v1"
SERVICE_ERROR_STATUS = {NotFound: 404, Conflict: 409, Forbidden: 403, InvalidInput: 422}


def register_api(app: Flask) -> ProblemApi:
    """Attach the API and its OpenAPI document (/api/v1/openapi.json) to `app`."""
    app.config.setdefault("API_TITLE", "PROM service API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = ProblemApi(app, spec_kwargs={"info": {"description": "Scores, outcome sets and value for care."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_field(DecimalString, "string", "decimal")
    api.spec.options["security"] = [{"bearerAuth": []}]
    app.register_error_handler(ServiceError, _service_error)
    app.teardown_request(end_request_unit_of_work)
    for blueprint in _blueprints():
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + (blueprint.url_prefix or ""))
    app.extensions["prom_api"] = api
    return api


def _blueprints():
    """Every API blueprint; imported here so the app factory stays the only wiring point."""
    from prom_service.api import communities, enrolments, patients, records
    from prom_service.api import cost_events, reports
    from prom_service.api import feed, subscriptions

    return [communities.blp, patients.blp, enrolments.blp, records.blp, cost_events.blp, reports.blp, feed.blp,
            subscriptions.blp]


def _service_error(error: ServiceError):
    status = next((code for kind, code in SERVICE_ERROR_STATUS.items() if isinstance(error, kind)), 400)
    errors = error.errors if isinstance(error, InvalidInput) else None
    titles = {404: "Not Found", 409: "Conflict", 403: "Forbidden", 422: "Unprocessable Content"}
    return problem_response(status, titles.get(status, "Bad Request"), str(error), errors)

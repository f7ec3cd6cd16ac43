"""RFC 9457 problem documents for every API error, naming each bad field."""

from __future__ import annotations

import http
import logging
from typing import Any, Mapping

import marshmallow as ma
from flask import Response, json, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
# Paths whose errors are answered as JSON problems; pages keep Flask's HTML errors.
API_PREFIXES = ("/api/", "/fhir/", "/twilio/", "/healthz", "/readyz")


def problem_response(
    status: int, title: str, detail: str | None = None, errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = dict(errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers.update(headers or {})
    return response


def flatten_field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn webargs' {"json": {"answers": {"q1": [...]}}} into {"answers.q1": [...]}."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in (messages or {}).items():
        name = "" if key in ("json", "form", "query", "querystring", "files") and not prefix else str(key)
        if prefix and key in ("key", "value") and isinstance(value, list):
            name = ""  # marshmallow's Dict nests a bad entry as {"key": …, "value": …}; the entry is the field
        path = ".".join(part for part in (prefix, name) if part)
        flat.update(flatten_field_errors(value, path))
    return flat


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document, as every error is answered (documents the error responses)."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Each bad field with what is wrong with it"})


class ProblemApi(Api):
    """flask-smorest's Api answering RFC 9457 problems, keeping headers such as `Allow` on 405."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """Document error responses as application/problem+json, as they are sent."""
        super()._register_responses()
        errors = {status.name for status in http.HTTPStatus if status >= 400} | {"DEFAULT_ERROR"}
        for name, response in self.spec.components.responses_lazy.items():
            if name in errors and "application/json" in response.get("content", {}):
                response["content"] = {PROBLEM_TYPE: response["content"].pop("application/json")}

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        if not request.path.startswith(API_PREFIXES):
            return error
        if isinstance(error, InternalServerError):
            log.error("unhandled error", exc_info=getattr(error, "original_exception", None) or error)
        data = getattr(error, "data", None) or {}
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        headers.update(data.get("headers") or {})
        field_errors = data.get("errors") or flatten_field_errors(data.get("messages"))
        detail = data.get("message") or _detail(error, field_errors)
        return problem_response(error.code or 500, error.name, detail, field_errors, headers)


def _detail(error: HTTPException, field_errors: Mapping[str, Any]) -> str:
    if field_errors:
        return "Some fields are not valid: " + ", ".join(sorted(field_errors))
    if isinstance(error, InternalServerError):
        return "Something went wrong on our side; it has been logged."
    return error.description or error.name

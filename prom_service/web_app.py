"""Assemble the Flask application: settings, parts, logging, request ids, blueprints, error pages."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask, g, request

from prom_service.api import register_api
from prom_service.api.fhir import blueprint as fhir_blueprint
from prom_service.api.swagger_ui import install_swagger_ui
from prom_service.bootstrap import Parts, bootstrap
from prom_service.channels.sms import simulator_page, webhooks
from prom_service.channels.web import register_patient_web
from prom_service.health import blueprint as health_blueprint
from prom_service.settings import Settings, load_settings
from prom_service.structured_log import configure_logging, new_request_id, request_id_var
from prom_service.workspace import register_workspace

log = logging.getLogger(__name__)


def build_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` holds Flask keys (UPPER), settings (lower.dotted) and `PARTS`."""
    flask_config, overrides, parts = _split_test_config(test_config or {})
    settings = parts.settings if parts else load_settings(overrides)
    configure_logging(settings["log_level"])
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings["secret_key"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["web.session_cookie_secure"],
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
    )
    app.config.update(flask_config)
    app.extensions["prom"] = parts or bootstrap(settings)
    _install_request_id(app)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(simulator_page.blueprint)
    install_swagger_ui(app)
    register_api(app)
    app.register_blueprint(fhir_blueprint)
    register_patient_web(app)
    register_workspace(app)
    return app


def _split_test_config(test_config: Mapping[str, Any]) -> tuple[dict, dict, Parts | None]:
    flask_config = {k: v for k, v in test_config.items() if k.isupper() and k != "PARTS"}
    overrides = {k: v for k, v in test_config.items() if not k.isupper()}
    return flask_config, overrides, test_config.get("PARTS")


def _install_request_id(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.request_id = new_request_id(request.headers.get("X-Request-ID"))
        g.request_id_token = request_id_var.set(g.request_id)

    @app.after_request
    def _finish(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        log.info(
            "request", extra={"method": request.method, "path": request.path, "status": response.status_code}
        )
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def settings_of(app: Flask) -> Settings:
    return app.extensions["prom"].settings

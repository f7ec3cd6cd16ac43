"""The patient web channel: the questionnaire at `/s/{token}` on the NHS.UK design system."""

from __future__ import annotations

from flask import Flask

IDENTITY_CHECKS = ("date_of_birth", "none")


def register_patient_web(app: Flask) -> None:
    """Add the questionnaire pages and their languages to the app; refuse an unknown identity check."""
    from prom_service.channels.web.languages import init_babel
    from prom_service.channels.web.views import blueprint
    from prom_service.settings import ConfigError

    check = app.extensions["prom"].settings["web.identity_check"]
    if check not in IDENTITY_CHECKS:
        raise ConfigError(f"PROM_WEB_IDENTITY_CHECK: must be one of {', '.join(IDENTITY_CHECKS)}, got {check!r}")
    init_babel(app)
    app.register_blueprint(blueprint)

"""The care-team workspace at `/team/…`: sign-in, caseload, patient record, alerts, what matters, programme."""

from __future__ import annotations

from flask import Flask


def register_workspace(app: Flask) -> None:
    """Add the workspace pages; each view module attaches its routes to the one blueprint."""
    from prom_service.workspace import (  # noqa: F401  (routes attach to the blueprint on import)
        alert_views, caseload_views, patient_views, programme_views, sign_in_views, what_matters_views,
    )
    from prom_service.workspace.blueprint import blueprint

    app.register_blueprint(blueprint)

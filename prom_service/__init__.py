"""The PROM service: outcome sets, invitations, scores and feeds for value-based care."""

from __future__ import annotations

from typing import Any, Mapping


def create_app(test_config: Mapping[str, Any] | None = None):
    """Build the Flask application from configuration (plus overrides for tests)."""
    from prom_service.web_app import build_app

    return build_app(test_config)

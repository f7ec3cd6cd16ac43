"""Security headers on every patient page.

The token is in the path, so no Referer may carry it anywhere (`no-referrer`), no page may be cached
(`no-store`: a shared phone's back button must not show someone's answers), and the policy allows
scripts, styles and images from this origin only: the pages make no third-party request at all.
"""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
))
ONE_YEAR = 31536000


def secure(response: Response, production: bool) -> Response:
    """Add the patient pages' security headers; HSTS only in production, where TLS is certain."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    if production:
        response.headers["Strict-Transport-Security"] = f"max-age={ONE_YEAR}; includeSubDomains"
    return response

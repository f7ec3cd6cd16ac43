"""Swagger UI at /api/v1/docs: flask-smorest's page, with Swagger UI served from this origin.

The scripts and stylesheet come from the swagger-ui-dist npm package, copied into
static/vendor/swagger-ui by frontend/build.mjs, so the page fetches nothing from a CDN. The page
carries one small inline script (flask-smorest's template starts Swagger UI with the document's URL);
rather than allow every inline script, the policy names that one by its SHA-256, computed from the
page as served, so it stays right whatever flask-smorest's template says.
"""

from __future__ import annotations

import base64
import hashlib
import re

from flask import Flask, Response, request

DOCS_PATH = "docs"
ASSETS_URL = "/static/vendor/swagger-ui/"
ENDPOINT = "api-docs.openapi_swagger_ui"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
POLICY = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self'",
          "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
          "object-src 'none'")


def install_swagger_ui(app: Flask) -> None:
    """Configure flask-smorest's Swagger UI page; call before the API is registered."""
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", DOCS_PATH)
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", ASSETS_URL)
    app.config.setdefault("OPENAPI_SWAGGER_UI_CONFIG", {"deepLinking": True, "tryItOutEnabled": False})
    app.after_request(_secure_docs_page)


def _secure_docs_page(response: Response) -> Response:
    if request.endpoint != ENDPOINT:
        return response
    response.headers["Content-Security-Policy"] = content_security_policy(response.get_data(as_text=True))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def content_security_policy(page: str) -> str:
    """Scripts from this origin plus exactly the page's own inline scripts, by hash."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
              for body in INLINE_SCRIPT.findall(page)]
    return "; ".join((*POLICY, " ".join(("script-src 'self'", *hashes))))

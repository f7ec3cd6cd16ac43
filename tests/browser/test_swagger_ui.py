"""Swagger UI at /api/v1/docs: served from this origin only, allowed by its own Content-Security-Policy,
and drawing the operation list in Chromium (with the policy enforced, not bypassed)."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot

DOCS = "/api/v1/docs"


def test_the_docs_page_references_only_local_assets_that_are_served(client):
    page = client.get(DOCS)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3 and all(url.startswith("/static/vendor/swagger-ui/") for url in assets), assets
    for url in assets:
        with client.get(url) as asset:
            assert asset.status_code == 200, f"{url}: run `make` (npm run build) to copy swagger-ui-dist"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in policy and "unsafe-eval" not in policy
    assert "/api/v1/openapi.json" in html


def test_swagger_ui_draws_the_operation_list_under_the_policy(chromium, server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(server + DOCS)
    page.wait_for_selector(".opblock", timeout=20000)
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/patients" in path for path in operations) and len(operations) > 10
    screenshot(page, "swagger_ui")
    context.close()
    assert all(url.startswith(server) or url.startswith("data:") for url in requests), requests
    assert not [text for text in console if "Content Security Policy" in text], console

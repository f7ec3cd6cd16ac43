"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium through Playwright.

The server needs real commits seen by other connections, so it runs on its own migrated SQLite file,
not the savepoint-bound test session (and so these tests run once, on the SQLite pass). Chromium is the
system one (`/usr/bin/chromium`): Playwright never downloads a browser here. Without it the tests skip,
except under CI (`CI=true`), where a missing browser is a failure, not a silent pass.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    """Mark this folder's tests `browser`; skip them when Chromium is missing, except under CI (they fail)."""
    problem = None if CHROMIUM.exists() else f"{CHROMIUM} is missing: run `make install` (apt-get install chromium)"
    for item in items:
        if "tests/browser/" not in str(item.fspath).replace(os.sep, "/"):
            continue
        item.add_marker(pytest.mark.browser)
        if problem and os.environ.get("CI") != "true":
            item.add_marker(pytest.mark.skip(reason=problem))


@pytest.fixture(scope="session")
def browser_parts(tmp_path_factory):
    """Parts on a migrated SQLite file with the shipped communities, committing for real."""
    from prom_service.bootstrap import bootstrap
    from prom_service.db.migrations import upgrade
    from prom_service.settings import load_settings
    from tests.channels.web.invitations import publish_communities

    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'browser.sqlite3'}"
    upgrade(url)
    settings = load_settings({"environment": "test", "database.url": url, "var_dir": str(folder / "var"),
                              "secret_key": "browser-test-key", "log_level": "WARNING"}, environ={})
    parts = bootstrap(settings)
    publish_communities(parts)
    yield parts
    parts.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    """Keep the test output to failures: the app logs each request itself."""

    def log_request(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def server(browser_parts):
    """The app on an ephemeral port of 127.0.0.1; yields its base URL."""
    from prom_service import create_app

    app = create_app({"PARTS": browser_parts})
    served = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()
    thread.join(timeout=10)
    served.server_close()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def invite_patient(browser_parts, server):
    """Invite a new patient to a PHQ-9 (by default); return the full link."""
    from tests.channels.web.invitations import invite

    def make(**options) -> str:
        return server + invite(browser_parts, **options).path

    return make


@pytest.fixture
def phone(chromium, server):
    """A phone-sized page (360×740) that records every request and console message it sees."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.requests, page.console = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.console.append(message.text))
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

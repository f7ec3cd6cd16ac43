"""The care-team workspace in Debian's Chromium: sign in, find the urgent patient, read their chart, act.

axe-core is injected into a context that bypasses the Content-Security-Policy (which rightly refuses
injected scripts), as in test_accessibility; every page is saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from prom_service.services.demo import DEMO_EMAIL, load_demo
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import violations

PASSWORD = "browser-demo-password"


@pytest.fixture(scope="module")
def demo(browser_parts):
    """The demo caseload, with a known password (loading again leaves it as it is)."""
    load_demo(browser_parts.uow, browser_parts.clock.now(), browser_parts.settings.config_dir / "communities",
              PASSWORD)


@pytest.fixture
def desk(chromium, server, demo):
    """A desktop-sized page, signed in as the demo clinician."""
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/team/")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    yield page
    context.close()


def check_page(page, name: str) -> None:
    page.wait_for_load_state()
    screenshot(page, name)
    assert violations(page) == []


class TestAClinicianActsOnAnUrgentAlert:
    def test_the_urgent_patient_is_at_the_top_of_the_caseload(self, desk):
        assert desk.inner_text("h1") == "Caseload"
        first_row = desk.locator("#caseload tbody tr").first
        assert "Urgent" in first_row.inner_text()
        check_page(desk, "workspace-caseload")

    def test_their_page_shows_the_life_improver_score_as_a_chart(self, desk):
        desk.locator("#caseload tbody tr").first.locator("a").click()
        chart = desk.locator("figure[id$='-lis'] svg")
        assert chart.get_attribute("role") == "img"
        assert chart.locator(".prom-chart__series circle").count() >= 2
        assert chart.locator(".prom-chart__mid-band").count() == 1
        assert desk.locator("figure[id$='-lis'] svg").bounding_box()["width"] > 300
        check_page(desk, "workspace-patient")

    def test_acknowledging_the_alert_from_the_worklist(self, desk):
        desk.click("text=Alerts")
        assert "Urgent" in desk.locator("#alerts tbody tr").first.inner_text()
        check_page(desk, "workspace-alerts")
        desk.locator("#alerts tbody tr").first.locator("td:nth-child(3) a").click()
        if desk.locator("#acknowledge").count():
            desk.click("#acknowledge")
        assert "Acknowledged" in desk.inner_text("#alert-status")
        check_page(desk, "workspace-alert")


class TestTheWorkspaceIsPlainAndAccessible:
    def test_the_sign_in_page_has_no_violations(self, chromium, server, demo):
        context = chromium.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{server}/team/sign-in")
        check_page(page, "workspace-sign-in")
        context.close()

    def test_what_matters_and_programme_pages_have_no_violations(self, desk):
        desk.locator("#caseload tbody tr").first.locator("a").click()
        desk.click("text=Change weights and goals")
        check_page(desk, "workspace-what-matters")

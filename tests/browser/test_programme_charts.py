"""The programme view with its value charts, in Debian's Chromium: drawn, sized to the page, and axe-clean.

The demo is loaded with its cost events (as `make run` loads it), so every chart has bars to draw.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from prom_service.db.models import User
from prom_service.services import care_team
from prom_service.services.demo import load_demo
from prom_service.services.tariffs import load_tariffs, tariff_directory
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import violations

LEAD_EMAIL = "programme-lead@example.org"
PASSWORD = "browser-lead-password"


@pytest.fixture(scope="module")
def lead(browser_parts):
    """The demo with a year of cost events, and a programme lead of its team."""
    parts = browser_parts
    load_demo(parts.uow, parts.clock.now(), parts.settings.config_dir / "communities", "browser-demo-password",
              tariffs=load_tariffs(tariff_directory(parts.settings)))
    with parts.uow() as uow:
        exists = uow.session.scalar(select(User.id).where(User.email == LEAD_EMAIL))
    if not exists:
        care_team.create_user(parts.uow(), email=LEAD_EMAIL, name="Lee Lead", role="programme_lead",
                              password=PASSWORD, team_codes=["camden_north"], now=parts.clock.now())


@pytest.mark.parametrize("viewport", [(1280, 900), (360, 740)], ids=["desktop", "phone"])
def test_the_programme_view_draws_the_value_charts_without_violations(chromium, server, lead, viewport):
    context = chromium.new_context(bypass_csp=True, viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.goto(f"{server}/team/")
    page.fill("#email", LEAD_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{server}/team/programme")
    change = page.locator("figure#value-change svg")
    assert change.get_attribute("role") == "img"
    assert change.locator(".prom-chart__bar").count() >= 4
    assert page.locator("figure[id$='-decile-response'] svg").count() >= 4
    width = change.bounding_box()["width"]
    assert 300 <= width <= viewport[0]  # scales down to a phone, never wider than the screen
    page.locator("figure#value-change summary").click()
    assert page.locator("figure#value-change table tbody tr").count() >= 4
    page.wait_for_load_state()
    screenshot(page, f"workspace-programme-{'desktop' if viewport[0] > 400 else 'phone'}")
    assert violations(page) == []
    context.close()

"""The programme view draws the value report built from the demo's cost events, as `make run` shows it."""

from __future__ import annotations

import re

import pytest

from prom_service.services import care_team
from prom_service.services.demo import load_demo
from prom_service.services.tariffs import load_tariffs, tariff_directory
from tests.workspace.conftest import PASSWORD, sign_in


@pytest.fixture
def programme_page(client, parts, clock, settings) -> str:
    """The demo with its year of cost events, seen by a programme lead."""
    load_demo(parts.uow, clock.now(), parts.settings.config_dir / "communities", PASSWORD,
              tariffs=load_tariffs(tariff_directory(settings)))
    care_team.create_user(parts.uow(), email="lead@example.org", name="Lee Lead", role="programme_lead",
                          password=PASSWORD, team_codes=["camden_north"], now=clock.now())
    sign_in(client, email="lead@example.org")
    response = client.get("/team/programme")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(page: str, chart_id: str) -> str:
    found = re.search(rf'<figure class="prom-chart" id="{chart_id}">(.*?)</figure>', page, re.S)
    assert found, f"no chart {chart_id}"
    return found.group(1)


class TestTheValueCharts:
    def test_across_communities_change_gain_per_1000_and_cost_per_person_year(self, programme_page):
        change = figure(programme_page, "value-change")
        communities = len(re.findall(r"<h3>", programme_page)) - 1  # less "Across communities"
        assert 'role="img"' in change and "Women with perinatal mental health needs" in change
        assert change.count('<th scope="row"') == communities >= 4
        assert 'class="prom-chart__bar"' in change and 'class="prom-chart__ci"' in change
        for chart_id in ("value-per-1000", "value-cost"):
            assert 'class="prom-chart__bar"' in figure(programme_page, chart_id)
        assert "£" in figure(programme_page, "value-cost")

    def test_each_community_has_the_equity_view_by_decile_and_the_segments(self, programme_page):
        response = figure(programme_page, "value-frail_elderly-decile-response")
        assert response.count("<tr class=\"nhsuk-table__row\"><th scope=\"row\"") >= 10
        assert "1 (most deprived)" in response and "10 (least deprived)" in response
        figure(programme_page, "value-frail_elderly-decile-change")
        assert 'class="prom-chart__bar"' in figure(programme_page, "value-frail_elderly-segment-cost")

    def test_the_figures_stay_readable_as_tables(self, programme_page):
        assert programme_page.count('<details class="nhsuk-details">') >= 3
        assert "Mean change in Life Improver Score" in programme_page and "Cost per person" in programme_page

"""Team scoping in the workspace: each team sees its own people, and every list stays within the team.

Another team's patient or alert on every route (404, audited) is the drill in
tests/drills/test_another_teams_patient.py.
"""

from __future__ import annotations

import pytest
from flask import Flask

from prom_service.workspace import register_workspace
from tests.workspace.conftest import sign_in

ID_ARGUMENTS = {"patient_id", "alert_id", "enrolment_id"}


def _workspace_rules():
    app = Flask("url-map")
    register_workspace(app)
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("workspace.")), key=lambda r: r.rule)


RULES_WITHOUT_IDS = [rule for rule in _workspace_rules() if not rule.arguments & ID_ARGUMENTS]


class TestAnotherTeamsObjects:
    """Every route naming another team's object is walked by the drill in tests/drills/test_another_teams_patient.py."""

    def test_the_south_user_can_open_the_same_patient(self, client, world):
        sign_in(client, email="south@example.org")
        assert client.get(f"/team/patients/{world.south_patient_id}").status_code == 200


class TestListsShowOnlyTheTeamsOwn:
    @pytest.mark.parametrize("path", ["/team/", "/team/caseload.csv", "/team/alerts?status=unresolved"])
    def test_north_lists_never_mention_south(self, client, world, path):
        sign_in(client)
        body = client.get(path).get_data(as_text=True)
        assert "Layla Haddad" in body and "Sol South" not in body

    def test_south_sees_only_its_own_person(self, client, world):
        sign_in(client, email="south@example.org")
        body = client.get("/team/").get_data(as_text=True)
        assert "Sol South" in body and "Ada Okafor" not in body

    def test_every_route_without_an_id_needs_sign_in(self, client, world):
        for rule in RULES_WITHOUT_IDS:
            if rule.endpoint in ("workspace.sign_in", "workspace.sign_in_submitted", "workspace.static"):
                continue
            response = client.get(rule.rule) if "GET" in rule.methods else client.post(rule.rule)
            assert response.status_code in (302, 400), rule.rule

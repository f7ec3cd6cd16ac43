"""Team scoping on every workspace route: another team's patient or alert is 404, and the attempt audited.

The routes come from the URL map itself, so a route added later is checked without anyone remembering to.
"""

from __future__ import annotations

import pytest
from flask import Flask

from prom_service.workspace import register_workspace
from tests.workspace.conftest import audit_rows, csrf, sign_in

ID_ARGUMENTS = {"patient_id", "alert_id", "enrolment_id"}


def _workspace_rules():
    app = Flask("url-map")
    register_workspace(app)
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("workspace.")), key=lambda r: r.rule)


RULES_WITH_IDS = [rule for rule in _workspace_rules() if rule.arguments & ID_ARGUMENTS]
RULES_WITHOUT_IDS = [rule for rule in _workspace_rules() if not rule.arguments & ID_ARGUMENTS]


def _south_url(rule, world) -> str:
    ids = {"patient_id": world.south_patient_id, "alert_id": world.south_alert_id,
           "enrolment_id": world.south_enrolment_id}
    return rule.build({name: ids[name] for name in rule.arguments})[1]


class TestAnotherTeamsObjects:
    def test_every_route_with_an_id_is_covered(self):
        assert len(RULES_WITH_IDS) >= 9

    @pytest.mark.parametrize("rule", RULES_WITH_IDS, ids=lambda rule: f"{sorted(rule.methods - {'HEAD', 'OPTIONS'})}"
                             f"{rule.rule}")
    def test_a_north_user_asking_for_a_south_object_gets_404_and_an_audit_row(self, client, parts, world, rule):
        sign_in(client)
        url = _south_url(rule, world)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf(client), "note": "x", "assignee": "1",
                                              "text": "x", "importance": "1", "difficulty": "1"})
        assert response.status_code == 404
        assert "Sol South" not in response.get_data(as_text=True)
        refused = [row for row in audit_rows(parts, actor_id=str(world.north_user_id)) if row.target == url]
        assert refused and refused[-1].detail["status"] == 404 and refused[-1].detail["refused"] is True

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

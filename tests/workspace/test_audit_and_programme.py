"""The audit search (admins; no way to edit or delete) and the programme view (programme leads)."""

from __future__ import annotations

import pytest

from prom_service.services import care_team
from tests.workspace.conftest import PASSWORD, north_patient, sign_in

WRITING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def signed_in_as(client, parts, clock, world):
    """Sign in as a new North user with the given role."""

    def sign_in_as(role: str) -> int:
        user_id = care_team.create_user(parts.uow(), email=f"{role}@example.org", name=role.title(), role=role,
                                        password=PASSWORD, team_codes=["camden_north"], now=clock.now())
        sign_in(client, email=f"{role}@example.org")
        return user_id

    return sign_in_as


class TestAuditSearch:
    def test_an_admin_finds_who_viewed_a_patient(self, app, client, parts, world, signed_in_as):
        patient_id, _ = north_patient(parts, "DEMO-001")
        viewer = app.test_client()
        sign_in(viewer)
        viewer.get(f"/team/patients/{patient_id}")
        signed_in_as("admin")
        page = client.get(f"/team/audit?patient={patient_id}&action=patient.").get_data(as_text=True)
        assert f"user:{world.north_user_id}" in page and "patient.viewed" in page and "127.0.0.1" in page

    def test_filters_by_user_and_by_date(self, client, parts, clock, world, signed_in_as):
        admin_id = signed_in_as("admin")
        assert f"user:{admin_id}" in client.get(f"/team/audit?user={admin_id}").get_data(as_text=True)
        assert f"user:{admin_id}" not in client.get(f"/team/audit?user={world.north_user_id}").get_data(as_text=True)
        today = clock.now().date().isoformat()
        assert "0 events" in client.get("/team/audit?until=2000-01-01").get_data(as_text=True)
        assert "0 events" not in client.get(f"/team/audit?since={today}&until={today}").get_data(as_text=True)

    def test_a_date_that_is_not_a_date_is_explained(self, client, world, signed_in_as):
        signed_in_as("admin")
        assert "Enter a date like 2026-11-23" in client.get("/team/audit?since=yesterday").get_data(as_text=True)

    @pytest.mark.parametrize("role", ["clinician", "coordinator", "programme_lead"])
    def test_only_admins_may_search(self, client, world, signed_in_as, role):
        signed_in_as(role)
        assert client.get("/team/audit").status_code == 403

    def test_no_route_of_the_app_can_change_or_delete_an_audit_event(self, app):
        for rule in app.url_map.iter_rules():
            if "audit" in rule.rule:
                assert not rule.methods & WRITING_METHODS, rule.rule


class TestProgramme:
    def test_a_programme_lead_sees_response_rates_by_community_channel_and_language(self, client, world,
                                                                                    signed_in_as):
        signed_in_as("programme_lead")
        page = client.get("/team/programme").get_data(as_text=True)
        for table in ("rates-community", "rates-channel", "rates-language"):
            assert f'id="{table}"' in page
        assert "Women with perinatal mental health needs" in page and "%" in page

    def test_without_cost_data_the_value_section_says_when_it_will_appear(self, client, world, signed_in_as):
        signed_in_as("programme_lead")
        page = client.get("/team/programme").get_data(as_text=True)
        assert "These figures appear once cost data exists" in page and "£" not in page

    def test_a_clinician_cannot_open_it(self, client, world):
        sign_in(client)
        assert client.get("/team/programme").status_code == 403

"""Working the alerts: the worklist urgent first, and assign, acknowledge, resolve with a note, all audited."""

from __future__ import annotations

import re

from prom_service.db.models import Alert
from tests.workspace.conftest import audit_rows, csrf, sign_in


def first_alert(client) -> int:
    return int(re.search(r'data-alert-id="(\d+)"', client.get("/team/alerts").get_data(as_text=True)).group(1))


def alert_row(parts, alert_id: int) -> Alert:
    with parts.uow() as uow:
        return uow.session.get(Alert, alert_id)


class TestWorklist:
    def test_urgent_alerts_are_at_the_top_with_how_long_they_have_been_open(self, client, clock, world):
        clock.advance(hours=5)
        sign_in(client)
        page = client.get("/team/alerts").get_data(as_text=True)
        severities = re.findall(r'data-alert-id="\d+">\s*<td class="nhsuk-table__cell"><strong class="nhsuk-tag [^"]+">(\w+)<', page)
        assert severities[0] == "Urgent" and severities == sorted(
            severities, key=["Urgent", "High", "Medium", "Low"].index)
        assert re.search(r"\d+ (hours|days)", page)

    def test_resolved_alerts_leave_the_unresolved_list(self, client, parts, world):
        sign_in(client)
        alert_id = first_alert(client)
        client.post(f"/team/alerts/{alert_id}/resolve", data={"csrf_token": csrf(client), "note": "Called, safe"})
        assert f'data-alert-id="{alert_id}"' not in client.get("/team/alerts").get_data(as_text=True)
        assert f'data-alert-id="{alert_id}"' in client.get("/team/alerts?status=resolved").get_data(as_text=True)


class TestActions:
    def test_acknowledging_records_when_and_who(self, client, parts, clock, world):
        sign_in(client)
        alert_id = first_alert(client)
        response = client.post(f"/team/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf(client)})
        assert response.status_code == 302
        alert = alert_row(parts, alert_id)
        assert alert.status == "acknowledged" and alert.acknowledged_at == clock.now()
        assert alert.assigned_to == world.north_user_id

    def test_acknowledging_and_resolving_are_announced_on_the_feed(self, client, parts, world):
        from sqlalchemy import select

        from prom_service.db.models import FeedEvent

        sign_in(client)
        alert_id = first_alert(client)
        client.post(f"/team/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf(client)})
        client.post(f"/team/alerts/{alert_id}/resolve", data={"csrf_token": csrf(client), "note": "Called, safe"})
        with parts.uow() as uow:
            events = uow.session.execute(select(FeedEvent.event, FeedEvent.payload).where(
                FeedEvent.kind == "alert", FeedEvent.ref_id == alert_id).order_by(FeedEvent.id)).all()
        assert [event for event, _ in events[-2:]] == ["alert.updated", "alert.updated"]
        assert [payload["alert"]["status"] for _, payload in events[-2:]] == ["acknowledged", "resolved"]

    def test_assigning_to_a_team_member(self, client, parts, world):
        sign_in(client)
        alert_id = first_alert(client)
        client.post(f"/team/alerts/{alert_id}/assign", data={"csrf_token": csrf(client),
                                                             "assignee": str(world.north_user_id)})
        assert alert_row(parts, alert_id).assigned_to == world.north_user_id

    def test_assigning_to_someone_outside_the_team_is_refused(self, client, parts, world):
        sign_in(client)
        alert_id = first_alert(client)
        response = client.post(f"/team/alerts/{alert_id}/assign", data={"csrf_token": csrf(client),
                                                                        "assignee": str(world.south_user_id)})
        assert response.status_code == 400 and "Choose a member of your team" in response.get_data(as_text=True)
        assert alert_row(parts, alert_id).assigned_to is None

    def test_resolving_needs_a_note_of_what_was_done(self, client, parts, world):
        sign_in(client)
        alert_id = first_alert(client)
        refused = client.post(f"/team/alerts/{alert_id}/resolve", data={"csrf_token": csrf(client), "note": " "})
        assert refused.status_code == 400 and alert_row(parts, alert_id).status == "open"
        client.post(f"/team/alerts/{alert_id}/resolve", data={"csrf_token": csrf(client), "note": "Safety plan agreed"})
        alert = alert_row(parts, alert_id)
        assert alert.status == "resolved" and alert.resolution_note == "Safety plan agreed"

    def test_acknowledging_twice_is_a_conflict(self, client, world):
        sign_in(client)
        alert_id = first_alert(client)
        client.post(f"/team/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf(client)})
        again = client.post(f"/team/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf(client)})
        assert again.status_code == 409

    def test_every_action_is_audited_with_the_patient_and_the_address(self, client, parts, world):
        sign_in(client)
        alert_id = first_alert(client)
        client.post(f"/team/alerts/{alert_id}/acknowledge", data={"csrf_token": csrf(client)})
        client.post(f"/team/alerts/{alert_id}/resolve", data={"csrf_token": csrf(client), "note": "Done"})
        rows = [r for r in audit_rows(parts, actor_id=str(world.north_user_id)) if r.target == f"alert:{alert_id}"]
        assert [r.action for r in rows] == ["alert.acknowledged", "alert.resolved"]
        assert all(r.patient_id == alert_row(parts, alert_id).patient_id and r.remote_addr for r in rows)

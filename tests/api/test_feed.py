"""The score feed over the API: order, cursor, team scoping, errors, and items exactly as documented."""

import json

import pytest
from sqlalchemy import event, select

from prom_service.api.feed import FeedPageOut
from prom_service.db.models import Alert, AuditEvent, Patient
from prom_service.feeds import feed
from prom_service.feeds.feed_reading import as_item
from prom_service.services import alert_work
from prom_service.services.access import SYSTEM
from tests.factories import make_days_at_home
from tests.api.test_journey import GAD7, PHQ9_ITEM9, SWEMWBS, baseline, enrol
from tests.feeds.test_fhir import FRAIL, assess

ANSWERS = {"answers": {**PHQ9_ITEM9, **GAD7, **SWEMWBS}}


@pytest.fixture
def headers(issue_key, communities):
    return issue_key("write:patients", "read:scores", "write:responses")


def answer_baseline(client, headers, patient=None):
    patient_id, _ = enrol(client, headers, **({"patient": patient} if patient else {}))
    invitation = baseline(client, headers, patient_id)
    response = client.post(f"/api/v1/invitations/{invitation['id']}/responses", json=ANSWERS, headers=headers)
    assert response.status_code == 201, response.json
    return patient_id


def read_all(client, headers, limit=3):
    items, cursor = [], ""
    while True:
        page = client.get(f"/api/v1/feed/scores?cursor={cursor}&limit={limit}", headers=headers)
        assert page.status_code == 200, page.json
        if not page.json["items"]:
            return items, cursor
        items += page.json["items"]
        cursor = page.json["next_cursor"]


class TestFeedContents:
    def test_an_assessment_publishes_its_scores_its_lis_and_its_alert(self, client, headers):
        patient_id = answer_baseline(client, headers)
        items, _ = read_all(client, headers)
        assert {i["event"] for i in items} == {"score.created", "lis.computed", "alert.raised"}
        phq9 = next(i for i in items if i["instrument"] == "phq9")
        assert (phq9["value"], phq9["band"], phq9["flags"]) == (9, "mild", ["item9_positive"])
        assert phq9["patient_id"] == patient_id and phq9["definition_version"].startswith("phq9/")
        lis = next(i for i in items if i["event"] == "lis.computed")
        assert lis["definition_version"] == "perinatal_mental_health@v1" and lis["life_improver_score"]["coverage"] > 0
        alert = next(i for i in items if i["event"] == "alert.raised")
        assert alert["alert"]["rule"] == "phq9_item9_positive" and alert["alert"]["severity"] == "urgent"

    def test_the_feed_holds_exactly_what_the_scores_list_holds(self, client, headers):
        patient_id = answer_baseline(client, headers)
        scores = client.get(f"/api/v1/patients/{patient_id}/scores", headers=headers).json
        items, _ = read_all(client, headers)
        fed = {f"score-{i['ref_id']}" if i["event"] == "score.created" else f"lis-{i['ref_id']}"
               for i in items if i["event"] != "alert.raised"}
        assert fed == {s["id"] for s in scores}


class TestFeedItems:
    def test_every_item_is_exactly_what_the_documented_schema_dumps(self, client, headers, parts):
        """The page is written without marshmallow; the schema in the OpenAPI document stays the reference,
        down to int against float (stored payloads may hold an int value; the schema writes a float)."""
        patient_id = answer_baseline(client, headers)
        assess(client, headers, "frail_elderly", FRAIL, external_id="P-2")
        with parts.uow() as uow:
            alert_id = uow.session.scalar(select(Alert.id))
            whole_days = make_days_at_home(uow.session, uow.session.get(Patient, patient_id), 12, "2026-11-01")
            feed.publish(uow, whole_days)  # an int value, as a writer that did not say float stores it
            uow.commit()
        alert_work.acknowledge(parts.uow(), SYSTEM, alert_id, parts.clock.now())
        response = client.get("/api/v1/feed/scores?limit=500", headers=headers)
        with parts.uow() as uow:
            events = feed.read(uow.session, SYSTEM, feed.Cursor(), 500)
        documented = FeedPageOut().dump({"items": [as_item(e) for e in events],
                                         "next_cursor": feed.Cursor.of(events[-1]).encode()})
        assert {i["event"] for i in documented["items"]} == set(feed.EVENTS)
        assert any(i["value_text"] for i in documented["items"]) and any(i["value"] is None for i in documented["items"])
        assert 12 in [as_item(e)["value"] for e in events if isinstance(as_item(e)["value"], int)]
        assert response.mimetype == "application/json"
        assert json.dumps(response.json, sort_keys=True) == json.dumps(documented, sort_keys=True)


class TestCursor:
    def test_paging_returns_every_event_once_in_order(self, client, headers):
        answer_baseline(client, headers)
        answer_baseline(client, headers, {"external_id": "P-2", "phone": "07700 900002"})
        items, _ = read_all(client, headers, limit=2)
        ids = [i["id"] for i in items]
        assert ids == sorted(ids) and len(ids) == len(set(ids))
        everything = client.get("/api/v1/feed/scores?limit=500", headers=headers).json["items"]
        assert [i["id"] for i in everything] == ids

    def test_a_reader_at_the_end_gets_nothing_and_keeps_its_cursor(self, client, headers):
        answer_baseline(client, headers)
        _, cursor = read_all(client, headers)
        again = client.get(f"/api/v1/feed/scores?cursor={cursor}", headers=headers).json
        assert again == {"items": [], "next_cursor": cursor}

    def test_new_events_arrive_after_the_cursor(self, client, headers):
        answer_baseline(client, headers)
        seen, cursor = read_all(client, headers)
        answer_baseline(client, headers, {"external_id": "P-2", "phone": "07700 900002"})
        more = client.get(f"/api/v1/feed/scores?cursor={cursor}&limit=500", headers=headers).json["items"]
        assert more and min(i["id"] for i in more) > max(i["id"] for i in seen)

    def test_a_made_up_cursor_is_a_problem_naming_the_cursor(self, client, headers):
        response = client.get("/api/v1/feed/scores?cursor=not-ours!", headers=headers)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert "cursor" in response.json["errors"]

    def test_a_limit_out_of_range_is_a_problem_naming_the_limit(self, client, headers):
        response = client.get("/api/v1/feed/scores?limit=0", headers=headers)
        assert response.status_code == 422 and "limit" in response.json["errors"]

    def test_an_unchanged_page_answers_304_to_its_etag(self, client, headers):
        answer_baseline(client, headers)
        first = client.get("/api/v1/feed/scores", headers=headers)
        again = client.get("/api/v1/feed/scores", headers={**headers, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304

    def test_a_changed_page_answers_200_with_a_new_etag(self, client, headers):
        answer_baseline(client, headers)
        first = client.get("/api/v1/feed/scores?limit=500", headers=headers)
        answer_baseline(client, headers, {"external_id": "P-2", "phone": "07700 900002"})
        again = client.get("/api/v1/feed/scores?limit=500", headers={**headers, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
        assert len(again.json["items"]) > len(first.json["items"])


class TestFeedAccess:
    def test_a_key_without_read_scores_is_refused(self, client, issue_key):
        response = client.get("/api/v1/feed/scores", headers=issue_key("write:costs"))
        assert response.status_code == 403

    def test_no_key_is_a_401(self, client):
        assert client.get("/api/v1/feed/scores").status_code == 401

    def test_a_team_sees_only_its_own_patients_events(self, client, issue_key, communities):
        north = issue_key("write:patients", "read:scores", "write:responses", team="north")
        south = issue_key("write:patients", "read:scores", "write:responses", team="south")
        north_patient = answer_baseline(client, north)
        south_patient = answer_baseline(client, south, {"external_id": "S-1", "phone": "07700 900003"})
        north_items, _ = read_all(client, north)
        south_items, _ = read_all(client, south)
        assert {i["patient_id"] for i in north_items} == {north_patient}
        assert {i["patient_id"] for i in south_items} == {south_patient}


def feed_audit(parts):
    """The statuses of the feed calls in the audit trail, oldest first."""
    with parts.uow() as uow:
        rows = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "api:GET /api/v1/feed/scores")
                                   .order_by(AuditEvent.id)).all()
        return [row.detail["status"] for row in rows]


class TestFeedTransaction:
    """A feed call checks its key, reads its page and writes its audit row in one transaction."""

    def test_a_page_is_one_transaction_and_is_audited(self, client, headers, parts, session_factory):
        answer_baseline(client, headers)
        begun = []
        event.listen(session_factory, "after_begin", lambda *_: begun.append(1))
        page = client.get("/api/v1/feed/scores?limit=500", headers=headers)
        assert page.status_code == 200 and page.json["items"]
        assert len(begun) == 1
        assert feed_audit(parts) == [200]

    def test_every_outcome_is_audited_with_the_status_sent_and_leaves_no_transaction_open(
            self, client, headers, parts, issue_key, session_factory):
        answer_baseline(client, headers)
        sessions = set()
        event.listen(session_factory, "after_begin", lambda session, *_: sessions.add(session))
        first = client.get("/api/v1/feed/scores", headers=headers)
        assert client.get("/api/v1/feed/scores", headers={**headers, "If-None-Match": first.headers["ETag"]}
                          ).status_code == 304
        assert client.get("/api/v1/feed/scores?cursor=not-ours!", headers=headers).status_code == 422
        assert client.get("/api/v1/feed/scores", headers=issue_key("write:costs")).status_code == 403
        assert client.get("/api/v1/feed/scores", headers={"Authorization": "Bearer prom_nope_nope"}).status_code == 401
        assert feed_audit(parts) == [200, 304, 422, 403]
        later = answer_baseline(client, headers, {"external_id": "P-2", "phone": "07700 900002"})
        items, _ = read_all(client, headers)
        assert later in {i["patient_id"] for i in items}
        assert sessions and not any(session.in_transaction() for session in sessions)

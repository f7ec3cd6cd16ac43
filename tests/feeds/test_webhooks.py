"""Webhooks: subscribe, deliver only the chosen events within the team, back off, pause, replay.

A receiver down for hours then up (every event once, in order, signed) is the drill in
tests/drills/test_webhook_subscriber_down_for_hours.py.
"""

import hashlib
import hmac
from datetime import timedelta

import pytest

from prom_service.feeds.webhook_delivery import WebhookDispatch, WebhookPolicy
from prom_service.feeds.pseudonym import pseudonym, pseudonym_key
from tests.api.test_feed import answer_baseline
from tests.feeds.webhook_receiver import WebhookReceiver

ALL_EVENTS = ["score.created", "lis.computed", "alert.raised", "alert.updated"]


@pytest.fixture
def receiver():
    made = WebhookReceiver()
    yield made
    made.down()


@pytest.fixture
def headers(issue_key, communities):
    return issue_key("write:patients", "read:scores", "write:responses")


@pytest.fixture
def dispatch(parts):
    return WebhookDispatch(make_uow=parts.uow, clock=parts.clock, pseudonym_key=lambda: pseudonym_key(parts.settings),
                           policy=WebhookPolicy(timeout_seconds=2))


def subscribe(client, headers, url, events=ALL_EVENTS, **extra):
    response = client.post("/api/v1/subscriptions", json={"url": url, "events": events, **extra}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def verified(secret: str, headers: dict, body: bytes) -> bool:
    """The receiving side's check, as in docs/webhooks.md."""
    fields = dict(part.split("=", 1) for part in headers["PROM-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def feed_ids(client, headers, events=ALL_EVENTS):
    items = client.get("/api/v1/feed/scores?limit=500", headers=headers).json["items"]
    return [i["id"] for i in items if i["event"] in events]


class TestDelivery:
    def test_only_the_chosen_events_are_sent(self, client, headers, receiver, dispatch):
        receiver.up()
        subscribe(client, headers, receiver.url, events=["alert.raised"])
        answer_baseline(client, headers)
        dispatch.run_once()
        assert [body["type"] for _, _, body in receiver.received] == ["alert.raised"]

    def test_a_pseudonymising_subscription_never_sees_the_patient_id(self, client, headers, receiver, dispatch, parts):
        receiver.up()
        subscribe(client, headers, receiver.url, pseudonymise=True)
        patient_id = answer_baseline(client, headers)
        dispatch.run_once()
        data = [body["data"] for _, _, body in receiver.received]
        assert data and all(d["patient_id"] is None for d in data)
        assert {d["patient_pseudonym"] for d in data} == {pseudonym(pseudonym_key(parts.settings), patient_id)}

    def test_a_subscription_of_another_team_gets_none_of_its_events(self, client, issue_key, communities, receiver,
                                                                     dispatch):
        receiver.up()
        north = issue_key("write:patients", "read:scores", "write:responses", team="north")
        subscribe(client, issue_key("read:scores", team="south"), receiver.url)
        answer_baseline(client, north)
        dispatch.run_once()
        assert receiver.received == []


class TestFailure:
    def test_a_day_of_failures_pauses_the_subscription_and_replay_resumes_it(self, client, headers, receiver,
                                                                          dispatch, clock):
        subscription = subscribe(client, headers, receiver.url)
        answer_baseline(client, headers)
        for _ in range(40):
            dispatch.run_once()
            clock.advance(hours=1)
        listed = client.get("/api/v1/subscriptions", headers=headers).json[0]
        assert listed["state"] == "paused" and "failed" in listed["pause_reason"]
        receiver.up()
        assert dispatch.run_once() == {}, "a paused subscription is not tried"
        resumed = client.post(f"/api/v1/subscriptions/{subscription['id']}/replay", headers=headers)
        assert resumed.json["state"] == "active"
        dispatch.run_once()
        assert [body["id"] for _, _, body in receiver.received] == feed_ids(client, headers)

    def test_an_error_status_is_retried_with_growing_waits(self):
        policy = WebhookPolicy()
        waits = [policy.backoff(n).total_seconds() for n in (1, 2, 3, 10)]
        assert waits[0] < waits[1] < waits[2] and waits[3] <= 3600 * 1.2

    def test_the_workers_policy_comes_from_the_webhooks_settings(self, parts):
        from prom_service.feeds.webhook_delivery import dispatch_of
        from prom_service.settings import load_settings

        environ = {"PROM_WEBHOOKS_PAUSE_AFTER_HOURS": "48", "PROM_WEBHOOKS_LEASE_SECONDS": "7"}
        settings = load_settings({"environment": "test"}, environ=environ)
        policy = dispatch_of(type("Parts", (), {"uow": parts.uow, "clock": parts.clock, "settings": settings})).policy
        assert policy.pause_after == timedelta(hours=48) and policy.lease_seconds == 7
        assert policy.timeout_seconds == float(settings["webhooks.timeout_seconds"])


class TestSubscriptions:
    def test_replay_from_a_cursor_sends_the_later_events_again(self, client, headers, receiver, dispatch):
        receiver.up()
        subscription = subscribe(client, headers, receiver.url)
        answer_baseline(client, headers)
        dispatch.run_once()
        first = client.get("/api/v1/feed/scores?limit=1", headers=headers).json
        client.post(f"/api/v1/subscriptions/{subscription['id']}/replay?from_cursor={first['next_cursor']}",
                    headers=headers)
        dispatch.run_once()
        ids = [body["id"] for _, _, body in receiver.received]
        assert ids == feed_ids(client, headers) + feed_ids(client, headers)[1:]

    def test_the_secret_is_shown_once(self, client, headers, receiver):
        subscribe(client, headers, receiver.url)
        assert "secret" not in client.get("/api/v1/subscriptions", headers=headers).json[0]

    def test_an_unknown_event_is_a_problem_naming_events(self, client, headers, receiver):
        response = client.post("/api/v1/subscriptions", json={"url": receiver.url, "events": ["score.deleted"]},
                               headers=headers)
        assert response.status_code == 422 and "events.0" in response.json["errors"]

    def test_production_takes_only_https(self):
        from prom_service.feeds.webhooks import check_url
        from prom_service.services.errors import InvalidInput

        with pytest.raises(InvalidInput):
            check_url("http://receiver.example.org/hooks", "production")
        check_url("https://receiver.example.org/hooks", "production")

    def test_deleting_stops_delivery_and_hides_it_from_other_keys(self, client, headers, issue_key, receiver, dispatch):
        receiver.up()
        subscription = subscribe(client, headers, receiver.url)
        other = issue_key("read:scores")
        assert client.delete(f"/api/v1/subscriptions/{subscription['id']}", headers=issue_key("read:scores",
                             team="south")).status_code == 404
        assert client.delete(f"/api/v1/subscriptions/{subscription['id']}", headers=headers).status_code == 204
        answer_baseline(client, headers)
        dispatch.run_once()
        assert receiver.received == [] and other

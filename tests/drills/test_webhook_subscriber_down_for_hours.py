"""Drill: a webhook subscriber down for most of a day, then back.

The failure rehearsed: the receiving system is down (nothing listening) for many hours of fake time
while new scores, LIS and alerts keep arriving. What must hold: we back off exponentially (tens of
attempts over the outage, not thousands), the subscription stays active because the outage is shorter
than the 24-hour pause, and once the receiver is up every event is delivered exactly once, in feed
order, each with a valid signature and its own event id.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.test_feed import answer_baseline, read_all
from tests.drills.scale import drill_size
from tests.feeds.test_webhooks import ALL_EVENTS, dispatch, headers, receiver, subscribe, verified  # noqa: F401

pytestmark = pytest.mark.drill

PEOPLE_BEFORE = drill_size(small=2, full=100)
PEOPLE_DURING = drill_size(small=2, full=100)
OUTAGE = timedelta(hours=20)
STEP = timedelta(minutes=10)


def answer(client, headers, first: int, how_many: int) -> None:
    for n in range(first, first + how_many):
        answer_baseline(client, headers, {"external_id": f"D-{n}", "phone": f"07700 9{n:05d}"})


def deliveries(client, headers, subscription_id: int) -> list[dict]:
    return client.get(f"/api/v1/subscriptions/{subscription_id}/deliveries?limit=1000", headers=headers).json


class TestAReceiverDownForHours:
    def test_it_gets_every_event_once_in_order_signed_when_it_comes_back(self, client, headers, receiver, dispatch,
                                                                        clock):
        subscription = subscribe(client, headers, receiver.url)
        answer(client, headers, 0, PEOPLE_BEFORE)
        outage_ends = clock.now() + OUTAGE
        while clock.now() < outage_ends:
            outcomes = dispatch.run_once()
            assert not outcomes or set(outcomes) == {"retry"}, outcomes
            if clock.now() < outage_ends - OUTAGE / 2 <= clock.now() + STEP:
                answer(client, headers, PEOPLE_BEFORE, PEOPLE_DURING)
            clock.advance(seconds=STEP.total_seconds())
        tried = deliveries(client, headers, subscription["id"])
        assert 10 <= len(tried) <= 40, f"{len(tried)} attempts in {OUTAGE}: backing off, not hammering"
        assert all(d["outcome"] == "failed" for d in tried) and receiver.received == []
        listed = client.get("/api/v1/subscriptions", headers=headers).json[0]
        assert listed["state"] == "active", "shorter than the pause: still active"

        receiver.up()
        clock.advance(hours=1)
        while dispatch.run_once():
            pass

        expected = [item["id"] for item in read_all(client, headers, limit=500)[0] if item["event"] in ALL_EVENTS]
        got = [body["id"] for _, _, body in receiver.received]
        assert len(expected) >= 4 * (PEOPLE_BEFORE + PEOPLE_DURING)
        assert got == expected, "every event, once, in feed order"
        assert all(verified(subscription["secret"], h, raw) for h, raw, _ in receiver.received)
        assert [int(h["PROM-Event-Id"]) for h, _, _ in receiver.received] == [int(i) for i in expected]
        assert dispatch.run_once() == {}, "nothing left to send"
        log = deliveries(client, headers, subscription["id"])
        assert log[0]["outcome"] == "delivered" and log[0]["feed_event_id"] == int(expected[-1])

"""Drill: the worker delivering a webhook subscription is SIGKILLed with a POST in flight.

The failure rehearsed: a worker dies after the receiver got an event and before the worker recorded
it (the one window feeds/webhook_delivery.py documents). Real worker processes on PostgreSQL, a real
receiver on 127.0.0.1 that holds one request open so the kill lands exactly there. What must hold: the
other worker takes the subscription over when the lease expires and delivers the rest; the receiver
gets every event in feed order, the held one twice at most (receivers dedupe by PROM-Event-Id), every
signature valid; our delivery log records each event delivered exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from prom_service import create_app
from prom_service.bootstrap import bootstrap
from prom_service.db.migrations import upgrade
from prom_service.db.models import Subscription, WebhookDelivery
from prom_service.services import api_clients, outcome_sets
from prom_service.settings import load_settings
from tests.api.test_feed import answer_baseline, read_all
from tests.drills.scale import drill_size
from tests.feeds.test_webhooks import ALL_EVENTS, subscribe, verified

pytestmark = [pytest.mark.drill, pytest.mark.postgres_only]

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = drill_size(small=8, full=200)
HOLD_AT = 5  # the receiver holds the 5th request open: the kill lands with that POST in flight
LEASE_SECONDS = 2


class HoldingReceiver:
    """Records every POST; holds request number `hold_at` open until `release` is set."""

    def __init__(self, hold_at: int) -> None:
        self.received: list[tuple] = []
        self.holding, self.release = threading.Event(), threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body, json.loads(body)))
                if len(receiver.received) == hold_at:
                    receiver.holding.set()
                    receiver.release.wait(30)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the worker that sent it is dead

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def prepared(url: str, tmp_path, receiver: HoldingReceiver) -> tuple[dict, list[int], object]:
    """A subscription, then PEOPLE answered baselines: (subscription, feed event ids in order, parts)."""
    upgrade(url)
    settings = load_settings({"environment": "test", "database.url": url, "var_dir": str(tmp_path),
                              "secret_key": "k"}, environ={})
    parts = bootstrap(settings)
    now = datetime.now(timezone.utc)
    outcome_sets.publish_directory(parts.uow(), settings.config_dir / "communities", now)
    key = api_clients.create_api_key(parts.uow(), "drill", ("read:scores", "write:patients", "write:responses"), now)
    headers = {"Authorization": f"Bearer {key.key}"}
    client = create_app({"PARTS": parts}).test_client()
    subscription = subscribe(client, headers, receiver.url)
    for n in range(PEOPLE):
        answer_baseline(client, headers, {"external_id": f"K-{n}", "phone": f"07700 9{n:05d}"})
    expected = [int(item["id"]) for item in read_all(client, headers, limit=500)[0] if item["event"] in ALL_EVENTS]
    return subscription, expected, parts


def start_worker(url: str, tmp_path, expected: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROM_")}
    env.update({"PROM_ENV": "test", "PROM_DATABASE_URL": url, "PROM_VAR_DIR": str(tmp_path), "PROM_SECRET_KEY": "k",
                "PROM_LOG_LEVEL": "ERROR", "PROM_DRILL_WEBHOOK_LEASE_SECONDS": str(LEASE_SECONDS),
                "PROM_DRILL_EXPECT_DELIVERED": str(expected)})
    return subprocess.Popen([sys.executable, "-m", "tests.drills.webhook_worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def holder(parts, subscription_id: int) -> str | None:
    with parts.uow() as uow:
        return uow.session.scalar(select(Subscription.claimed_by).where(Subscription.id == subscription_id))


class TestAWebhookWorkerKilledWithAPostInFlight:
    def test_the_other_worker_delivers_the_rest_in_order_and_our_log_says_once(self, fresh_database_url, tmp_path):
        receiver = HoldingReceiver(HOLD_AT)
        try:
            subscription, expected, parts = prepared(fresh_database_url, tmp_path, receiver)
            assert len(expected) > HOLD_AT
            workers = [start_worker(fresh_database_url, tmp_path, len(expected)) for _ in range(2)]
            assert receiver.holding.wait(120), "a worker got as far as the held event"
            names = {f"{socket.gethostname()}:{worker.pid}": worker for worker in workers}
            victim = names[holder(parts, subscription["id"])]
            victim.send_signal(signal.SIGKILL)
            victim.communicate()
            receiver.release.set()
            survivor = next(worker for worker in workers if worker is not victim)
            _, err = survivor.communicate(timeout=240)
            assert survivor.returncode == 0, err[-2000:]
            got = [int(body["id"]) for _, _, body in receiver.received]
            with parts.uow() as uow:
                logged = Counter(uow.session.scalars(select(WebhookDelivery.feed_event_id).where(
                    WebhookDelivery.subscription_id == subscription["id"], WebhookDelivery.outcome == "delivered")))
                row = uow.session.get(Subscription, subscription["id"])
                delivered_count, state = row.delivered_count, row.state
            parts.engine.dispose()
        finally:
            receiver.close()
        assert list(dict.fromkeys(got)) == expected, "every event, in feed order, once deduped by id"
        twice = {event: n for event, n in Counter(got).items() if n > 1}
        assert twice == {expected[HOLD_AT - 1]: 2}, "only the event in flight at the kill went twice"
        assert all(verified(subscription["secret"], h, raw) for h, raw, _ in receiver.received)
        assert logged == Counter(expected) and delivered_count == len(expected) and state == "active"

"""Delivering the feed to webhook subscribers: in order, at least once, signed, with backoff and a pause.

Workers claim *subscriptions*, not events, with SKIP LOCKED and a lease, so one worker at a time
delivers a given subscription and its events go out in feed order. Each event is posted outside any
transaction; the cursor moves on only after a 2xx is recorded. A worker that dies after the POST and
before the commit leaves the lease to expire, and the event goes again: receivers dedupe by
`PROM-Event-Id`. A failing receiver is retried with exponential backoff (capped at an hour); after
24 hours of nothing but failures the subscription is paused, logged, and shown as paused by
GET /api/v1/subscriptions until its owner replays it.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import or_

from prom_service.clock import Clock
from prom_service.db.claim import lock_due
from prom_service.db.models import FeedEvent, Subscription, WebhookDelivery
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.feeds.feed_reading import as_item
from prom_service.feeds.webhooks import SIGNATURE_HEADER, sign
from prom_service.services.access import Actor
from prom_service.services.outbox import WORKER_ID

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookPolicy:
    batch: int = 20
    lease_seconds: int = 120
    events_per_claim: int = 100
    timeout_seconds: float = 10.0
    backoff_base_seconds: float = 30.0
    backoff_cap_seconds: float = 3600.0
    pause_after: timedelta = timedelta(hours=24)

    @classmethod
    def from_settings(cls, settings) -> "WebhookPolicy":
        """The `[webhooks]` settings, so an operator tunes retries without a release."""
        return cls(batch=int(settings["webhooks.batch"]), lease_seconds=int(settings["webhooks.lease_seconds"]),
                   events_per_claim=int(settings["webhooks.events_per_claim"]),
                   timeout_seconds=float(settings["webhooks.timeout_seconds"]),
                   backoff_base_seconds=float(settings["webhooks.backoff_base_seconds"]),
                   backoff_cap_seconds=float(settings["webhooks.backoff_cap_seconds"]),
                   pause_after=timedelta(hours=float(settings["webhooks.pause_after_hours"])))

    def backoff(self, attempts: int, rng: random.Random = random.Random()) -> timedelta:
        """Exponential, capped, with jitter so a receiver coming back is not hit by every retry at once."""
        seconds = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=seconds * rng.uniform(0.8, 1.2))


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST and return the status code; a connection failure raises OSError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL checked on subscribe)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass(frozen=True)
class Target:
    url: str
    secret: str
    events: frozenset[str]
    pseudonymise: bool


@dataclass(frozen=True)
class Attempt:
    status_code: int | None
    error: str | None
    duration_ms: int


@dataclass
class WebhookDispatch:
    """One worker's delivery loop; the transport and clock are injected so tests can drive every path."""

    make_uow: Callable[[], UnitOfWork]
    clock: Clock
    pseudonym_key: Callable[[], bytes]
    policy: WebhookPolicy = field(default_factory=WebhookPolicy)
    post: Callable[[str, bytes, dict[str, str], float], int] = post_json
    worker: str = WORKER_ID

    def run_once(self) -> Counter:
        """Claim due subscriptions and deliver each one's pending events in order."""
        outcomes = Counter()
        for subscription_id in self._claim():
            outcomes.update(self._drain(subscription_id))
        return outcomes

    def _claim(self) -> list[int]:
        now = self.clock.now()
        with self.make_uow() as uow:
            due = lock_due(uow.session, Subscription, Subscription.state == "active", Subscription.next_attempt_at <= now,
                           or_(Subscription.locked_until.is_(None), Subscription.locked_until < now),
                           order_by=Subscription.next_attempt_at, limit=self.policy.batch)
            for row in due:
                row.locked_until, row.claimed_by = now + timedelta(seconds=self.policy.lease_seconds), self.worker
            uow.commit()
            return [row.id for row in due]

    def _drain(self, subscription_id: int) -> Counter:
        outcomes = Counter()
        with self.make_uow() as uow:
            row = uow.session.get(Subscription, subscription_id)
            target = Target(row.url, row.secret, frozenset(row.events), row.pseudonymise)
            events = feed.read(uow.session, _reader(row), feed.Cursor(row.cursor_txid, row.cursor_event_id),
                               self.policy.events_per_claim)
        for event in events:
            wanted = event.event in target.events
            outcome = self._deliver(subscription_id, event, target) if wanted else self._advance(subscription_id, event)
            outcomes[outcome] += 1
            if outcome not in ("delivered", "skipped"):
                break
        self._release(subscription_id)
        return outcomes

    def _deliver(self, subscription_id: int, event: FeedEvent, target: Target) -> str:
        key = self.pseudonym_key() if target.pseudonymise else None
        body = json.dumps({"id": event.id, "type": event.event, "data": as_item(event, key)}, default=_iso).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "prom-service-webhooks",
                   "PROM-Event-Id": str(event.id), "PROM-Subscription-Id": str(subscription_id),
                   SIGNATURE_HEADER: sign(target.secret, int(time.time()), body)}
        started = time.monotonic()
        try:
            status = self.post(target.url, body, headers, self.policy.timeout_seconds)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as failure:
            status, error = None, f"{type(failure).__name__}: {failure}"
        attempt = Attempt(status, error, int((time.monotonic() - started) * 1000))
        return self._advance(subscription_id, event, attempt)

    def _advance(self, subscription_id: int, event: FeedEvent, attempt: Attempt | None = None) -> str:
        """Record the attempt; move the cursor past the event if it went (or was not wanted)."""
        now = self.clock.now()
        with self.make_uow() as uow:
            row = uow.session.get(Subscription, subscription_id)
            if row.claimed_by != self.worker or row.state != "active":
                return "lease-lost"
            failed = attempt is not None and attempt.error is not None
            if attempt is not None:
                uow.session.add(WebhookDelivery(
                    subscription_id=row.id, feed_event_id=event.id, event=event.event, attempt=row.attempts + 1,
                    outcome="failed" if failed else "delivered", status_code=attempt.status_code,
                    error=attempt.error, duration_ms=attempt.duration_ms, attempted_at=now))
            outcome = self._failed(row, now, attempt.error) if failed else self._succeeded(row, event, now, attempt)
            uow.commit()
            return outcome

    def _succeeded(self, row: Subscription, event: FeedEvent, now: datetime, attempt) -> str:
        row.cursor_txid, row.cursor_event_id = event.txid, event.id
        if attempt is None:
            return "skipped"
        row.attempts, row.failing_since, row.delivered_count, row.last_delivered_at = 0, None, row.delivered_count + 1, now
        return "delivered"

    def _failed(self, row: Subscription, now: datetime, error: str) -> str:
        row.attempts += 1
        row.failing_since = row.failing_since or now
        row.next_attempt_at = now + self.policy.backoff(row.attempts)
        if now - row.failing_since >= self.policy.pause_after:
            row.state, row.paused_at = "paused", now
            row.pause_reason = f"every delivery failed for {self.policy.pause_after}; last: {error}"[:300]
            log.warning("webhook subscription paused", extra={"subscription_id": row.id, "attempts": row.attempts})
            return "paused"
        return "retry"

    def _release(self, subscription_id: int) -> None:
        with self.make_uow() as uow:
            row = uow.session.get(Subscription, subscription_id)
            if row.claimed_by == self.worker:
                row.locked_until, row.claimed_by = None, None
                uow.commit()


def _iso(value: datetime) -> str:
    return value.isoformat()


def _reader(row: Subscription) -> Actor:
    """The subscription reads the feed with the team scope of the key that created it."""
    teams = frozenset({row.team_id}) if row.team_id is not None else None
    return Actor(kind="subscription", id=str(row.id), team_ids=teams, scopes=frozenset({"read:scores"}))


def dispatch_of(parts) -> WebhookDispatch:
    """The delivery loop for a process's parts (database, clock, settings)."""
    from prom_service.feeds.pseudonym import pseudonym_key

    return WebhookDispatch(make_uow=parts.uow, clock=parts.clock, pseudonym_key=lambda: pseudonym_key(parts.settings),
                           policy=WebhookPolicy.from_settings(parts.settings))

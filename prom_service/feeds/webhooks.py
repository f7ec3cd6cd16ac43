"""Webhook subscriptions: subscribe, list, unsubscribe, read the delivery log, replay from a cursor.

Each subscription gets its own signing secret, shown once. We keep it in clear because we need it to
sign (it is our credential toward the receiver, not theirs toward us), and never log it.
Deliveries are signed `PROM-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (see docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from prom_service.db.models import Subscription, WebhookDelivery
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.services.access import Actor
from prom_service.services.errors import InvalidInput, NotFound

SIGNATURE_HEADER = "PROM-Signature"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class NewSubscription:
    url: str
    events: tuple[str, ...]
    pseudonymise: bool = False


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The PROM-Signature header value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def check_url(url: str, environment: str) -> None:
    """Production sends only over https; elsewhere http is allowed too (tests post to 127.0.0.1)."""
    parts = urlsplit(url)
    allowed = ("https",) if environment == "production" else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidInput({"url": f"must be an absolute {' or '.join(allowed)} URL"})
    if environment == "production" and parts.hostname in LOCAL_HOSTS:
        raise InvalidInput({"url": "must not point at this machine"})


def subscribe(uow: UnitOfWork, actor: Actor, new: NewSubscription, now: datetime, environment: str) -> Subscription:
    """Start delivering new feed events to `new.url`; the returned row holds the secret, shown once."""
    check_url(new.url, environment)
    unknown = sorted(set(new.events) - set(feed.EVENTS))
    if unknown or not new.events:
        raise InvalidInput({"events": f"choose from {', '.join(feed.EVENTS)}" + (f"; unknown: {unknown}" if unknown else "")})
    with uow:
        start = _feed_end(uow)
        row = Subscription(
            api_client_id=int(actor.id), team_id=actor.home_team_id, url=new.url, events=sorted(set(new.events)),
            secret=secrets.token_urlsafe(32), pseudonymise=new.pseudonymise, state="active",
            cursor_txid=start.txid, cursor_event_id=start.event_id, next_attempt_at=now, attempts=0, created_at=now,
        )
        uow.session.add(row)
        uow.commit()
        return row


def _feed_end(uow: UnitOfWork) -> feed.Cursor:
    """Where a new subscription starts: after the last event already settled (replay reaches further back)."""
    from prom_service.services.access import SYSTEM

    cursor = feed.Cursor()
    while page := feed.read(uow.session, SYSTEM, cursor, feed.MAX_LIMIT):
        cursor = feed.next_cursor(cursor, page)
    return cursor


def subscriptions_of(uow: UnitOfWork, actor: Actor) -> list[Subscription]:
    """The caller's own subscriptions (every one, for an admin key)."""
    query = select(Subscription).where(Subscription.state != "deleted").order_by(Subscription.id)
    if "admin" not in actor.scopes:
        query = query.where(Subscription.api_client_id == int(actor.id))
    return list(uow.session.scalars(query))


def get_subscription(uow: UnitOfWork, actor: Actor, subscription_id: int) -> Subscription:
    found = next((s for s in subscriptions_of(uow, actor) if s.id == subscription_id), None)
    if found is None:
        raise NotFound(f"no subscription {subscription_id}")
    return found


def unsubscribe(uow: UnitOfWork, actor: Actor, subscription_id: int, now: datetime) -> None:
    with uow:
        row = get_subscription(uow, actor, subscription_id)
        row.state, row.deleted_at = "deleted", now
        uow.commit()


def deliveries_of(uow: UnitOfWork, actor: Actor, subscription_id: int, limit: int) -> list[WebhookDelivery]:
    """The newest delivery attempts first."""
    get_subscription(uow, actor, subscription_id)
    return list(uow.session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
                                    .order_by(WebhookDelivery.id.desc()).limit(limit)))


def replay(uow: UnitOfWork, actor: Actor, subscription_id: int, from_cursor: str | None, now: datetime) -> Subscription:
    """Deliver again from `from_cursor` (empty: the start of the feed); also resumes a paused subscription."""
    try:
        start = feed.Cursor.decode(from_cursor)
    except feed.InvalidCursor as error:
        raise InvalidInput({"from_cursor": str(error)}) from None
    with uow:
        row = get_subscription(uow, actor, subscription_id)
        row.cursor_txid, row.cursor_event_id = start.txid, start.event_id
        row.state, row.paused_at, row.pause_reason = "active", None, None
        row.attempts, row.failing_since, row.next_attempt_at = 0, None, now
        uow.commit()
        return row

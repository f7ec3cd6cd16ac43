"""Webhook subscriptions, each with its own cursor into the feed, and the log of every delivery try."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

STATES = ("active", "paused", "deleted")


class Subscription(Base):
    """One receiver; one worker at a time holds its lease, so its events go out in feed order."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = id_column()
    api_client_id: Mapped[int] = mapped_column(BigId, ForeignKey("api_clients.id"), index=True)
    # The team scope of the key that subscribed; None means every team (an unrestricted key).
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]]
    # Our own signing secret, shown to the receiver once; needed in clear to sign. Never logged.
    secret: Mapped[str] = mapped_column(String(128))
    pseudonymise: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default="active")
    cursor_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(String(300))
    delivered_count: Mapped[int] = mapped_column(default=0)
    last_delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()
    deleted_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One POST of one feed event to one subscription, whatever came of it."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_subscription_id", "subscription_id", "id"),)

    id: Mapped[int] = id_column()
    subscription_id: Mapped[int] = mapped_column(BigId, ForeignKey("subscriptions.id"))
    feed_event_id: Mapped[int] = mapped_column(BigId, ForeignKey("feed_events.id"))
    event: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
    attempted_at: Mapped[datetime]

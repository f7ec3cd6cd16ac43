"""The transactional outbox for SMS: a message is a row written with the decision to send it; workers
claim rows under a lease, call the sender outside any transaction, and record what happened.

Delivery is at-least-once toward Twilio. A duplicate is possible only if a worker dies after Twilio
accepted a message and before its `sent` row committed; the lease then expires and another worker
sends again. The window is kept narrow: a worker has at most `sms.texts_in_flight` texts sent or
sending and not yet recorded, and records each group the moment its calls return
(services/sms_delivery.py); every send carries the outbox row's idempotency key
(`I-Twilio-Idempotency-Token`).
"""

from __future__ import annotations

import random
import socket
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_

from prom_service.db.claim import lock_due
from prom_service.db.models import OutboxMessage
from prom_service.db.unit_of_work import UnitOfWork

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int
    lease_seconds: int
    max_attempts: int
    backoff_base_seconds: float

    @classmethod
    def from_settings(cls, settings) -> DeliveryPolicy:
        return cls(settings["scheduler.claim_batch"], settings["scheduler.lease_seconds"],
                   settings["sending.max_attempts"], settings["sending.backoff_base_seconds"])

    def backoff(self, attempts: int, rng: random.Random = random.Random()) -> timedelta:
        """Exponential backoff with full jitter, so retries from many workers do not march in step."""
        return timedelta(seconds=self.backoff_base_seconds * (2 ** max(attempts - 1, 0)) * rng.uniform(0.5, 1.5))


def enqueue_sms(
    uow: UnitOfWork, *, key: str, patient_id: int, body: str, due_at: datetime, now: datetime,
    invitation_id: int | None = None, purpose: str = "invitation",
) -> OutboxMessage:
    """Add an SMS to the outbox inside the caller's transaction; the same key twice is one message."""
    message = OutboxMessage(
        kind="sms", idempotency_key=key, invitation_id=invitation_id, patient_id=patient_id,
        payload={"body": body, "purpose": purpose}, state="pending", due_at=due_at, created_at=now,
    )
    uow.session.add(message)
    return message


def claim(uow: UnitOfWork, now: datetime, policy: DeliveryPolicy, worker: str = WORKER_ID) -> list[OutboxMessage]:
    """Lease due messages (and any whose lease expired when a worker died) to this worker, in the
    caller's unit of work, so it can look at them before the lease commits."""
    due = lock_due(
        uow.session, OutboxMessage,
        OutboxMessage.kind == "sms", OutboxMessage.due_at <= now,
        or_(OutboxMessage.state == "pending",
            (OutboxMessage.state == "sending") & (OutboxMessage.locked_until < now)),
        order_by=OutboxMessage.due_at, limit=policy.batch,
    )
    for message in due:
        message.state, message.claimed_by = "sending", worker
        message.locked_until = now + timedelta(seconds=policy.lease_seconds)
        message.attempts += 1
    return due


def release(message: OutboxMessage, due_at: datetime, reason: str) -> None:
    """Give the message back to the queue for later (quiet hours, rate limit, transient failure)."""
    message.state, message.due_at, message.locked_until, message.claimed_by = "pending", due_at, None, None
    message.last_error = reason


def queue_status(uow: UnitOfWork) -> Counter:
    """Messages by kind and state, e.g. {("sms", "dead"): 2}."""
    from sqlalchemy import func, select

    rows = uow.session.execute(select(OutboxMessage.kind, OutboxMessage.state, func.count()).group_by(
        OutboxMessage.kind, OutboxMessage.state))
    return Counter({(kind, state): n for kind, state, n in rows})

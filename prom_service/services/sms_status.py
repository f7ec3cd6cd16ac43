"""Twilio status callbacks: a message's status only moves forward, and a delivery error is carried to
the invitation and the person (30003/30008 retried once, 30005/30006 not a mobile, 21610 opted out).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy import select

from prom_service.channels.sms.status import advance, is_failure
from prom_service.channels.sms.twilio_errors import classify_callback_error
from prom_service.db.models import OutboxMessage
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.channels.sms.sender import SendFailure
from prom_service.services import outbox
from prom_service.services.sms_delivery import apply_failure


def handle_status(make_uow: Callable[[], UnitOfWork], message_sid: str, status: str, error_code: int | None,
                  now: datetime) -> str:
    """Apply one callback; return what it did ("advanced", "ignored", "retrying", a failure kind …)."""
    with make_uow() as uow:
        message = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_ref == message_sid)
                                     .with_for_update())
        if message is None:
            return "unknown-message"
        moved = advance(message.provider_status, status)
        if moved is None or moved == message.provider_status:
            return "ignored"
        message.provider_status = moved
        outcome = _after_failure(uow, message, error_code, now) if is_failure(moved) else "advanced"
        uow.commit()
        return outcome


def _after_failure(uow: UnitOfWork, message: OutboxMessage, error_code: int | None, now: datetime) -> str:
    found = classify_callback_error(error_code)
    message.last_error = found.reason
    if found.kind in ("transient", "rate_limited") and found.retries and not message.idempotency_key.endswith(":again"):
        outbox.enqueue_sms(uow, key=f"{message.idempotency_key}:again", patient_id=message.patient_id,
                           body=message.payload["body"], due_at=now, now=now, invitation_id=message.invitation_id,
                           purpose=message.payload.get("purpose", "invitation"))
        return "retrying"
    failure = SendFailure(error_code, "permanent" if found.kind in ("transient", "rate_limited") else found.kind,
                          found.reason)
    return apply_failure(uow, message, failure, now)

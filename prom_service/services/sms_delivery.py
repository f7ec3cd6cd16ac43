"""Sending claimed outbox SMS: kind hours and opt-out checked at send time, one rate limit for the
whole fleet (services/send_rate.py), permanent errors never retried, transient ones backed off and
finally dead-lettered.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Callable

from sqlalchemy import select, update

from prom_service.channels.sms.segments import count as count_segments
from prom_service.channels.sms.sender import SendFailure, SendResult, SmsSender
from prom_service.clock import Clock
from prom_service.db.models import CostEvent, Invitation, OutboxMessage, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.sending_window import SendingWindow
from prom_service.domain.sms_reach import why_no_sms
from prom_service.services import alerting
from prom_service.services.invitation_planning import record_transition
from prom_service.services.outbox import WORKER_ID, DeliveryPolicy, claim, release, still_mine
from prom_service.services.send_rate import SendPace

log = logging.getLogger(__name__)


@dataclass
class SmsDelivery:
    """One worker's sending loop; every collaborator is injected so tests can drive each path."""

    make_uow: Callable[[], UnitOfWork]
    sender: SmsSender
    clock: Clock
    window: SendingWindow
    policy: DeliveryPolicy
    pace: SendPace
    price_per_segment: Decimal
    status_callback: str | None = None
    worker: str = WORKER_ID
    sleep: Callable[[float], None] = field(default=time.sleep)

    def run_once(self) -> Counter:
        """Claim a batch and deliver each message; return counts by outcome."""
        outcomes = Counter()
        for message_id in claim(self.make_uow, self.clock.now(), self.policy, self.worker):
            outcomes[self._deliver(message_id)] += 1
        return outcomes

    def _deliver(self, message_id: int) -> str:
        ready = self._check(message_id)
        if isinstance(ready, str):
            return ready
        to, body, key, patient_id = ready
        self.sleep(self.pace.take(count_segments(body).segments))
        try:
            result = self.sender.send(to, body, status_callback=self.status_callback, idempotency_key=key)
        except SendFailure as failure:
            return self._record_failure(message_id, failure)
        return self._record_sent(message_id, patient_id, result)

    def _check(self, message_id: int) -> tuple[str, str, str, int] | str:
        """(to, body, key, patient id) when the message may go now; otherwise the reason it may not.

        The message and its person are read in one statement: this runs once per text sent."""
        now = self.clock.now()
        with self.make_uow() as uow:
            found = uow.session.execute(select(OutboxMessage, Patient).join(
                Patient, Patient.id == OutboxMessage.patient_id).where(OutboxMessage.id == message_id)).first()
            message, patient = found if found else (None, None)
            if not still_mine(message, self.worker, now):
                return "lease-lost"
            reason = why_no_sms(patient.phone_e164, patient.phone_is_mobile, patient.sms_opted_out_at,
                                patient.date_of_death)
            if reason:
                message.state, message.last_error = "failed", reason
                _end_invitation(uow, message, "cancelled" if reason == "opted-out" else "failed", reason, now)
                uow.commit()
                return reason
            if not self.window.allows(now, patient.timezone):
                release(message, self.window.next_allowed(now, patient.timezone), "quiet-hours")
                message.attempts -= 1
                uow.commit()
                return "quiet-hours"
            return patient.phone_e164, message.payload["body"], message.idempotency_key, patient.id

    def _record_sent(self, message_id: int, patient_id: int, result: SendResult) -> str:
        """Committed straight after Twilio accepted the text, in as few statements as it takes (no read
        first), to keep the window in which a crash would send it twice as narrow as possible."""
        now = self.clock.now()
        with self.make_uow() as uow:
            uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                state="sent", provider_ref=result.provider_ref, provider_status=result.status, sent_at=now,
                locked_until=None))
            cost = self.price_per_segment * result.segments
            uow.session.add(CostEvent(
                patient_id=patient_id, activity="sms_segment", start_date=now.date(),
                quantity=Decimal(result.segments), unit_cost=self.price_per_segment, actual_cost=cost, cost=cost,
                source_system="sms", source_id=result.provider_ref,
            ))
            uow.commit()
        return "sent"

    def _record_failure(self, message_id: int, failure: SendFailure) -> str:
        now = self.clock.now()
        with self.make_uow() as uow:
            message = uow.session.get(OutboxMessage, message_id)
            outcome = _apply_failure(uow, message, failure, now, self.policy)
            uow.commit()
        log.warning("sms not sent", extra={"outbox_id": message_id, "outcome": outcome, "reason": failure.reason})
        return outcome


def _apply_failure(uow: UnitOfWork, message: OutboxMessage, failure: SendFailure, now: datetime,
                   policy: DeliveryPolicy) -> str:
    """Decide retry, dead letter or permanent failure, and carry the consequence to the patient."""
    if failure.kind == "rate_limited":
        message.attempts -= 1
        wait = policy.backoff(1) if failure.retry_after is None else timedelta(seconds=failure.retry_after)
        release(message, now + wait, failure.reason)
        return "rate-limited"
    if failure.kind == "transient" and failure.retryable:
        if message.attempts >= policy.max_attempts:
            message.state, message.last_error = "dead", f"{failure.reason} after {message.attempts} attempts"
            _end_invitation(uow, message, "failed", failure.reason, now)
            return "dead"
        release(message, now + policy.backoff(message.attempts), failure.reason)
        return "retry"
    return apply_failure(uow, message, failure, now)


def apply_failure(uow: UnitOfWork, message: OutboxMessage, failure: SendFailure, now: datetime) -> str:
    """A failure no retry will mend: record it, and carry it to the invitation and the person."""
    message.state, message.last_error = "failed", failure.reason
    patient = uow.session.get(Patient, message.patient_id)
    if failure.kind == "opted_out":
        patient.sms_opted_out_at, patient.sms_opt_out_source = now, failure.reason
        _end_invitation(uow, message, "cancelled", "opted-out", now)
        _cancel_pending(uow, patient.id, now)
        return "opted-out"
    if failure.kind == "not_mobile":
        patient.phone_is_mobile = False
    _end_invitation(uow, message, "failed", failure.reason, now)
    alerting.raise_alert(uow, patient.id, None, "contact_needed", "low",
                         f"A text could not be delivered ({failure.reason}); please contact the person another way", now)
    return failure.kind


def _end_invitation(uow: UnitOfWork, message: OutboxMessage, status: str, reason: str, now: datetime) -> None:
    if message.invitation_id is None or message.payload.get("purpose") != "invitation" and status != "cancelled":
        return
    invitation = uow.session.get(Invitation, message.invitation_id)
    if invitation.status in ("planned", "sent", "reminded", "partial"):
        record_transition(uow, invitation, invitation.status, status, reason, now)


def _cancel_pending(uow: UnitOfWork, patient_id: int, now: datetime) -> None:
    """After an opt-out nothing else queued for the person may go."""
    uow.session.execute(
        update(OutboxMessage).where(OutboxMessage.patient_id == patient_id, OutboxMessage.kind == "sms",
                                    OutboxMessage.state == "pending")
        .values(state="failed", last_error="opted-out")
    )

"""Sending claimed outbox SMS: kind hours and opt-out checked when a batch is claimed, one rate limit for
the whole fleet (services/send_rate.py), several texts in flight per worker, permanent errors never
retried, transient ones backed off and finally dead-lettered.

A worker sends up to `in_flight` texts at once, each in its own thread (the call mostly waits on the
network), and records what Twilio accepted in one transaction for every text that finished since the
last record. So at most `in_flight` texts are ever sent and not yet recorded: if the worker dies, those
are the ones another worker sends again once the lease expires, with the same idempotency key
(at-least-once, services/outbox.py). `in_flight = 1` sends and records one text at a time.

Who may be texted is decided when the batch is claimed (one read of the batch's people); kind hours and
the lease are checked again in the sending thread just before each call. A STOP that arrives in the
seconds a batch takes is still honoured: Twilio refuses texts to a number that sent STOP (21610), and
that refusal is recorded as the opt-out, as any 21610 is.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
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
from prom_service.services.outbox import WORKER_ID, DeliveryPolicy, claim, release
from prom_service.services.send_rate import SendPace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClearedText:
    """A claimed message cleared to go at claim time, with what sending and recording it need."""

    message_id: int
    patient_id: int
    to: str
    body: str
    key: str
    timezone: str
    leased_until: datetime


Outcome = SendResult | SendFailure | str  # accepted, refused, or why it was not sent ("lease-lost", "quiet-hours")


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
    in_flight: int = 1

    def run_once(self) -> Counter:
        """Claim a batch, send its cleared texts `in_flight` at a time, and record what happened."""
        outcomes, cleared = self._claim()
        if cleared:
            with ThreadPoolExecutor(self.in_flight, thread_name_prefix="sms-send") as pool:
                outcomes += self._send_all(pool, cleared)
        return outcomes

    def _claim(self) -> tuple[Counter, list[ClearedText]]:
        """Lease a batch and, in the same transaction, hold back what may not go now: a person who opted
        out, died or has no mobile, and anyone outside kind hours. Their people are read in one statement."""
        now, outcomes, cleared = self.clock.now(), Counter(), []
        with self.make_uow() as uow:
            messages = claim(uow, now, self.policy, self.worker)
            people = {person.id: person for person in uow.session.scalars(
                select(Patient).where(Patient.id.in_({message.patient_id for message in messages})))}
            for message in messages:
                verdict = self._clear(uow, message, people[message.patient_id], now)
                if isinstance(verdict, ClearedText):
                    cleared.append(verdict)
                else:
                    outcomes[verdict] += 1
            uow.commit()
        return outcomes, cleared

    def _clear(self, uow: UnitOfWork, message: OutboxMessage, patient: Patient, now: datetime) -> ClearedText | str:
        reason = why_no_sms(patient.phone_e164, patient.phone_is_mobile, patient.sms_opted_out_at,
                            patient.date_of_death)
        if reason:
            message.state, message.last_error = "failed", reason
            _end_invitation(uow, message, "cancelled" if reason == "opted-out" else "failed", reason, now)
            return reason
        if not self.window.allows(now, patient.timezone):
            _hold_for_kind_hours(message, self.window.next_allowed(now, patient.timezone))
            return "quiet-hours"
        return ClearedText(message.id, patient.id, patient.phone_e164, message.payload["body"],
                           message.idempotency_key, patient.timezone, message.locked_until)

    def _send_all(self, pool: ThreadPoolExecutor, cleared: list[ClearedText]) -> Counter:
        """Keep `in_flight` sends going; after each wait, record every send that finished, in one go.

        A send that breaks (not a provider's refusal: a bug) stops new sends; those already under way
        finish and are recorded before the error is raised, so nothing sent is left unrecorded."""
        outcomes, waiting, sending, broken = Counter(), deque(cleared), set(), None
        while waiting or sending:
            while waiting and len(sending) < self.in_flight:
                text = waiting.popleft()
                slot = time.monotonic() + self.pace.take(count_segments(text.body).segments)
                sending.add(pool.submit(self._send, text, slot))
            finished, sending = wait(sending, return_when=FIRST_COMPLETED)
            outcomes += self._record([future.result() for future in finished if future.exception() is None])
            errors = [future.exception() for future in finished if future.exception() is not None]
            if errors:
                waiting.clear()
                broken = broken or errors[0]
        if broken:
            raise broken
        return outcomes

    def _send(self, text: ClearedText, slot: float) -> tuple[ClearedText, Outcome]:
        """In a sending thread: wait for the text's slot in the fleet's schedule, check again what needs no
        database (the lease, kind hours), and hand the text to the provider."""
        self.sleep(max(slot - time.monotonic(), 0.0))
        now = self.clock.now()
        if now >= text.leased_until:
            return text, "lease-lost"
        if not self.window.allows(now, text.timezone):
            return text, "quiet-hours"
        try:
            return text, self.sender.send(text.to, text.body, status_callback=self.status_callback,
                                          idempotency_key=text.key)
        except SendFailure as failure:
            return text, failure

    def _record(self, finished: list[tuple[ClearedText, Outcome]]) -> Counter:
        accepted = [(text, result) for text, result in finished if isinstance(result, SendResult)]
        if accepted:
            self._record_sent(accepted)
        outcomes = Counter({"sent": len(accepted)} if accepted else {})
        for text, result in finished:
            if isinstance(result, SendFailure):
                outcomes[self._record_failure(text.message_id, result)] += 1
            elif isinstance(result, str):
                outcomes[self._record_not_sent(text, result)] += 1
        return outcomes

    def _record_sent(self, accepted: list[tuple[ClearedText, SendResult]]) -> None:
        """Committed as soon as the sends finish, in one transaction for all of them and without reading
        first: the window in which a crash would send a text twice stays that of the texts in flight."""
        now = self.clock.now()
        with self.make_uow() as uow:
            uow.session.execute(update(OutboxMessage), [
                {"id": text.message_id, "state": "sent", "provider_ref": result.provider_ref,
                 "provider_status": result.status, "sent_at": now, "locked_until": None}
                for text, result in accepted])
            uow.session.add_all([self._cost(text.patient_id, result, now) for text, result in accepted])
            uow.commit()

    def _cost(self, patient_id: int, result: SendResult, now: datetime) -> CostEvent:
        cost = self.price_per_segment * result.segments
        return CostEvent(patient_id=patient_id, activity="sms_segment", start_date=now.date(),
                         quantity=Decimal(result.segments), unit_cost=self.price_per_segment, actual_cost=cost,
                         cost=cost, source_system="sms", source_id=result.provider_ref)

    def _record_not_sent(self, text: ClearedText, why: str) -> str:
        """A lease that ran out is another worker's now; kind hours that closed while waiting send the
        text back to the queue for the next opening."""
        if why == "quiet-hours":
            now = self.clock.now()
            with self.make_uow() as uow:
                message = uow.session.get(OutboxMessage, text.message_id)
                _hold_for_kind_hours(message, self.window.next_allowed(now, text.timezone))
                uow.commit()
        return why

    def _record_failure(self, message_id: int, failure: SendFailure) -> str:
        now = self.clock.now()
        with self.make_uow() as uow:
            message = uow.session.get(OutboxMessage, message_id)
            outcome = _apply_failure(uow, message, failure, now, self.policy)
            uow.commit()
        log.warning("sms not sent", extra={"outbox_id": message_id, "outcome": outcome, "reason": failure.reason})
        return outcome


def _hold_for_kind_hours(message: OutboxMessage, opening: datetime) -> None:
    """Back to the queue until kind hours open; waiting for them uses up no attempt."""
    release(message, opening, "quiet-hours")
    message.attempts -= 1


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

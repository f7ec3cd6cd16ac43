"""The built-in SMS backend (`PROM_SMS_BACKEND=simulator`): texts go into a table, not to phones.

The simulator behaves like Twilio where that matters to the rest of the service: message references
look like Twilio SIDs, and a number whose last keyword was an opt-out word (STOP…) is refused with
21610, as Twilio's Advanced Opt-Out does, so the STOP journey can be seen end to end without Twilio.
Replies typed into the simulator are recorded here and then posted, signed, to the same inbound
webhook Twilio calls (see `webhook_forms` and `signature.sign`).
"""

from __future__ import annotations

import uuid
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from prom_service.channels.sms import keywords, segments
from prom_service.channels.sms.sender import SendFailure, SendResult
from prom_service.clock import Clock, SystemClock
from prom_service.db.models.sms_simulator import SmsSimulatorMessage

# Ofcom's drama range: never a real person's phone.
SIMULATOR_NUMBER = "+447700900000"
SIMULATOR_ACCOUNT_SID = "AC" + "0" * 32
# Enough of a phone's recent replies to find its last keyword.
KEYWORD_LOOKBACK = 200


def new_provider_ref() -> str:
    """A reference shaped like a Twilio message SID: "SM" and 32 hex digits."""
    return "SM" + uuid.uuid4().hex


class SimulatorSmsSender:
    """Store each outbound text as "delivered" to the simulated phone."""

    def __init__(self, session_factory: Callable[[], Session], clock: Clock | None = None) -> None:
        self.session_factory = session_factory
        self.clock = clock or SystemClock()

    def send(self, to: str, body: str, *, status_callback: str | None, idempotency_key: str) -> SendResult:
        """Keep the text for the simulator page, or refuse it as Twilio would for an opted-out number."""
        with self.session_factory() as session:
            if has_opted_out(session, to):
                raise SendFailure(21610, "opted_out", "opted-out")
            message = _store(session, "out", to, body, "delivered", self.clock)
            session.commit()
            return SendResult(message.provider_ref, message.status, segments.count(body).segments)


def record_inbound(session_factory: Callable[[], Session], phone_e164: str, body: str,
                   clock: Clock | None = None) -> SmsSimulatorMessage:
    """Keep a reply typed into the simulated phone; its `provider_ref` is the MessageSid to post."""
    with session_factory() as session:
        message = _store(session, "in", phone_e164, body, "received", clock or SystemClock())
        session.commit()
        return message


def record_outbound(session_factory: Callable[[], Session], phone_e164: str, body: str,
                    clock: Clock | None = None) -> SmsSimulatorMessage:
    """Keep a webhook's reply as delivered; like Twilio, it reaches even a phone that just sent STOP."""
    with session_factory() as session:
        message = _store(session, "out", phone_e164, body, "delivered", clock or SystemClock())
        session.commit()
        return message


def conversation(session_factory: Callable[[], Session], phone_e164: str) -> list[SmsSimulatorMessage]:
    """Every text to and from one simulated phone, oldest first."""
    with session_factory() as session:
        query = (select(SmsSimulatorMessage).where(SmsSimulatorMessage.phone_e164 == phone_e164)
                 .order_by(SmsSimulatorMessage.created_at, SmsSimulatorMessage.id))
        return list(session.scalars(query))


def phones(session_factory: Callable[[], Session]) -> list[str]:
    """The simulated phones that have sent or received anything."""
    with session_factory() as session:
        query = select(SmsSimulatorMessage.phone_e164).distinct().order_by(SmsSimulatorMessage.phone_e164)
        return list(session.scalars(query))


def has_opted_out(session: Session, phone_e164: str) -> bool:
    """True when the phone's latest opt-out or opt-in keyword was an opt-out, as Twilio tracks it."""
    query = (select(SmsSimulatorMessage.body)
             .where(SmsSimulatorMessage.phone_e164 == phone_e164, SmsSimulatorMessage.direction == "in")
             .order_by(SmsSimulatorMessage.id.desc()).limit(KEYWORD_LOOKBACK))
    for body in session.scalars(query):
        # Read as if opted out, so "YES" after STOP opts back in; YES without a STOP changes nothing.
        keyword = keywords.classify(body, opted_out=True)
        if keyword in (keywords.Keyword.OPT_OUT, keywords.Keyword.OPT_IN):
            return keyword is keywords.Keyword.OPT_OUT
    return False


def _store(session: Session, direction: str, phone: str, body: str, status: str,
           clock: Clock) -> SmsSimulatorMessage:
    message = SmsSimulatorMessage(direction=direction, phone_e164=phone, body=body,
                                  provider_ref=new_provider_ref(), status=status, created_at=clock.now())
    session.add(message)
    session.flush()
    session.expunge(message)  # detached before commit: its values outlive the session, whatever its expiry
    return message

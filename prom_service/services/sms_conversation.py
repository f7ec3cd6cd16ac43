"""An inbound text: STOP/START/HELP, or the answer to the question we last asked.

The reply (next question, a kind re-ask, thanks, safety text) goes back in the webhook's own answer,
so a conversation never waits for a scheduler tick. The same MessageSid twice changes nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterator

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

import scoring
from prom_service.channels.sms.keywords import Keyword, classify
from prom_service.channels.sms.reply import parse_answer
from prom_service.channels.sms.templates import SmsTemplates
from prom_service.db.models import InboundSms, Invitation, OutboxMessage, OutcomeSetVersion, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.outcome_set import OutcomeSet, SmsMode
from prom_service.services import answers, audit, outcome_sets, patient_links
from prom_service.services.access import Actor
from prom_service.services.dispatch import DispatchPolicy
from prom_service.services.invitation_planning import record_transition
from prom_service.services.invitation_messages import by_text, option_pairs, question_text, reply_options, sms_mode

AWAITING = ("sent", "reminded", "partial")
MAX_INVALID_REPLIES = 2  # re-asked at most twice; the third miss gets the web link


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    from_phone: str
    body: str


# Built once: they run for every text, and building a statement costs more Python than running it.
# Whether this MessageSid was handled before: Twilio may deliver a webhook twice.
_SEEN = select(InboundSms.id).where(InboundSms.message_sid == bindparam("message_sid")).exists()
# Who is texting: the first person with the number, wherever a number is shared.
_TEXTER = (select(func.min(Patient.id)).where(Patient.phone_e164 == bindparam("phone")).correlate(None)
           .scalar_subquery())
# Their SMS questionnaires awaiting answers, newest first, each locked as an answer to it needs (so a second
# text from them waits here for this one), with the person and whether the text was seen: one statement.
_OPEN_QUESTIONNAIRES = (
    select(*answers.INVITATION_COLUMNS, Patient.language, Patient.sms_opted_out_at, _SEEN.label("seen"))
    .join(Patient, Patient.id == Invitation.patient_id)
    .join(OutcomeSetVersion, OutcomeSetVersion.id == Invitation.outcome_set_version_id)
    .where(Invitation.patient_id == _TEXTER, Invitation.channel == "sms", Invitation.status.in_(AWAITING))
    .order_by(Invitation.sent_at.desc()).with_for_update(of=Invitation))
# The person alone, when nothing awaits their answers.
_SENDER = select(Patient.id.label("patient_id"), Patient.language, Patient.sms_opted_out_at,
                 _SEEN.label("seen")).where(Patient.id == _TEXTER)
# Each text, once: the MessageSid is unique, so a repeat delivery is refused by the database.
_REMEMBER = insert(InboundSms).values({column: bindparam(f"text_{column}") for column in (
    "message_sid", "patient_id", "invitation_id", "outcome", "received_at")})


def handle_inbound(make_uow: Callable[[], UnitOfWork], templates: SmsTemplates, inbound: Inbound, now: datetime,
                   policy: DispatchPolicy) -> str | None:
    """Act on one inbound text and return the reply to send back (None: send nothing).

    One unit of work from lookup to answer: the person is waiting for the next question, so the
    webhook spends as few database round trips, and as little Python per statement, as it can.
    """
    with make_uow() as uow:
        connection = uow.session.connection()
        asked = {"phone": inbound.from_phone, "message_sid": inbound.message_sid}
        open_ones = connection.execute(_OPEN_QUESTIONNAIRES, asked).all()
        sender = open_ones[0] if open_ones else connection.execute(_SENDER, asked).first()
        if sender is None:
            if connection.execute(select(_SEEN), {"message_sid": inbound.message_sid}).scalar():
                return None
            _remember(uow, inbound, None, None, "unknown_sender", now)
            uow.commit()
            return None
        if sender.seen:
            return None
        keyword = classify(inbound.body, opted_out=sender.sms_opted_out_at is not None)
        if keyword is not None:
            return _keyword(uow, templates, inbound, uow.session.get(Patient, sender.patient_id), keyword, now, policy)
        return _answer(uow, templates, inbound, sender, open_ones, now, policy)


def _remember(uow: UnitOfWork, inbound: Inbound, patient_id, invitation_id, outcome: str, now: datetime) -> None:
    with _once_per_message_sid():
        uow.session.connection().execute(_REMEMBER, _text(inbound, patient_id, invitation_id, outcome, now))


def _text(inbound: Inbound, patient_id, invitation_id, outcome: str, now: datetime) -> dict:
    return {"text_message_sid": inbound.message_sid, "text_patient_id": patient_id,
            "text_invitation_id": invitation_id, "text_outcome": outcome, "text_received_at": now}


@contextmanager
def _once_per_message_sid() -> Iterator[None]:
    """A text refused because its MessageSid is stored already is a repeat delivery; nothing else is."""
    try:
        yield
    except IntegrityError as error:
        # PostgreSQL names the unique constraint, SQLite its column.
        if "uq_inbound_sms_message_sid" in str(error.orig) or "inbound_sms.message_sid" in str(error.orig):
            raise DuplicateDelivery() from None
        raise


class DuplicateDelivery(Exception):
    """Another request is handling the same MessageSid right now."""


def _keyword(uow: UnitOfWork, templates, inbound: Inbound, patient: Patient, keyword: Keyword, now, policy) -> str:
    language = templates.language_for(patient.language)
    _remember(uow, inbound, patient.id, None, keyword.name.lower(), now)
    if keyword is Keyword.OPT_OUT:
        _opt_out(uow, patient, now)
        reply = templates.render("stop_confirmation", language, programme=policy.programme.name)
    elif keyword is Keyword.OPT_IN:
        patient.sms_opted_out_at, patient.sms_opt_out_source = None, None
        audit.record(uow, _patient_actor(patient), "sms.opted_in", now, patient_id=patient.id)
        reply = templates.render("start_confirmation", language, programme=policy.programme.name)
    else:
        reply = templates.render("help", language, programme=policy.programme.name,
                                 contact=policy.programme.help_contact)
    uow.commit()
    return reply


def _opt_out(uow: UnitOfWork, patient: Patient, now: datetime) -> None:
    """Mirror STOP locally at once: nothing queued goes, open SMS invitations are cancelled."""
    patient.sms_opted_out_at, patient.sms_opt_out_source = now, "sms-keyword"
    uow.session.execute(update(OutboxMessage).where(
        OutboxMessage.patient_id == patient.id, OutboxMessage.state == "pending",
    ).values(state="failed", last_error="opted-out"))
    for invitation in uow.session.scalars(select(Invitation).where(
            Invitation.patient_id == patient.id, Invitation.channel == "sms", Invitation.status.in_(AWAITING))):
        record_transition(uow, invitation, invitation.status, "cancelled", "opted-out", now)
    audit.record(uow, _patient_actor(patient), "sms.opted_out", now, patient_id=patient.id, source="sms-keyword")


def _patient_actor(patient: Patient) -> Actor:
    return Actor(kind="patient", id=str(patient.id))


def _answer(uow: UnitOfWork, templates, inbound: Inbound, sender, open_ones: list, now, policy) -> str | None:
    """Which question the text answers is read only now, with the questionnaire locked, and the text is
    remembered after that: a second text from the same person waits, then answers the next question.
    (Remembering the text first took a key-share lock on the invitation through its foreign key, and two
    texts at once then deadlocked on the invitation row: one reply failed and its answer was lost.)"""
    language = templates.language_for(sender.language)
    found = _conversation(uow, open_ones)
    if found is None:
        _remember(uow, inbound, sender.patient_id, None, "unmatched", now)
        uow.commit()
        return None
    locked, outcome_set = found
    invitation = answers.answers_so_far(uow, locked)
    texted = by_text(outcome_set, list(invitation.instruments))
    position = invitation.progress().next_item
    if position is None or position[0] not in texted:
        return _continue_online(uow, templates, inbound, sender.patient_id, invitation.id, language, now, policy)
    item = next(i for i in scoring.instruments(position[0]).items if i.id == position[1])
    value = parse_answer(inbound.body, option_pairs(item)) if item.options else _in_range(inbound.body, item)
    if value is None:
        return _reask(uow, templates, inbound, sender.patient_id, invitation.id, item, language, now, policy)
    with _once_per_message_sid():
        progress = answers.answer(uow, invitation, position[0], position[1], value, "sms", now,
                                  raw_text=inbound.body[:160], carried_by=(_REMEMBER, _text(
                                      inbound, sender.patient_id, invitation.id, "answer", now)))
    reply = _after_answer(uow, templates, language, texted, progress, policy, now)
    uow.commit()
    return reply


def _continue_online(uow, templates, inbound, patient_id, invitation_id, language, now, policy) -> str:
    """The texted part is done: the rest of the questionnaire is on the web page, which resumes there."""
    _remember(uow, inbound, patient_id, invitation_id, "unmatched", now)
    link = patient_links.issue_link(uow, invitation_id, now, policy.public_base_url, policy.link_secret)
    uow.commit()
    return templates.render("continue_online", language, link=link)


def _conversation(uow: UnitOfWork, open_ones: list) -> tuple | None:
    """Of the person's open SMS questionnaires (newest first), the one asked one question per text."""
    for row in open_ones:
        outcome_set = outcome_sets.outcome_set_by_id(uow, row.outcome_set_version_id, row.fingerprint)
        if sms_mode(outcome_set, list(row.instruments)) is SmsMode.CONVERSATION:
            return row, outcome_set
    return None


def _in_range(text: str, item) -> int | None:
    stripped = text.strip().rstrip(".!")
    return int(stripped) if stripped.isdigit() and item.min <= int(stripped) <= item.max else None


def _reask(uow, templates, inbound, patient_id, invitation_id, item, language, now, policy) -> str:
    recent = uow.session.scalars(select(InboundSms.outcome).where(InboundSms.invitation_id == invitation_id)
                                 .order_by(InboundSms.received_at.desc(), InboundSms.id.desc())).all()
    misses = next((i for i, outcome in enumerate(recent) if outcome != "invalid"), len(recent))
    _remember(uow, inbound, patient_id, invitation_id, "invalid", now)
    if misses >= MAX_INVALID_REPLIES:
        link = patient_links.issue_link(uow, invitation_id, now, policy.public_base_url, policy.link_secret)
        reply = templates.render("too_many_invalid", language, link=link)
    else:
        reply = templates.render("reask", language, options=reply_options(templates, language, item))
    uow.commit()
    return reply


def _after_answer(uow, templates, language, texted: list[str], progress: answers.Progress, policy, now) -> str:
    """The reply to an answer; a link to the rest of the questionnaire is issued in the answer's own
    transaction, so the answer and the link that continues it are saved together."""
    safety = templates.render("safety", language, programme=policy.programme.name) if progress.red_flag else None
    if progress.next_item is None:
        text = templates.render("complete", language, programme=policy.programme.name)
    elif progress.next_item[0] in texted:
        text = question_text(templates, language, texted, progress.next_item)
    else:
        link = patient_links.issue_link(uow, progress.invitation_id, now, policy.public_base_url, policy.link_secret)
        text = templates.render("continue_online", language, link=link)
    return f"{safety}\n{text}" if safety else text

"""An inbound text: STOP/START/HELP, or the answer to the question we last asked.

The reply (next question, a kind re-ask, thanks, safety text) goes back in the webhook's own answer,
so a conversation never waits for a scheduler tick. The same MessageSid twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select, update
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


def handle_inbound(make_uow: Callable[[], UnitOfWork], templates: SmsTemplates, inbound: Inbound, now: datetime,
                   policy: DispatchPolicy) -> str | None:
    """Act on one inbound text and return the reply to send back (None: send nothing).

    One unit of work from lookup to answer: the person is waiting for the next question, so the
    webhook spends as few database round trips as it can.
    """
    with make_uow() as uow:
        rows = uow.session.execute(_sender_and_open_questionnaires(inbound)).all()
        if not rows:
            if uow.session.scalar(select(_seen(inbound.message_sid))):
                return None
            _remember(uow, inbound, None, None, "unknown_sender", now)
            uow.commit()
            return None
        patient, seen = rows[0][0], rows[0][1]
        if seen:
            return None
        keyword = classify(inbound.body, opted_out=patient.sms_opted_out_at is not None)
        if keyword is not None:
            return _keyword(uow, templates, inbound, patient, keyword, now, policy)
        open_ones = [(invitation, version) for who, _, invitation, version in rows if who is patient and invitation]
        return _answer(uow, make_uow, templates, inbound, patient, open_ones, now, policy)


def _sender_and_open_questionnaires(inbound: Inbound):
    """In one statement: the person texting, whether this MessageSid was seen before, and each of their
    SMS questionnaires awaiting answers with its outcome-set version (newest first; none: one row)."""
    return (select(Patient, _seen(inbound.message_sid), Invitation, OutcomeSetVersion)
            .outerjoin(Invitation, (Invitation.patient_id == Patient.id) & (Invitation.channel == "sms")
                       & Invitation.status.in_(AWAITING))
            .outerjoin(OutcomeSetVersion, OutcomeSetVersion.id == Invitation.outcome_set_version_id)
            .where(Patient.phone_e164 == inbound.from_phone)
            .order_by(Patient.id, Invitation.sent_at.desc()))


def _seen(message_sid: str):
    """Whether this MessageSid was handled before: Twilio may deliver a webhook twice."""
    return select(InboundSms.id).where(InboundSms.message_sid == message_sid).exists()


def _remember(uow: UnitOfWork, inbound: Inbound, patient_id, invitation_id, outcome: str, now: datetime) -> None:
    uow.session.add(InboundSms(message_sid=inbound.message_sid, patient_id=patient_id, invitation_id=invitation_id,
                               outcome=outcome, received_at=now))
    try:
        uow.session.flush()
    except IntegrityError:
        raise DuplicateDelivery() from None


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


def _answer(uow: UnitOfWork, make_uow, templates, inbound: Inbound, patient: Patient,
            open_ones: list[tuple[Invitation, OutcomeSetVersion]], now, policy) -> str | None:
    language = templates.language_for(patient.language)
    found = _conversation(open_ones)
    if found is None:
        _remember(uow, inbound, patient.id, None, "unmatched", now)
        uow.commit()
        return None
    invitation, outcome_set = found
    texted = by_text(outcome_set, list(invitation.instruments))
    position = answers.progress_of(uow, invitation.id).next_item
    if position is None or position[0] not in texted:
        return _continue_online(uow, templates, inbound, patient.id, invitation, language, now, policy)
    item = next(i for i in scoring.instruments(position[0]).items if i.id == position[1])
    value = parse_answer(inbound.body, option_pairs(item)) if item.options else _in_range(inbound.body, item)
    if value is None:
        return _reask(uow, templates, inbound, patient, invitation, item, language, now, policy)
    _remember(uow, inbound, patient.id, invitation.id, "answer", now)
    progress = answers.record_answer(_same_transaction(uow), invitation.id, position[0], position[1], value, "sms",
                                     now, raw_text=inbound.body[:160])
    return _after_answer(make_uow, templates, language, texted, progress, policy, now)


def _same_transaction(uow: UnitOfWork) -> UnitOfWork:
    """A unit of work over `uow`'s own session: the text is remembered and its answer recorded in one
    commit, so a crash between the two cannot leave a reply marked handled with its answer lost."""
    return UnitOfWork(lambda: uow.session)


def _continue_online(uow, templates, inbound, patient_id, invitation, language, now, policy) -> str:
    """The texted part is done: the rest of the questionnaire is on the web page, which resumes there."""
    _remember(uow, inbound, patient_id, invitation.id, "unmatched", now)
    link = patient_links.issue_link(uow, invitation.id, now, policy.public_base_url, policy.link_secret)
    uow.commit()
    return templates.render("continue_online", language, link=link)


def _conversation(open_ones: list[tuple[Invitation, OutcomeSetVersion]]) -> tuple[Invitation, OutcomeSet] | None:
    """Of the person's open SMS questionnaires (newest first), the one asked one question per text."""
    for invitation, version in open_ones:
        outcome_set = outcome_sets.outcome_set_of(version)
        if sms_mode(outcome_set, list(invitation.instruments)) is SmsMode.CONVERSATION:
            return invitation, outcome_set
    return None


def _in_range(text: str, item) -> int | None:
    stripped = text.strip().rstrip(".!")
    return int(stripped) if stripped.isdigit() and item.min <= int(stripped) <= item.max else None


def _reask(uow, templates, inbound, patient, invitation, item, language, now, policy) -> str:
    recent = uow.session.scalars(select(InboundSms.outcome).where(InboundSms.invitation_id == invitation.id)
                                 .order_by(InboundSms.received_at.desc(), InboundSms.id.desc())).all()
    misses = next((i for i, outcome in enumerate(recent) if outcome != "invalid"), len(recent))
    _remember(uow, inbound, patient.id, invitation.id, "invalid", now)
    if misses >= MAX_INVALID_REPLIES:
        link = patient_links.issue_link(uow, invitation.id, now, policy.public_base_url, policy.link_secret)
        reply = templates.render("too_many_invalid", language, link=link)
    else:
        reply = templates.render("reask", language, options=reply_options(templates, language, item))
    uow.commit()
    return reply


def _after_answer(make_uow, templates, language, texted: list[str], progress: answers.Progress, policy, now) -> str:
    safety = templates.render("safety", language, programme=policy.programme.name) if progress.red_flag else None
    if progress.next_item is None:
        text = templates.render("complete", language, programme=policy.programme.name)
    elif progress.next_item[0] in texted:
        text = question_text(templates, language, texted, progress.next_item)
    else:
        with make_uow() as uow:
            link = patient_links.issue_link(uow, progress.invitation_id, now, policy.public_base_url, policy.link_secret)
            uow.commit()
        text = templates.render("continue_online", language, link=link)
    return f"{safety}\n{text}" if safety else text

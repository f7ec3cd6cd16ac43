"""Dispatch: decide how each due invitation reaches the person, and write that decision and its
outgoing text in one transaction (the outbox). Workers on any number of hosts can run this at once:
due invitations are claimed with SKIP LOCKED, so none is dispatched twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select

from prom_service.channels.sms.templates import SmsTemplates
from prom_service.db.claim import lock_due
from prom_service.db.models import Invitation, OutcomeSetVersion, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.sending_window import SendingWindow
from prom_service.domain.sms_reach import why_no_sms
from prom_service.services import alerting, outbox, outcome_sets, patient_links
from prom_service.services.invitation_messages import Programme, invitation_text
from prom_service.services.invitation_planning import record_transition


@dataclass(frozen=True)
class DispatchPolicy:
    batch: int
    window: SendingWindow
    reminder_offsets_days: tuple[int, ...]
    public_base_url: str
    programme: Programme
    link_secret: str

    @classmethod
    def from_settings(cls, settings) -> DispatchPolicy:
        return cls(settings["scheduler.claim_batch"], SendingWindow.from_settings(settings),
                   tuple(settings["invitations.reminder_offsets_days"]), settings["public_base_url"],
                   Programme.from_settings(settings), settings["secret_key"])


def dispatch_due(make_uow: Callable[[], UnitOfWork], templates: SmsTemplates, now: datetime,
                 policy: DispatchPolicy) -> Counter:
    """Claim a batch of due invitations and dispatch each; return counts by outcome.

    The batch's people and outcome-set versions are read up front and held (the session's identity map
    keeps rows only while something refers to them), so nothing is read, and nothing flushed, inside
    the loop: the writes go at the commit as one statement per table for the whole batch."""
    outcomes = Counter()
    with make_uow() as uow:
        due = lock_due(uow.session, Invitation, Invitation.status == "planned", Invitation.due_at <= now,
                       order_by=Invitation.due_at, limit=policy.batch)
        people = _by_id(uow, Patient, {invitation.patient_id for invitation in due})
        versions = _by_id(uow, OutcomeSetVersion, {invitation.outcome_set_version_id for invitation in due})
        for invitation in due:
            outcomes[_dispatch(uow, invitation, people[invitation.patient_id],
                               versions[invitation.outcome_set_version_id], templates, now, policy)] += 1
        uow.commit()
    return outcomes


def _by_id(uow: UnitOfWork, model, ids: set[int]) -> dict:
    return {row.id: row for row in uow.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _dispatch(uow: UnitOfWork, invitation: Invitation, patient: Patient, version: OutcomeSetVersion,
              templates: SmsTemplates, now: datetime, policy: DispatchPolicy) -> str:
    if patient.date_of_death is not None:
        record_transition(uow, invitation, "planned", "cancelled", "died", now)
        return "cancelled:died"
    if not policy.window.allows(now, patient.timezone):
        invitation.due_at = policy.window.next_allowed(now, patient.timezone)
        return "deferred:quiet-hours"
    link = patient_links.issue_link(uow, invitation.id, now, policy.public_base_url, policy.link_secret)
    impossible = why_no_sms(patient.phone_e164, patient.phone_is_mobile, patient.sms_opted_out_at)
    if impossible:
        return _hand_to_care_team(uow, invitation, impossible, now)
    language = templates.language_for(patient.language)
    mode, body = invitation_text(templates, policy.programme, language, outcome_sets.outcome_set_of(version),
                                 list(invitation.instruments), link)
    outbox.enqueue_sms(uow, key=f"invitation:{invitation.id}:first", patient_id=patient.id, body=body, due_at=now,
                       now=now, invitation_id=invitation.id)
    invitation.sent_at, invitation.channel = now, "sms"
    invitation.next_reminder_at = now + timedelta(days=policy.reminder_offsets_days[0]) if policy.reminder_offsets_days else None
    record_transition(uow, invitation, "planned", "sent", f"sms:{mode.value}", now)
    return f"sent:sms-{mode.value}"


def _hand_to_care_team(uow: UnitOfWork, invitation: Invitation, why: str, now: datetime) -> str:
    """SMS cannot reach the person: the care team gets a task to hand over the web link another way."""
    invitation.sent_at, invitation.channel = now, "care_team"
    record_transition(uow, invitation, "planned", "sent", f"care-team:{why}", now)
    alerting.raise_alert(uow, invitation.patient_id, invitation.enrolment_id, "contact_needed", "low",
                         f"Questionnaire due but no text can be sent ({why}): give the person their web link", now)
    return f"care-team:{why}"


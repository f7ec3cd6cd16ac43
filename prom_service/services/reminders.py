"""Reminders while a questionnaire is unanswered, and expiry when it stays so (with non-response alerts)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update

from prom_service.channels.sms.templates import SmsTemplates
from prom_service.db.claim import lock_due
from prom_service.db.models import Invitation, OutboxMessage, OutcomeSetVersion, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.alert_rules import NonResponseRule
from prom_service.services import alerting, outbox, outcome_sets, patient_links
from prom_service.services.dispatch import DispatchPolicy
from prom_service.services.invitation_planning import record_transition

OPEN = ("planned", "sent", "reminded", "partial")
AWAITING = ("sent", "reminded", "partial")


@dataclass(frozen=True)
class ReminderPolicy:
    dispatch: DispatchPolicy
    max_reminders: int

    @classmethod
    def from_settings(cls, settings) -> ReminderPolicy:
        return cls(DispatchPolicy.from_settings(settings), settings["invitations.max_reminders"])


def remind_due(make_uow: Callable[[], UnitOfWork], templates: SmsTemplates, now: datetime,
               policy: ReminderPolicy) -> Counter:
    """Queue a reminder for every unanswered SMS invitation whose reminder time has come."""
    outcomes = Counter()
    with make_uow() as uow:
        due = lock_due(uow.session, Invitation, Invitation.status.in_(AWAITING), Invitation.channel == "sms",
                       Invitation.next_reminder_at <= now, order_by=Invitation.next_reminder_at,
                       limit=policy.dispatch.batch)
        for invitation in due:
            outcomes[_remind(uow, invitation, templates, now, policy)] += 1
        uow.commit()
    return outcomes


def _remind(uow: UnitOfWork, invitation: Invitation, templates: SmsTemplates, now: datetime,
            policy: ReminderPolicy) -> str:
    offsets = policy.dispatch.reminder_offsets_days
    number = invitation.reminders_sent + 1
    if number > min(policy.max_reminders, len(offsets)):
        invitation.next_reminder_at = None
        return "no-more-reminders"
    patient = uow.session.get(Patient, invitation.patient_id)
    link = patient_links.issue_link(uow, invitation.id, now, policy.dispatch.public_base_url,
                                  policy.dispatch.link_secret)
    body = templates.render("invitation", templates.language_for(patient.language),
                            programme=policy.dispatch.programme.name, link=link)
    outbox.enqueue_sms(uow, key=f"invitation:{invitation.id}:reminder:{number}", patient_id=patient.id, body=body,
                       due_at=now, now=now, invitation_id=invitation.id, purpose="reminder")
    invitation.reminders_sent = number
    following = offsets[number] if number < min(policy.max_reminders, len(offsets)) else None
    invitation.next_reminder_at = invitation.sent_at + timedelta(days=following) if following else None
    if invitation.status == "sent":
        record_transition(uow, invitation, "sent", "reminded", f"reminder-{number}", now)
    return "reminded"


def expire_due(make_uow: Callable[[], UnitOfWork], now: datetime, batch: int) -> Counter:
    """Expire unanswered invitations past their window; raise non-response alerts where a rule says so."""
    outcomes = Counter()
    with make_uow() as uow:
        due = lock_due(uow.session, Invitation, Invitation.status.in_(OPEN), Invitation.expires_at <= now,
                       order_by=Invitation.expires_at, limit=batch)
        for invitation in due:
            record_transition(uow, invitation, invitation.status, "expired", "no-response", now)
            invitation.next_reminder_at = None
            uow.session.execute(update(OutboxMessage).where(
                OutboxMessage.invitation_id == invitation.id, OutboxMessage.state == "pending",
            ).values(state="failed", last_error="invitation expired"))
            outcomes["expired"] += 1
            outcomes.update(_non_response(uow, invitation, now))
        uow.commit()
    return outcomes


def _non_response(uow: UnitOfWork, invitation: Invitation, now: datetime) -> Counter:
    version = uow.session.get(OutcomeSetVersion, invitation.outcome_set_version_id)
    rules = [r for r in outcome_sets.outcome_set_of(version).alerts if isinstance(r, NonResponseRule)]
    if not rules:
        return Counter()
    history = uow.session.scalars(select(Invitation.status).where(
        Invitation.enrolment_id == invitation.enrolment_id, Invitation.status.in_(("completed", "expired")),
    ).order_by(Invitation.due_at.desc(), Invitation.id.desc())).all()
    missed = next((i for i, status in enumerate(history) if status != "expired"), len(history))
    raised = Counter()
    for rule in rules:
        if rule.fires_for(missed):
            alerting.raise_alert(uow, invitation.patient_id, invitation.enrolment_id, rule.name, rule.severity.value,
                                 f"{missed} questionnaire(s) in a row expired without an answer", now)
            raised[f"alert:{rule.name}"] += 1
    return raised

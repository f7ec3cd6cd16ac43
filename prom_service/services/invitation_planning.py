"""Turn an enrolment's schedule into invitations. Idempotent: planning twice creates nothing new."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from prom_service.db.models import Enrolment, Invitation, InvitationEvent, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.schedule import RecordedEvent, plan


def plan_enrolment(
    uow: UnitOfWork, enrolment: Enrolment, outcome_set: OutcomeSet, now: datetime, *,
    horizon_days: int, expire_after_days: int, events: tuple[RecordedEvent, ...] = (),
) -> list[Invitation]:
    """Add an invitation for every occurrence due up to the horizon that has none yet."""
    if enrolment.status != "active":
        return []
    patient = uow.session.get(Patient, enrolment.patient_id)
    existing = set(uow.session.scalars(
        select(Invitation.schedule_key).where(Invitation.enrolment_id == enrolment.id)
    ))
    occurrences = plan(outcome_set.schedule, enrolment.enrolled_at, now + timedelta(days=horizon_days), events)
    created = []
    for occurrence in occurrences:
        if occurrence.key in existing:
            continue
        created.append(_new_invitation(uow, enrolment, patient, outcome_set, occurrence, expire_after_days, now))
    return created


def _new_invitation(uow, enrolment, patient, outcome_set, occurrence, expire_after_days, now) -> Invitation:
    invitation = Invitation(
        enrolment_id=enrolment.id, patient_id=enrolment.patient_id,
        outcome_set_version_id=enrolment.outcome_set_version_id, schedule_key=occurrence.key,
        instruments=list(outcome_set.instrument_ids), channel=patient.preferred_channel, status="planned",
        due_at=max(occurrence.due_at, enrolment.enrolled_at),
        expires_at=occurrence.due_at + timedelta(days=expire_after_days), created_at=now, updated_at=now,
    )
    uow.session.add(invitation)
    uow.session.flush()
    record_transition(uow, invitation, None, "planned", occurrence.key, now)
    return invitation


def record_transition(
    uow: UnitOfWork, invitation: Invitation, from_status: str | None, to_status: str, reason: str | None,
    now: datetime,
) -> None:
    """Move the invitation to `to_status` and keep the step, with why, for the API and audit."""
    invitation.status = to_status
    invitation.status_reason = reason
    invitation.updated_at = now
    uow.session.add(InvitationEvent(
        invitation_id=invitation.id, from_status=from_status, to_status=to_status, reason=reason, at=now,
    ))


def cancel_open_invitations(uow: UnitOfWork, enrolment_id: int, reason: str, now: datetime) -> int:
    """Cancel what is still to be answered (on leaving, opting out, death); answered ones stay."""
    open_ones = uow.session.scalars(select(Invitation).where(
        Invitation.enrolment_id == enrolment_id, Invitation.status.in_(("planned", "sent", "reminded", "partial"))
    )).all()
    for invitation in open_ones:
        record_transition(uow, invitation, invitation.status, "cancelled", reason, now)
    return len(open_ones)


def plan_all(uow: UnitOfWork, now: datetime, *, horizon_days: int, expire_after_days: int, batch: int = 500) -> int:
    """Extend every active enrolment's invitations up to the horizon; return how many were added."""
    from prom_service.db.models import OutcomeSetVersion
    from prom_service.services.outcome_sets import outcome_set_of

    created = 0
    enrolments = uow.session.scalars(select(Enrolment).where(Enrolment.status == "active").order_by(Enrolment.id))
    for enrolment in enrolments.yield_per(batch):
        version = uow.session.get(OutcomeSetVersion, enrolment.outcome_set_version_id)
        created += len(plan_enrolment(uow, enrolment, outcome_set_of(version), now,
                                      horizon_days=horizon_days, expire_after_days=expire_after_days))
    return created

"""Reading a person's record within the caller's team scope: invitations, scores, LIS, alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from prom_service.db.models import (
    Alert, Community, Enrolment, Invitation, InvitationEvent, LifeImproverScore, OutcomeSetVersion, Patient, Score,
)
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.access import Actor, visible_patients
from prom_service.services.patients import get_patient

LIS_INSTRUMENT = "life_improver_score"


@dataclass(frozen=True)
class ScoreEntry:
    """One line of a person's scores: an instrument scale, or a Life Improver Score."""

    id: str
    instrument: str
    scale: str
    value: float | None
    value_text: str | None
    band: str | None
    flags: list[str]
    reason: str | None
    life_improver_score: dict | None
    definition_version: str
    observed_at: datetime


def invitations_of(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[tuple[Invitation, list[InvitationEvent]]]:
    get_patient(uow, actor, patient_id)
    invitations = uow.session.scalars(
        select(Invitation).where(Invitation.patient_id == patient_id).order_by(Invitation.due_at, Invitation.id)
    ).all()
    events = uow.session.scalars(select(InvitationEvent).where(
        InvitationEvent.invitation_id.in_([i.id for i in invitations])).order_by(InvitationEvent.id)).all()
    return [(i, [e for e in events if e.invitation_id == i.id]) for i in invitations]


def scores_of(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[ScoreEntry]:
    """Every score, oldest first; LIS entries carry their coverage, inputs and outcome-set version."""
    get_patient(uow, actor, patient_id)
    rows = uow.session.scalars(select(Score).where(Score.patient_id == patient_id)).all()
    entries = [_score_entry(row) for row in rows] + _lis_entries(uow, patient_id)
    return sorted(entries, key=lambda e: (e.observed_at, e.id))


def _score_entry(row: Score) -> ScoreEntry:
    return ScoreEntry(
        id=f"score-{row.id}", instrument=row.instrument, scale=row.scale, value=row.value, value_text=row.value_text,
        band=row.band, flags=list(row.flags or []), reason=row.reason, life_improver_score=None,
        definition_version=row.definition_version, observed_at=row.observed_at,
    )


def _lis_entries(uow: UnitOfWork, patient_id: int) -> list[ScoreEntry]:
    rows = uow.session.execute(
        select(LifeImproverScore, Community.code, OutcomeSetVersion.version)
        .join(OutcomeSetVersion, OutcomeSetVersion.id == LifeImproverScore.outcome_set_version_id)
        .join(Community, Community.id == OutcomeSetVersion.community_id)
        .where(LifeImproverScore.patient_id == patient_id)
    ).all()
    return [
        ScoreEntry(
            id=f"lis-{row.id}", instrument=LIS_INSTRUMENT, scale=code, value=row.value, value_text=None, band=None,
            flags=[], reason=row.reason,
            life_improver_score={"value": row.value, "coverage": row.coverage, "community": code,
                                 "outcome_set_version": version, "inputs": row.inputs},
            definition_version=f"{code}@v{version}", observed_at=row.observed_at,
        )
        for row, code, version in rows
    ]


def alerts_for(
    uow: UnitOfWork, actor: Actor, patient_id: int | None = None, status: str | None = None, limit: int = 500,
) -> list[Alert]:
    """Alerts the actor may see, urgent first, then oldest first."""
    visible = visible_patients(actor).with_only_columns(Patient.id)
    query = select(Alert).where(Alert.patient_id.in_(visible))
    if patient_id is not None:
        query = query.where(Alert.patient_id == patient_id)
    if status is not None:
        query = query.where(Alert.status == status)
    rows = uow.session.scalars(query.order_by(Alert.raised_at).limit(limit)).all()
    severity_rank = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
    return sorted(rows, key=lambda a: severity_rank.get(a.severity, 9))


def enrolments_of(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[tuple[Enrolment, str, int]]:
    get_patient(uow, actor, patient_id)
    return [tuple(r) for r in uow.session.execute(
        select(Enrolment, Community.code, OutcomeSetVersion.version)
        .join(Community, Community.id == Enrolment.community_id)
        .join(OutcomeSetVersion, OutcomeSetVersion.id == Enrolment.outcome_set_version_id)
        .where(Enrolment.patient_id == patient_id).order_by(Enrolment.id)
    ).all()]

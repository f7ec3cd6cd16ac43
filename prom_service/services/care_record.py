"""A person's record as their care team reads it, in one audited look.

Everything the patient page shows comes from here, inside the caller's team scope (`get_patient` and
the `patient_record` readers refuse anyone else's patient with NotFound): each enrolment with its Life
Improver Score over time and each domain's raw values as they entered the score (so the domain charts
show exactly what the LIS was made of), the weights and goals agreed with the person and their history,
the invitations with every status change, each response's answers next to the scores they produced, and
the alerts. The look itself is audited in the same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

import scoring
from prom_service.db.models import (
    Alert, Answer, Enrolment, GoalRating, Invitation, InvitationEvent, OutcomeSetVersion, Patient, PersonalGoal,
    PersonalWeights, Response, Score,
)
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.measure import MeasureKind
from prom_service.domain.outcome_set import Domain, OutcomeSet
from prom_service.services import audit
from prom_service.services.access import Actor
from prom_service.services.errors import NotFound
from prom_service.services.outcome_sets import outcome_set_of
from prom_service.services.patient_record import (
    LIS_INSTRUMENT, ScoreEntry, alerts_for, enrolments_of, invitations_of, scores_of,
)
from prom_service.services.patients import get_patient


@dataclass(frozen=True)
class DomainTrend:
    """One domain's raw values over time, with the instrument's bands where it has them."""

    domain: Domain
    points: tuple[tuple[datetime, float], ...]
    bands: tuple[scoring.Band, ...] = ()


@dataclass(frozen=True)
class EnrolmentRecord:
    enrolment: Enrolment
    community: str
    outcome_set: OutcomeSet
    life_improver_scores: tuple[ScoreEntry, ...]
    domains: tuple[DomainTrend, ...]
    weights: dict[str, float]
    weights_history: tuple[PersonalWeights, ...]
    goals: tuple[tuple[PersonalGoal, tuple[GoalRating, ...]], ...]


@dataclass(frozen=True)
class AnsweredItem:
    item_id: str
    text: str | None
    value: int | None
    label: str | None


@dataclass(frozen=True)
class Assessment:
    """One completed (or partial) questionnaire: its answers and the scores they produced."""

    response: Response
    answers: tuple[AnsweredItem, ...]
    scores: tuple[Score, ...]


@dataclass(frozen=True)
class CareRecord:
    patient: Patient
    enrolments: tuple[EnrolmentRecord, ...]
    invitations: tuple[tuple[Invitation, list[InvitationEvent]], ...]
    assessments: tuple[Assessment, ...]
    alerts: tuple[Alert, ...]


def care_record(uow: UnitOfWork, actor: Actor, patient_id: int, now: datetime, remote_addr: str | None) -> CareRecord:
    """The whole record, read within the actor's scope; the view is audited as it is read."""
    with uow:
        patient = get_patient(uow, actor, patient_id)
        scores = scores_of(uow, actor, patient_id)
        enrolments = tuple(_enrolment_record(uow, enrolment, code, scores)
                           for enrolment, code, _version in enrolments_of(uow, actor, patient_id))
        record = CareRecord(patient, enrolments, tuple(invitations_of(uow, actor, patient_id)),
                            _assessments(uow, patient_id), tuple(alerts_for(uow, actor, patient_id)))
        audit.record(uow, actor, "patient.viewed", now, patient_id=patient_id, target=f"patient:{patient_id}",
                     remote_addr=remote_addr)
        uow.commit()
        return record


def _enrolment_record(uow: UnitOfWork, enrolment: Enrolment, code: str, scores: list[ScoreEntry]) -> EnrolmentRecord:
    outcome_set = outcome_set_of(uow.session.get(OutcomeSetVersion, enrolment.outcome_set_version_id))
    lis = tuple(s for s in scores if s.instrument == LIS_INSTRUMENT and s.scale == code)
    history = tuple(uow.session.scalars(select(PersonalWeights).where(PersonalWeights.enrolment_id == enrolment.id)
                                        .order_by(PersonalWeights.agreed_at.desc(), PersonalWeights.id.desc())))
    current = next((row.weights for row in history if row.superseded_at is None), None)
    weights = {d.name: float((current or {}).get(d.name, d.weight)) for d in outcome_set.domains}
    return EnrolmentRecord(enrolment, code, outcome_set, lis, tuple(_trend(d, lis) for d in outcome_set.domains),
                           weights, history, _goals(uow, enrolment.id))


def _trend(domain: Domain, lis: tuple[ScoreEntry, ...]) -> DomainTrend:
    """The domain's raw value at each LIS that measured it: the value that score was made from."""
    points = []
    for entry in lis:
        measured = ((entry.life_improver_score or {}).get("inputs") or {}).get("domains", {}).get(domain.name)
        if measured and measured.get("raw") is not None:
            points.append((entry.observed_at, float(measured["raw"])))
    measure = domain.measure
    bands = ()
    if measure.kind is MeasureKind.INSTRUMENT_SCALE:
        bands = tuple(scoring.instruments(measure.instrument).bands.get(measure.part, ()))
    return DomainTrend(domain, tuple(points), bands)


def _goals(uow: UnitOfWork, enrolment_id: int) -> tuple[tuple[PersonalGoal, tuple[GoalRating, ...]], ...]:
    goals = uow.session.scalars(select(PersonalGoal).where(PersonalGoal.enrolment_id == enrolment_id)
                                .order_by(PersonalGoal.id)).all()
    ratings = uow.session.scalars(select(GoalRating).where(GoalRating.goal_id.in_([g.id for g in goals]))
                                  .order_by(GoalRating.rated_at, GoalRating.id)).all()
    return tuple((goal, tuple(r for r in ratings if r.goal_id == goal.id)) for goal in goals)


def _assessments(uow: UnitOfWork, patient_id: int) -> tuple[Assessment, ...]:
    """Newest first; three queries for the whole history, however long."""
    responses = uow.session.scalars(select(Response).where(Response.patient_id == patient_id)
                                    .order_by(Response.started_at.desc(), Response.id.desc())).all()
    ids = [r.id for r in responses]
    answers = uow.session.scalars(select(Answer).where(Answer.response_id.in_(ids)).order_by(Answer.id)).all()
    scores = uow.session.scalars(select(Score).where(Score.response_id.in_(ids)).order_by(Score.id)).all()
    return tuple(
        Assessment(response, tuple(_answered(response.instrument, a) for a in answers if a.response_id == response.id),
                   tuple(s for s in scores if s.response_id == response.id))
        for response in responses
    )


def _answered(instrument: str, answer: Answer) -> AnsweredItem:
    """The item's wording and the chosen option's label, where the instrument's licence lets us show them."""
    try:
        metadata = scoring.instruments(instrument)
        item = metadata.item(answer.item_id)
    except (scoring.ScoringError, KeyError, StopIteration):
        return AnsweredItem(answer.item_id, None, answer.value, None)
    if not metadata.wording_redistributable:
        return AnsweredItem(answer.item_id, None, answer.value, None)
    label = next((o.label for o in item.options if o.value == answer.value), None)
    return AnsweredItem(answer.item_id, item.text, answer.value, label)


def enrolment_of(uow: UnitOfWork, actor: Actor, patient_id: int, enrolment_id: int) -> Enrolment:
    """The patient's enrolment, within the actor's scope; NotFound when either is not theirs to see."""
    with uow:
        for enrolment, _code, _version in enrolments_of(uow, actor, patient_id):
            if enrolment.id == enrolment_id:
                return enrolment
    raise NotFound(f"no enrolment {enrolment_id} for patient {patient_id}")

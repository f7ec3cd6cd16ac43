""""What matters to me": a person's own domain weights and personal goals, agreed with their team.

Each change keeps what it replaces, so the LIS of any date can be explained by the weights then in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import select

import scoring
from prom_service.db.models import Enrolment, GoalRating, OutcomeSetVersion, PersonalGoal, PersonalWeights, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain import what_matters
from prom_service.feeds import feed
from prom_service.services import audit, outcome_sets
from prom_service.services.access import Actor
from prom_service.services.errors import InvalidInput, NotFound
from prom_service.services.patients import get_patient
from prom_service.services.scores import definition_version


def set_personal_weights(
    uow: UnitOfWork, actor: Actor, enrolment_id: int, weights: Mapping[str, float], agreed_with: str, now: datetime,
) -> int:
    """Replace the person's weights (the old set is kept, marked superseded)."""
    with uow:
        enrolment = _enrolment(uow, actor, enrolment_id)
        outcome_set = outcome_sets.outcome_set_of(uow.session.get(OutcomeSetVersion, enrolment.outcome_set_version_id))
        try:
            what_matters.effective_weights(outcome_set, weights)
        except what_matters.PersonalWeightError as error:
            raise InvalidInput({"weights": str(error)}) from None
        for old in uow.session.scalars(select(PersonalWeights).where(
                PersonalWeights.enrolment_id == enrolment_id, PersonalWeights.superseded_at.is_(None))):
            old.superseded_at = now
        row = PersonalWeights(enrolment_id=enrolment_id, weights=dict(weights), agreed_by=actor.label,
                              agreed_with=agreed_with, agreed_at=now)
        uow.session.add(row)
        audit.record(uow, actor, "personal_weights.set", now, patient_id=enrolment.patient_id,
                     target=f"enrolment:{enrolment_id}", weights=dict(weights), agreed_with=agreed_with)
        uow.commit()
        return row.id


@dataclass(frozen=True)
class NewGoal:
    text: str
    importance: int
    difficulty: int
    baseline_level: int = -1


def set_goal(uow: UnitOfWork, actor: Actor, enrolment_id: int, goal: NewGoal, now: datetime) -> int:
    """Record a personal goal; its GAS weight is importance × difficulty (Turner-Stokes 2009)."""
    try:
        what_matters.PersonalGoal(goal.text, goal.importance, goal.difficulty)
    except what_matters.PersonalGoalError as error:
        raise InvalidInput({"goal": str(error)}) from None
    if goal.baseline_level not in (-2, -1):
        raise InvalidInput({"baseline_level": "a goal starts at -1, or -2 when worse is possible"})
    with uow:
        enrolment = _enrolment(uow, actor, enrolment_id)
        row = PersonalGoal(enrolment_id=enrolment_id, text=goal.text, baseline_level=goal.baseline_level,
                           importance=goal.importance, difficulty=goal.difficulty, set_by=actor.label, set_at=now)
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow, actor, "personal_goal.set", now, patient_id=enrolment.patient_id, target=f"goal:{row.id}")
        uow.commit()
        return row.id


def rate_goals(uow: UnitOfWork, actor: Actor, enrolment_id: int, ratings: Mapping[int, int], now: datetime) -> float:
    """Rate every open goal at a review (−2…+2) and store the GAS T-score as a score for the LIS."""
    with uow:
        enrolment = _enrolment(uow, actor, enrolment_id)
        goals = uow.session.scalars(select(PersonalGoal).where(
            PersonalGoal.enrolment_id == enrolment_id, PersonalGoal.closed_at.is_(None)).order_by(PersonalGoal.id)).all()
        if not goals or set(ratings) != {g.id for g in goals}:
            raise InvalidInput({"ratings": f"rate every open goal: {sorted(g.id for g in goals)}"})
        result = scoring.score("gas", [ratings[g.id] for g in goals], weights=[g.importance * g.difficulty for g in goals])
        for goal in goals:
            uow.session.add(GoalRating(goal_id=goal.id, attainment=ratings[goal.id], rated_by=actor.label, rated_at=now,
                                       created_at=now))
        score = Score(
            patient_id=enrolment.patient_id, enrolment_id=enrolment_id, instrument="gas", scale=scoring.instruments("gas").primary_scale,
            value=result.value, band=None, flags=[], reason=result.reason, definition_version=definition_version(result),
            provenance={"goal_ids": [g.id for g in goals], "algorithm_version": result.algorithm_version},
            observed_at=now, created_at=now,
        )
        uow.session.add(score)
        feed.publish(uow, score)
        audit.record(uow, actor, "personal_goals.rated", now, patient_id=enrolment.patient_id,
                     target=f"enrolment:{enrolment_id}", t_score=result.value)
        uow.commit()
        return result.value


def _enrolment(uow: UnitOfWork, actor: Actor, enrolment_id: int) -> Enrolment:
    enrolment = uow.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise NotFound(f"no enrolment {enrolment_id}")
    get_patient(uow, actor, enrolment.patient_id)
    return enrolment

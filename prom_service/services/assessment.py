"""After the last answer: score every response, recompute the Life Improver Score, raise alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from prom_service.db.models import Enrolment, Invitation, OutcomeSetVersion, Response
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.services import alerting, life_improver, outcome_sets, scores


@dataclass(frozen=True)
class ScoreSummary:
    id: int
    instrument: str
    scale: str
    value: float | None
    value_text: str | None
    band: str | None
    flags: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class Outcome:
    """What an assessment produced, for the channel to show (e.g. safety text after a red flag)."""

    invitation_id: int
    scores: tuple[ScoreSummary, ...]
    life_improver_score: float | None
    life_improver_score_reason: str | None
    alerts: tuple[alerting.RaisedAlert, ...] = field(default=())

    @property
    def red_flag(self) -> bool:
        return any(alert.severity == "urgent" for alert in self.alerts)


def assess_invitation(uow: UnitOfWork, invitation: Invitation, now: datetime) -> Outcome:
    """Run the whole assessment inside the caller's transaction: all of it commits, or none."""
    enrolment = uow.session.get(Enrolment, invitation.enrolment_id)
    version = uow.session.get(OutcomeSetVersion, invitation.outcome_set_version_id)
    outcome_set = outcome_sets.outcome_set_of(version)
    responses = uow.session.scalars(select(Response).where(Response.invitation_id == invitation.id)).all()
    stored, answers = [], {}
    for response in responses:
        stored.extend(scores.score_response(uow, response, outcome_set, enrolment.id, now))
        answers[response.instrument] = scores.answers_of(uow, response)
    raised = alerting.evaluate_measures(uow, outcome_set, enrolment.patient_id, enrolment.id, stored, answers, now)
    lis = life_improver.compute_and_store(uow, enrolment, outcome_set, version.id, now, invitation.id, now=now)
    feed.publish(uow, *stored, lis)
    raised += alerting.evaluate_deterioration(uow, outcome_set, lis, now)
    return Outcome(
        invitation_id=invitation.id,
        scores=tuple(_summary(s) for s in stored),
        life_improver_score=lis.value, life_improver_score_reason=lis.reason, alerts=tuple(raised),
    )


def _summary(score) -> ScoreSummary:
    return ScoreSummary(score.id, score.instrument, score.scale, score.value, score.value_text, score.band,
                        tuple(score.flags or ()), score.reason)

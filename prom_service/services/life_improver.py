"""Computing and storing a person's Life Improver Score from the measurements of their domains."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import scoring
from prom_service.db.models import Answer, Enrolment, LifeImproverScore, PersonalWeights, Response, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.life_improver_score import DomainMeasurement, life_improver_score, measurements_in_window
from prom_service.domain.measure import Measure, MeasureKind
from prom_service.domain.outcome_set import OutcomeSet

DAYS_AT_HOME_INSTRUMENT = "days_at_home"


def compute_and_store(
    uow: UnitOfWork, enrolment: Enrolment, outcome_set: OutcomeSet, version_id: int, as_of: datetime,
    invitation_id: int | None = None, *, now: datetime | None = None,
) -> LifeImproverScore:
    """The LIS as of `as_of` from the latest value of each domain in the window, kept with its inputs.

    `now` is when it is stored (the service clock's time, so `_since` filters and the feed agree with the
    rest of the transaction); without it, the wall clock's."""
    window = outcome_set.life_improver_score.assessment_window_days
    observations = [
        (domain.name, measurement)
        for domain in outcome_set.domains
        for measurement in _observations(uow, enrolment.patient_id, domain.measure, as_of - timedelta(days=window), as_of)
    ]
    result = life_improver_score(
        outcome_set, measurements_in_window(observations, as_of, window), personal_weights_of(uow, enrolment.id)
    )
    row = LifeImproverScore(
        patient_id=enrolment.patient_id, enrolment_id=enrolment.id, outcome_set_version_id=version_id,
        invitation_id=invitation_id, value=None if result.value is None else round(result.value, 2),
        coverage=round(result.coverage, 4), reason=result.explanation, inputs=_inputs(result), observed_at=as_of,
        created_at=now or datetime.now(timezone.utc),
    )
    uow.session.add(row)
    uow.session.flush()
    return row


def personal_weights_of(uow: UnitOfWork, enrolment_id: int) -> dict[str, float] | None:
    """The weights agreed with the person, if any; None means the community's."""
    row = uow.session.scalar(select(PersonalWeights).where(
        PersonalWeights.enrolment_id == enrolment_id, PersonalWeights.superseded_at.is_(None)))
    return dict(row.weights) if row else None


def _inputs(result) -> dict:
    return {
        "outcome_set": f"{result.community}@v{result.outcome_set_version}",
        "weights": dict(result.weights),
        "missing": list(result.missing),
        "reason": result.reason,
        "domains": {
            name: {"raw": i.raw, "normalised": round(i.normalised, 4), "weight": i.weight, "source": i.source}
            for name, i in result.inputs.items()
        },
    }


def _observations(uow: UnitOfWork, patient_id: int, measure: Measure, start: datetime, end: datetime):
    if measure.kind is MeasureKind.INSTRUMENT_ITEM:
        return _item_observations(uow, patient_id, measure, start, end)
    instrument, scale = _score_source(measure)
    rows = uow.session.scalars(select(Score).where(
        Score.patient_id == patient_id, Score.instrument == instrument, Score.scale == scale,
        Score.value.is_not(None), Score.observed_at >= start, Score.observed_at <= end,
    ).order_by(Score.observed_at)).all()
    return [
        DomainMeasurement(row.value, f"score:{row.id}", row.observed_at)
        for row in rows if _matches(row, measure)
    ]


def _score_source(measure: Measure) -> tuple[str, str]:
    if measure.kind is MeasureKind.DAYS_AT_HOME:
        return DAYS_AT_HOME_INSTRUMENT, "days"
    return measure.instrument, measure.part


def _matches(row: Score, measure: Measure) -> bool:
    """Same value set as the domain asks (or the instrument's default); same look-back for days at home."""
    if measure.kind is MeasureKind.DAYS_AT_HOME:
        window = (row.provenance or {}).get("window_days")
        return window is None or window == measure.over_days
    wanted = measure.options.get("value_set") or scoring.instruments(measure.instrument).default_value_set
    return (row.provenance or {}).get("value_set") == wanted


def _item_observations(uow: UnitOfWork, patient_id: int, measure: Measure, start: datetime, end: datetime):
    rows = uow.session.execute(
        select(Answer.id, Answer.value, Answer.answered_at).join(Response, Response.id == Answer.response_id)
        .where(Response.patient_id == patient_id, Response.instrument == measure.instrument,
               Answer.item_id == measure.part, Answer.value.is_not(None),
               Answer.answered_at >= start, Answer.answered_at <= end)
    ).all()
    return [DomainMeasurement(float(value), f"answer:{answer_id}", at) for answer_id, value, at in rows]

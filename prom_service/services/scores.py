"""Scoring a stored response with the scoring library and keeping every scale with its provenance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

import scoring
from prom_service.db.models import Answer, Response, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.measure import MeasureKind
from prom_service.domain.outcome_set import OutcomeSet


def answers_of(uow: UnitOfWork, response: Response) -> dict[str, int | None]:
    rows = uow.session.execute(select(Answer.item_id, Answer.value).where(Answer.response_id == response.id))
    return {item_id: value for item_id, value in rows}


def value_sets_needed(outcome_set: OutcomeSet, instrument: str) -> list[str | None]:
    """The default value set plus any other the outcome set's domains ask for, e.g. EQ-5D `uk_2026`."""
    asked = {
        domain.measure.options.get("value_set") for domain in outcome_set.domains
        if domain.measure.instrument == instrument and domain.measure.kind is not MeasureKind.DAYS_AT_HOME
    }
    return [None, *sorted(v for v in asked if v and v != scoring.instruments(instrument).default_value_set)]


def score_response(
    uow: UnitOfWork, response: Response, outcome_set: OutcomeSet, enrolment_id: int, now: datetime
) -> list[Score]:
    """Score the response once per value set needed and store one row per scale."""
    answers = answers_of(uow, response)
    stored: list[Score] = []
    for value_set in value_sets_needed(outcome_set, response.instrument):
        options = {"value_set": value_set} if value_set else {}
        result = scoring.score(response.instrument, answers, **options)
        stored.extend(_rows(result, response, enrolment_id, now))
    uow.session.add_all(stored)
    uow.session.flush()
    return stored


def _rows(result: scoring.Result, response: Response, enrolment_id: int, now: datetime) -> list[Score]:
    metadata = scoring.instruments(result.instrument)
    provenance = {
        "instrument_version": result.instrument_version, "algorithm_version": result.algorithm_version,
        "value_set": result.value_set, "imputed_items": list(result.imputed_items), "response_id": response.id,
    }
    scales = result.scales or {metadata.primary_scale: None}
    return [
        Score(
            patient_id=response.patient_id, enrolment_id=enrolment_id, response_id=response.id,
            instrument=result.instrument, scale=scale,
            value=None if isinstance(value, str) or value is None else float(value),
            value_text=value if isinstance(value, str) else None, band=result.bands.get(scale),
            flags=list(result.flags) if scale == metadata.primary_scale else [],
            reason=result.reason if scale == metadata.primary_scale else None,
            definition_version=definition_version(result), provenance=provenance, observed_at=now, created_at=now,
        )
        for scale, value in scales.items()
    ]


def definition_version(result: scoring.Result) -> str:
    """`phq9/1` or `eq5d5l/1/england_2018`: instrument, algorithm version and value set."""
    parts = [result.instrument, str(result.algorithm_version)]
    return "/".join(parts + [result.value_set] if result.value_set else parts)

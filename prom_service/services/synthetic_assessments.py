"""Scoring synthetic assessments with the service's own rules, in bulk: every response through
`scoring.score_many`, days at home through the domain's counting rules, the Life Improver Score through
the domain function, and a feed event for each, so the synthetic database reads like a lived one.

What the live path does one assessment at a time (`assessment.assess_invitation`), this does for a
chunk at once; the rows are the same shape, and the tests re-score stored answers to prove it.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime, time, timedelta, timezone

import scoring
from prom_service.domain.days_at_home import DEFINITION_VERSION, Stay, count_days_at_home
from prom_service.domain.life_improver_score import DomainMeasurement, life_improver_score, measurements_in_window
from prom_service.domain.measure import MeasureKind
from prom_service.feeds.feed import LIS_INSTRUMENT, score_payload
from prom_service.services.days_at_home import INSTRUMENT as DAYS_INSTRUMENT, SCALE as DAYS_SCALE
from prom_service.services.days_at_home import _provenance as days_provenance
from prom_service.services.life_improver import _inputs as lis_inputs
from prom_service.services.scores import definition_version, value_sets_needed
from prom_service.services.synthetic_people import Assessment, Ids, Rows

ScoreRow = namedtuple("ScoreRow", "id patient_id enrolment_id response_id instrument scale value value_text band "
                                  "flags reason definition_version provenance observed_at")


def assess(assessments: list[Assessment], txid: int, ids: Ids, rows: Rows) -> None:
    """Score, days at home, LIS and feed events of every assessment, in assessment order."""
    results = _score_all(assessments)
    previous: dict[int, list] = {}
    for index, assessment in enumerate(assessments):
        stored = _days_at_home(assessment, ids) + _response_scores(assessment, results[index], ids)
        observations = _observations(assessment, stored)
        window = assessment.community.outcome_set.life_improver_score.assessment_window_days
        lis = _lis(assessment, previous.get(assessment.enrolment_id, []) + observations, window, ids)
        previous[assessment.enrolment_id] = observations
        for score in stored:
            rows.add("scores", (*score, assessment.at))
            rows.add("feed_events", (ids.take("feed_events"), txid, "score", "score.created", score.id,
                                     score.patient_id, score_payload(score), assessment.at))
        rows.add("life_improver_scores", lis)
        rows.add("feed_events", (ids.take("feed_events"), txid, "lis", "lis.computed", lis[0], assessment.patient_id,
                                 _lis_payload(assessment, lis), assessment.at))


def _score_all(assessments: list[Assessment]) -> list[dict[str, list]]:
    """Per assessment, per instrument, the results of each value set its outcome set asks for."""
    batches: dict[tuple[str, str | None], list[tuple[int, dict]]] = {}
    for index, assessment in enumerate(assessments):
        for instrument, (_, answers, _) in assessment.responses.items():
            for value_set in _value_sets(assessment, instrument):
                batches.setdefault((instrument, value_set), []).append((index, answers))
    results: list[dict[str, list]] = [{} for _ in assessments]
    for (instrument, value_set), members in batches.items():
        options = {"value_set": value_set} if value_set else {}
        batch = scoring.score_many(instrument, [answers for _, answers in members], **options)
        for position, (index, _) in enumerate(members):
            results[index].setdefault(instrument, []).append(batch.row(position))
    return results


_VALUE_SETS: dict[tuple[str, str], list] = {}


def _value_sets(assessment: Assessment, instrument: str) -> list:
    key = (assessment.community.code, instrument)
    if key not in _VALUE_SETS:
        _VALUE_SETS[key] = value_sets_needed(assessment.community.outcome_set, instrument)
    return _VALUE_SETS[key]


def _days_at_home(assessment: Assessment, ids: Ids) -> list[ScoreRow]:
    """As the nightly count would have it the day before answering, from the person's admissions."""
    rows = []
    as_of = (assessment.at - timedelta(days=1)).date()
    for domain in assessment.community.outcome_set.domains:
        window = domain.measure.over_days
        if domain.measure.kind is not MeasureKind.DAYS_AT_HOME:
            continue
        start = as_of - timedelta(days=window - 1)
        stays = [Stay(admitted, discharged, reference=f"cost_event:{event_id}")
                 for event_id, admitted, discharged in assessment.stays if admitted <= as_of and discharged > start]
        result = count_days_at_home(stays, as_of, window, None)
        rows.append(ScoreRow(ids.take("scores"), assessment.patient_id, assessment.enrolment_id, None, DAYS_INSTRUMENT,
                             DAYS_SCALE, float(result.value), None, None, [], None, DEFINITION_VERSION,
                             days_provenance(result, window, None),
                             datetime.combine(as_of, time(23, 59, 59), timezone.utc)))
    return rows


def _response_scores(assessment: Assessment, results: dict[str, list], ids: Ids) -> list[ScoreRow]:
    """One row per scale per value set, exactly as `scores.score_response` stores them."""
    rows = []
    for instrument, (response_id, _, _) in assessment.responses.items():
        metadata = scoring.instruments(instrument)
        for result in results.get(instrument, []):
            provenance = {"instrument_version": result.instrument_version,
                          "algorithm_version": result.algorithm_version, "value_set": result.value_set,
                          "imputed_items": list(result.imputed_items), "response_id": response_id}
            primary = metadata.primary_scale
            for scale, value in (result.scales or {primary: None}).items():
                rows.append(ScoreRow(
                    ids.take("scores"), assessment.patient_id, assessment.enrolment_id, response_id,
                    result.instrument, scale, None if isinstance(value, str) or value is None else float(value),
                    value if isinstance(value, str) else None, result.bands.get(scale),
                    list(result.flags) if scale == primary else [], result.reason if scale == primary else None,
                    definition_version(result), provenance, assessment.at))
    return rows


def _observations(assessment: Assessment, stored: list[ScoreRow]) -> list[tuple[str, DomainMeasurement]]:
    """Each domain's measurement from this assessment, chosen as `life_improver` chooses from stored rows."""
    by_source = {_source(score): score for score in stored if score.value is not None}
    found = []
    for name, measure, key in _domain_sources(assessment.community.code, assessment.community.outcome_set):
        if measure.kind is MeasureKind.INSTRUMENT_ITEM:
            response = assessment.responses.get(measure.instrument)
            value = response[1].get(measure.part) if response else None
            if value is not None:
                found.append((name, DomainMeasurement(float(value), f"answer:{response[2][measure.part]}",
                                                      assessment.at)))
        elif key in by_source:
            score = by_source[key]
            found.append((name, DomainMeasurement(score.value, f"score:{score.id}", score.observed_at)))
    return found


def _source(score: ScoreRow) -> tuple:
    """What a domain asks for: instrument, scale and value set (or, for days at home, the window)."""
    if score.instrument == DAYS_INSTRUMENT:
        return DAYS_INSTRUMENT, DAYS_SCALE, score.provenance.get("window_days")
    return score.instrument, score.scale, score.provenance.get("value_set")


_DOMAIN_SOURCES: dict[str, list] = {}


def _domain_sources(code: str, outcome_set) -> list:
    """(domain, measure, source key) per domain, as `life_improver._matches` reads value sets and windows."""
    if code not in _DOMAIN_SOURCES:
        found = []
        for domain in outcome_set.domains:
            measure, key = domain.measure, None
            if measure.kind is MeasureKind.DAYS_AT_HOME:
                key = (DAYS_INSTRUMENT, DAYS_SCALE, measure.over_days)
            elif measure.kind is MeasureKind.INSTRUMENT_SCALE:
                wanted = measure.options.get("value_set") or scoring.instruments(measure.instrument).default_value_set
                key = (measure.instrument, measure.part, wanted)
            found.append((domain.name, measure, key))
        _DOMAIN_SOURCES[code] = found
    return _DOMAIN_SOURCES[code]


def _lis(assessment: Assessment, observations, window: int, ids: Ids) -> tuple:
    community = assessment.community
    result = life_improver_score(community.outcome_set, measurements_in_window(observations, assessment.at, window))
    return (ids.take("life_improver_scores"), assessment.patient_id, assessment.enrolment_id, community.version_id,
            assessment.invitation_id, None if result.value is None else round(result.value, 2),
            round(result.coverage, 4), result.explanation, lis_inputs(result), assessment.at, assessment.at)


def _lis_payload(assessment: Assessment, lis: tuple) -> dict:
    """As `feed._lis_payload` writes it for a live LIS."""
    code, version = assessment.community.code, assessment.community.version
    return {
        "instrument": LIS_INSTRUMENT, "scale": code, "value": lis[5], "value_text": None, "band": None,
        "flags": [], "reason": lis[7], "definition_version": f"{code}@v{version}",
        "observed_at": assessment.at.isoformat(), "enrolment_id": assessment.enrolment_id,
        "life_improver_score": {"coverage": lis[6], "community": code, "outcome_set_version": version,
                                "invitation_id": assessment.invitation_id},
    }

"""FHIR search and read over scores, Life Improver Scores, responses and patients, within team scope.

Supported: `patient`, `code` ([system|]code), `_lastUpdated` (prefixes eq, ge, gt, le, lt), `_count`,
`_offset`. Any other parameter is refused (strict handling), so a caller never mistakes an ignored
filter for an applied one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from sqlalchemy import Select, and_, false, func, or_, select

import scoring
from prom_service.db.models import Answer, Community, LifeImproverScore, OutcomeSetVersion, Patient, Response, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import fhir_resources as fhir
from prom_service.services.access import Actor, visible_patients

PREFIXES = {"eq": "__eq__", "ge": "__ge__", "gt": "__gt__", "le": "__le__", "lt": "__lt__"}
COMMON = {"_count", "_offset", "_format"}
MAX_COUNT = 500


class SearchError(ValueError):
    """A search parameter we cannot honour; the message names it."""


@dataclass(frozen=True)
class Search:
    patient: int | None = None
    codes: tuple[tuple[str | None, str], ...] = ()
    updated: tuple[tuple[str, datetime], ...] = ()
    count: int = 50
    offset: int = 0


@dataclass(frozen=True)
class Page:
    total: int
    resources: list[dict[str, Any]] = field(default_factory=list)


def parse(args: Mapping[str, Sequence[str]], allowed: set[str]) -> Search:
    """Turn query parameters into a Search, or raise SearchError naming the parameter."""
    unknown = set(args) - allowed - COMMON
    if unknown:
        raise SearchError(f"unsupported search parameter(s): {', '.join(sorted(unknown))}")
    return Search(
        patient=_patient(args["patient"][-1]) if args.get("patient") else None,
        codes=tuple(_code(token) for value in args.get("code", []) for token in value.split(",")),
        updated=tuple(_updated(value) for value in args.get("_lastUpdated", [])),
        count=_bounded("_count", args.get("_count", ["50"])[-1], 0, MAX_COUNT),
        offset=_bounded("_offset", args.get("_offset", ["0"])[-1], 0, 10**9),
    )


def _patient(value: str) -> int:
    reference = value.removeprefix("Patient/")
    if not reference.isdigit():
        raise SearchError(f"patient: expected a Patient id, got {value!r}")
    return int(reference)


def _code(token: str) -> tuple[str | None, str]:
    system, bar, code = token.rpartition("|")
    if not code:
        raise SearchError(f"code: empty code in {token!r}")
    return (system or None) if bar else None, code


def _updated(value: str) -> tuple[str, datetime]:
    prefix, text = (value[:2], value[2:]) if value[:2] in PREFIXES else ("eq", value)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"_lastUpdated: not a FHIR date or dateTime: {value!r}") from None
    return prefix, moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _bounded(name: str, value: str, low: int, high: int) -> int:
    if not value.isdigit() or not low <= int(value) <= high:
        raise SearchError(f"{name}: expected a whole number from {low} to {high}, got {value!r}")
    return int(value)


def _scales_for(codes: Sequence[tuple[str | None, str]]) -> list[tuple[str, str]]:
    """(instrument, scale) pairs whose coding matches any of the searched codes."""
    return [
        (instrument, scale)
        for instrument in scoring.instruments() for scale in scoring.instruments(instrument).scale_ids
        if any(_matches(fhir.scale_coding(instrument, scale), system, code) for system, code in codes)
    ]


def _matches(coding: Mapping[str, str], system: str | None, code: str) -> bool:
    return coding["code"] == code and system in (None, coding["system"])


def _scoped(query: Select, column, actor: Actor, search: Search, updated_column) -> Select:
    if actor.team_ids is not None:
        query = query.where(column.in_(visible_patients(actor).with_only_columns(Patient.id)))
    if search.patient is not None:
        query = query.where(column == search.patient)
    for prefix, moment in search.updated:
        query = query.where(getattr(updated_column, PREFIXES[prefix])(moment))
    return query


def observations(uow: UnitOfWork, actor: Actor, search: Search) -> Page:
    """Score and LIS Observations, oldest first, one page of them and the total."""
    scores = _scoped(select(Score), Score.patient_id, actor, search, Score.created_at)
    lis = _scoped(select(LifeImproverScore), LifeImproverScore.patient_id, actor, search, LifeImproverScore.created_at)
    if search.codes:
        pairs = _scales_for(search.codes)
        scores = scores.where(or_(*(and_(Score.instrument == i, Score.scale == s) for i, s in pairs)) if pairs
                              else false())
        if not any(_matches(fhir.LIS_CODE, system, code) for system, code in search.codes):
            lis = lis.where(false())
    total = sum(uow.session.scalar(select(func.count()).select_from(q.subquery())) for q in (scores, lis))
    window = search.offset + search.count
    rows = list(uow.session.scalars(scores.order_by(Score.created_at, Score.id).limit(window)))
    rows += list(uow.session.scalars(lis.order_by(LifeImproverScore.created_at, LifeImproverScore.id).limit(window)))
    rows = sorted(rows, key=lambda r: (r.created_at, isinstance(r, LifeImproverScore), r.id))
    return Page(total, observation_resources(uow, rows[search.offset:window]))


def observation_resources(uow: UnitOfWork, rows: list[Score | LifeImproverScore]) -> list[dict[str, Any]]:
    siblings = _siblings(uow, [r for r in rows if isinstance(r, Score)])
    return [fhir.score_observation(r, siblings.get(r.id, [])) if isinstance(r, Score) else _lis(uow, r) for r in rows]


def _siblings(uow: UnitOfWork, scores: list[Score]) -> dict[int, list[Score]]:
    """The other scales of each primary scale's response and definition, to carry as components."""
    primary = [s for s in scores if s.response_id is not None
               and s.instrument in scoring.instruments() and s.scale == scoring.instruments(s.instrument).primary_scale]
    if not primary:
        return {}
    others = uow.session.scalars(select(Score).where(Score.response_id.in_({s.response_id for s in primary}))
                                 .order_by(Score.id)).all()
    return {p.id: [o for o in others if o.response_id == p.response_id and o.id != p.id
                   and o.definition_version == p.definition_version] for p in primary}


def _lis(uow: UnitOfWork, row: LifeImproverScore) -> dict[str, Any]:
    community, version = uow.session.execute(
        select(Community.code, OutcomeSetVersion.version).join(Community, Community.id == OutcomeSetVersion.community_id)
        .where(OutcomeSetVersion.id == row.outcome_set_version_id)).one()
    sources = [d.get("source", "") for d in (row.inputs or {}).get("domains", {}).values()]
    answer_ids = [int(s.split(":")[1]) for s in sources if s.startswith("answer:")]
    responses = uow.session.scalars(select(Answer.response_id).where(Answer.id.in_(answer_ids))).all() \
        if answer_ids else []
    derived = sorted({f"Observation/score-{s.split(':')[1]}" for s in sources if s.startswith("score:")}) \
        + sorted({f"QuestionnaireResponse/{r}" for r in responses})
    return fhir.lis_observation(row, community, version, derived)


def questionnaire_responses(uow: UnitOfWork, actor: Actor, search: Search) -> Page:
    """Responses with their answers, oldest first."""
    query = _scoped(select(Response), Response.patient_id, actor, search, Response.created_at)
    if search.codes:
        query = query.where(Response.instrument.in_([code for _, code in search.codes]))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = uow.session.scalars(query.order_by(Response.created_at, Response.id).offset(search.offset)
                               .limit(search.count)).all()
    return Page(total, response_resources(uow, list(rows)))


def response_resources(uow: UnitOfWork, rows: list[Response]) -> list[dict[str, Any]]:
    answers = uow.session.scalars(select(Answer).where(Answer.response_id.in_([r.id for r in rows]))).all()
    return [fhir.questionnaire_response(r, [a for a in answers if a.response_id == r.id]) for r in rows]


LARGEST_ID = 2**63 - 1


def read(uow: UnitOfWork, actor: Actor, resource_type: str, resource_id: str) -> dict[str, Any] | None:
    """One resource by its FHIR id, or None when it does not exist or the actor may not see it."""
    visible = visible_patients(actor).with_only_columns(Patient.id)
    kind, _, number = resource_id.rpartition("-")
    if not number.isdigit() or int(number) > LARGEST_ID:
        return None  # no row can have an id beyond a BIGINT, and PostgreSQL would refuse to compare one
    if resource_type == "Patient" and not kind:
        row = uow.session.scalar(visible_patients(actor).where(Patient.id == int(number)))
        return fhir.patient_resource(row) if row else None
    if resource_type == "QuestionnaireResponse" and not kind:
        row = uow.session.scalar(select(Response).where(Response.id == int(number), Response.patient_id.in_(visible)))
        return response_resources(uow, [row])[0] if row else None
    model = {("Observation", "score"): Score, ("Observation", "lis"): LifeImproverScore}.get((resource_type, kind))
    row = model and uow.session.scalar(select(model).where(model.id == int(number), model.patient_id.in_(visible)))
    return observation_resources(uow, [row])[0] if row else None

"""Where a Bulk Data export reads from: one batch of NDJSON lines at a time, in id order, per table.

Each resource type is one or more *sources* (Observation is the scores, then the Life Improver Scores).
A source reads `batch` rows with `id > after` and `id <= until` (the newest id when the export began,
so rows written during an export wait for the next one), within the key's team scope and `_since`, and
turns them into exactly the resources the FHIR read and search endpoints give, through
`fhir_resources`. Rows are read as plain column tuples rather than ORM objects, and what each batch
needs besides (sibling scales, answers, outcome-set names) is read in one query per batch, so an export
streams at tens of thousands of resources a second without holding more than one batch in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Sequence

import orjson
from sqlalchemy import ColumnElement, Select, and_, func, not_, select
from sqlalchemy.orm import Session

import scoring
from prom_service.db.base import read_json_fast
from prom_service.db.records import records
from prom_service.db.sql_functions import among_chosen, among_ids
from prom_service.db.models import Answer, Community, LifeImproverScore, OutcomeSetVersion, Patient, Response, Score
from prom_service.feeds import fhir_resources as fhir
from prom_service.services.access import Actor, visible_patients

SCORE_COLUMNS = (Score.id, Score.patient_id, Score.response_id, Score.instrument, Score.scale, Score.value,
                 Score.value_text, Score.band, Score.reason, Score.definition_version, Score.observed_at,
                 Score.created_at)
LIS_COLUMNS = (LifeImproverScore.id, LifeImproverScore.patient_id, LifeImproverScore.outcome_set_version_id,
               LifeImproverScore.value, LifeImproverScore.coverage, LifeImproverScore.reason,
               read_json_fast(LifeImproverScore.inputs),
               LifeImproverScore.observed_at, LifeImproverScore.created_at)
RESPONSE_COLUMNS = (Response.id, Response.patient_id, Response.instrument, Response.submitted_at, Response.started_at,
                    Response.created_at)
PATIENT_COLUMNS = (Patient.id, Patient.source, Patient.external_id, Patient.nhs_number, Patient.created_at)


@dataclass(frozen=True)
class Scope:
    """Whose resources and since when: the key's teams and the `_since` instant."""

    actor: Actor
    since: datetime | None = None


@dataclass(frozen=True)
class Batch:
    ndjson: bytes
    count: int
    last_id: int


@dataclass(frozen=True)
class Span:
    """The rows of one batch, and the condition true of exactly those rows: what a builder needs to find
    rows outside it without reading the batch again."""

    rows: list[Any]
    chosen: ColumnElement[bool]


@dataclass(frozen=True)
class Source:
    """One table feeding one resource type."""

    name: str
    model: Any
    patient_column: Any
    columns: tuple
    build: Callable[[Session, Span], Iterable[dict[str, Any]]]
    ids_by_created_at: bool = False  # an index on (id, created_at) answers a `_since` batch's ids alone

    def _filtered(self, query: Select, scope: Scope, until: int) -> Select:
        return query.where(*self._conditions(scope, until))

    def _conditions(self, scope: Scope, until: int) -> list[ColumnElement[bool]]:
        conditions = [self.model.id <= until]
        if scope.actor.team_ids is not None:
            conditions.append(self.patient_column.in_(visible_patients(scope.actor).with_only_columns(Patient.id)))
        if scope.since is not None:
            conditions.append(self.model.created_at > scope.since)
        return conditions

    def newest_id(self, session: Session) -> int:
        return session.scalar(select(func.max(self.model.id))) or 0

    def count(self, session: Session, scope: Scope, until: int) -> int:
        return session.scalar(self._filtered(select(func.count()).select_from(self.model), scope, until))

    def read(self, session: Session, scope: Scope, after: int, until: int, batch: int,
             rows: list[Any] | None = None) -> Batch | None:
        """The next batch of lines after `after`, or None when the source is exhausted; `rows`, when
        given, are that batch's rows (`rows()`), read ahead by the caller.

        Each resource is written as soon as it is built, so only the rows, never a batch of resources,
        are held: thousands of live dicts made the garbage collector rescan the whole heap every few batches.
        """
        rows = self.rows(session, scope, after, until, batch) if rows is None else rows
        if not rows:
            return None
        chosen = and_(*self._conditions(scope, until), self.model.id > after, self.model.id <= rows[-1].id)
        lines = [_line(resource) for resource in self.build(session, Span(rows, chosen))]
        return Batch(b"".join(lines), len(lines), rows[-1].id)

    def rows(self, session: Session, scope: Scope, after: int, until: int, batch: int) -> list[Any]:
        """The batch's rows in id order; with `_since`, their ids first, from the (id, created_at) index.

        Ids do not follow `created_at`, so a scan of the primary key fetched about eight rows for every
        one `_since` kept (60 ms a batch of 5,000 on the million-person database). The planner prefers
        that scan by itself, and joins an `IN (subquery)` by reading the whole table, hence the shape:
        the ids by an index-only scan, gathered into one array on the server, then only their rows.
        """
        query = self._filtered(select(*self.columns), scope, until).where(self.model.id > after)
        if scope.since is not None and self.ids_by_created_at:
            ids = self._filtered(select(self.model.id), scope, until).where(self.model.id > after)
            query = select(*self.columns).where(among_chosen(session, self.model.id,
                                                              ids.order_by(self.model.id).limit(batch)))
        return records(session.connection().execute(query.order_by(self.model.id).limit(batch)))


def _line(resource: dict[str, Any]) -> bytes:
    """One NDJSON line: orjson writes compact UTF-8 about ten times faster than the json module."""
    return orjson.dumps(resource, option=orjson.OPT_APPEND_NEWLINE)


@lru_cache(maxsize=None)
def _primary_scale(instrument: str) -> str | None:
    return scoring.instruments(instrument).primary_scale if instrument in scoring.instruments() else None


def score_resources(session: Session, span: Span) -> Iterator[dict[str, Any]]:
    """Score Observations; a primary scale carries its response's other scales, as `fhir_search` does.

    A response's scales are written together, so the batch nearly always holds them: only the scales
    the batch does not hold (at its edges, or left out by `_since`) are read, by one query per batch.
    """
    by_response: dict[int, list[Any]] = {}
    primaries = set()  # the ids of the primary scales
    for row in span.rows:
        if row.response_id is not None:
            by_response.setdefault(row.response_id, []).append(row)
            if row.scale == _primary_scale(row.instrument):
                primaries.add(row.id)
    if primaries:
        _add_outside(session, span, {row.response_id for row in span.rows if row.id in primaries}, by_response)
    for row in span.rows:
        siblings = [o for o in by_response[row.response_id] if o.id != row.id
                    and o.definition_version == row.definition_version] if row.id in primaries else ()
        yield fhir.score_observation(row, siblings)


def _add_outside(session: Session, span: Span, responses: set[int], by_response: dict[int, list[Any]]) -> None:
    """Add the scores of these responses that the batch does not hold, keeping each list in id order."""
    outside = records(session.connection().execute(select(*SCORE_COLUMNS).where(
        among_ids(session, Score.response_id, responses), not_(span.chosen)).order_by(Score.id)))
    for other in outside:
        by_response[other.response_id].append(other)
    for response_id in {other.response_id for other in outside}:
        by_response[response_id].sort(key=lambda score: score.id)


def lis_resources(session: Session, span: Span) -> list[dict[str, Any]]:
    """Life Improver Score Observations, their outcome sets and source responses read once per batch."""
    rows = span.rows
    versions = dict((row[0], (row[1], row[2])) for row in session.connection().execute(
        select(OutcomeSetVersion.id, Community.code, OutcomeSetVersion.version)
        .join(Community, Community.id == OutcomeSetVersion.community_id)
        .where(OutcomeSetVersion.id.in_({r.outcome_set_version_id for r in rows}))))
    sources = {r.id: [d.get("source", "") for d in (r.inputs or {}).get("domains", {}).values()] for r in rows}
    answer_ids = {int(s.split(":")[1]) for found in sources.values() for s in found if s.startswith("answer:")}
    response_of = dict(session.connection().execute(select(Answer.id, Answer.response_id)
                                                    .where(among_ids(session, Answer.id, answer_ids))).all()) \
        if answer_ids else {}
    resources = []
    for row in rows:
        found = sources[row.id]
        responses = {response_of[int(s.split(":")[1])] for s in found
                     if s.startswith("answer:") and int(s.split(":")[1]) in response_of}
        derived = sorted({f"Observation/score-{s.split(':')[1]}" for s in found if s.startswith("score:")}) \
            + sorted({f"QuestionnaireResponse/{r}" for r in responses})
        community, version = versions[row.outcome_set_version_id]
        resources.append(fhir.lis_observation(row, community, version, derived))
    return resources


def response_resources(session: Session, span: Span) -> list[dict[str, Any]]:
    """QuestionnaireResponses with their answers, read for the whole batch at once."""
    rows = span.rows
    answers: dict[int, list[Any]] = {row.id: [] for row in rows}
    for answer in session.connection().execute(select(Answer.response_id, Answer.item_id, Answer.value, Answer.answered_at)
                                  .where(among_ids(session, Answer.response_id, set(answers)))):
        answers[answer.response_id].append(answer)
    return [fhir.questionnaire_response(row, answers[row.id]) for row in rows]


def patient_resources(_session: Session, span: Span) -> list[dict[str, Any]]:
    return [fhir.patient_resource(row) for row in span.rows]


SOURCES: dict[str, Sequence[Source]] = {
    "Patient": (Source("patients", Patient, Patient.id, PATIENT_COLUMNS, patient_resources),),
    "Observation": (Source("scores", Score, Score.patient_id, SCORE_COLUMNS, score_resources,
                           ids_by_created_at=True),
                    Source("life_improver_scores", LifeImproverScore, LifeImproverScore.patient_id, LIS_COLUMNS,
                           lis_resources)),
    "QuestionnaireResponse": (Source("responses", Response, Response.patient_id, RESPONSE_COLUMNS,
                                     response_resources),),
}
TYPES = tuple(SOURCES)

"""Cost summaries: each enrolment's cost and each person's look-back cost, kept current as events arrive.

The value report needs, per enrolment, what care cost during it, and, per person, what care cost over
the segment look-back; adding those up from ten million cost events on every request is what made it
slow. So:

- `enrolment_costs` holds, per enrolment, the sum and latest start date of the person's events dated
  from the day they enrolled to the day they left (no end while they stay). A report as of an earlier
  day subtracts the later events, only where `last_start_date` says there are any.
- `patient_lookback_costs` holds each person's cost over the look-back period up to one day, the day
  named in `cost_summary_days`; the report ranks segments from it when asked about that day.

Both change in the transaction that writes the events: an import adds the events it actually inserted
(a duplicate adds nothing, so re-imports are idempotent), and any cost event or enrolment written
through the ORM is followed by `follow_orm_writes` (registered in `db.models.cost_summary`). Additions
commute, so concurrent imports stay right. Every day the scheduler rebuilds both from the events
(`roll`), which moves the look-back to the new day and would repair anything a crash or a manual SQL
edit left behind. Costs are never negative (the import refuses them), which the ranking relies on.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

from sqlalchemy import (
    BigInteger, Column, Date, MetaData, Numeric, Table, and_, case, delete, func, insert, or_, select,
    text,
)
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from prom_service.db.models import CostEvent, Enrolment, Patient
from prom_service.db.models.cost_summary import CostSummaryDay, EnrolmentCost, PatientLookbackCost
from prom_service.db.models.enrolment_summary import EnrolmentSummary
from prom_service.db.sql_functions import latest_of, upsert
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import enrolment_summaries
from prom_service.services.segments import REST, SegmentScheme, months_before

STATE_ID = 1
CHUNK = 5000  # ids per IN (...), inside both databases' bind-parameter limits

# Events just written and not yet summarised: a temporary table, so a 100k-row import is one statement.
new_events = Table(
    "new_cost_events", MetaData(),
    Column("patient_id", BigInteger), Column("start_date", Date), Column("cost", Numeric(14, 2)),
    prefixes=["TEMPORARY"],
)
NEW_EVENTS_DDL = "CREATE TEMPORARY TABLE new_cost_events (patient_id BIGINT, start_date DATE, cost NUMERIC(14, 2))"


def add_events(session: Session, events: Iterable[tuple[int, date, Decimal]]) -> None:
    """Add newly stored (patient_id, start_date, cost) events to the summaries, in the caller's transaction."""
    rows = [{"patient_id": p, "start_date": d, "cost": c} for p, d, c in events]
    if not rows:
        return
    connection = session.connection()
    connection.execute(text(NEW_EVENTS_DDL))
    connection.execute(insert(new_events), rows)
    if connection.dialect.name == "postgresql":
        # A new temporary table has no statistics: PostgreSQL would plan for 1,400 rows and scan every
        # enrolment to match them (25 ms at 20,000 enrolments, for the few texts a worker just sent).
        connection.execute(text("ANALYZE new_cost_events"))
    add_staged_events(connection)


def add_staged_events(connection: Connection) -> None:
    """Add the events staged in `new_cost_events` (created by the caller) to both summaries, then drop it."""
    _add_to_enrolment_costs(connection)
    state = _locked_state(connection, for_update=False)
    if state is not None:
        _add_to_lookback_costs(connection, *state)
    enrolment_summaries.copy_costs(connection, EnrolmentSummary.patient_id.in_(select(new_events.c.patient_id)))
    connection.execute(text("DROP TABLE new_cost_events"))


def within_enrolment(start_date, enrolled_at=Enrolment.enrolled_at, left_at=Enrolment.left_at) -> tuple:
    """An event counts for an enrolment from the day it began to the day it ended, if it has."""
    return (start_date >= func.date(enrolled_at), or_(left_at.is_(None), start_date <= func.date(left_at)))


def _add_to_enrolment_costs(connection: Connection) -> None:
    added = (
        select(Enrolment.id, Enrolment.patient_id, func.sum(new_events.c.cost), func.max(new_events.c.start_date))
        .join(new_events, and_(new_events.c.patient_id == Enrolment.patient_id,
                               *within_enrolment(new_events.c.start_date)))
        .where(Enrolment.id.is_not(None))  # SQLite's upsert needs a WHERE to parse INSERT … SELECT … ON CONFLICT
        .group_by(Enrolment.id, Enrolment.patient_id)
    )
    statement = upsert(connection, EnrolmentCost.__table__).from_select(
        ["enrolment_id", "patient_id", "cost", "last_start_date"], added)
    connection.execute(statement.on_conflict_do_update(index_elements=["enrolment_id"], set_={
        "cost": EnrolmentCost.__table__.c.cost + statement.excluded.cost,
        "last_start_date": latest_of(EnrolmentCost.__table__.c.last_start_date, statement.excluded.last_start_date),
    }))


def _add_to_lookback_costs(connection: Connection, day: date, months: int) -> None:
    added = (
        select(new_events.c.patient_id, func.sum(new_events.c.cost))
        .where(new_events.c.start_date > months_before(day, months), new_events.c.start_date <= day)
        .group_by(new_events.c.patient_id)
    )
    statement = upsert(connection, PatientLookbackCost.__table__).from_select(["patient_id", "spend"], added)
    connection.execute(statement.on_conflict_do_update(index_elements=["patient_id"], set_={
        "spend": PatientLookbackCost.__table__.c.spend + statement.excluded.spend,
    }))


def _locked_state(connection: Connection, *, for_update: bool) -> tuple[date, int] | None:
    """The look-back's day and months, locked so a rebuild and an addition never interleave."""
    query = select(CostSummaryDay.day, CostSummaryDay.lookback_months).where(CostSummaryDay.id == STATE_ID)
    row = connection.execute(query.with_for_update(read=not for_update)).first()
    return (row[0], row[1]) if row else None


def refresh_enrolments(session: Session, enrolment_ids: Iterable[int]) -> None:
    """Recompute these enrolments' rows from the stored events (a new enrolment, or one that ended)."""
    connection = session.connection()
    ordered = sorted(set(enrolment_ids))
    for start in range(0, len(ordered), CHUNK):
        chosen = ordered[start:start + CHUNK]
        connection.execute(delete(EnrolmentCost).where(EnrolmentCost.enrolment_id.in_(chosen)))
        connection.execute(_enrolment_costs_insert(Enrolment.id.in_(chosen)))
        enrolment_summaries.copy_costs(connection, EnrolmentSummary.enrolment_id.in_(chosen))


def _enrolment_costs_insert(*where):
    query = (
        select(Enrolment.id, Enrolment.patient_id, func.sum(CostEvent.cost), func.max(CostEvent.start_date))
        .join(CostEvent, and_(CostEvent.patient_id == Enrolment.patient_id, *within_enrolment(CostEvent.start_date)))
        .where(*where)
        .group_by(Enrolment.id, Enrolment.patient_id)
    )
    return insert(EnrolmentCost).from_select(["enrolment_id", "patient_id", "cost", "last_start_date"], query)


def rebuild(uow: UnitOfWork, day: date, lookback_months: int = 12, now: datetime | None = None) -> None:
    """Both summaries from every stored event, the look-back as of `day`, and the enrolment summaries,
    which copy them; one transaction, so no report sees the look-back of one day beside the other's."""
    with uow:
        connection = uow.session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL work_mem = '256MB'"))
        state = _locked_state(connection, for_update=True)
        connection.execute(delete(EnrolmentCost))
        connection.execute(_enrolment_costs_insert())
        connection.execute(delete(PatientLookbackCost))
        spend = (
            select(CostEvent.patient_id, func.sum(CostEvent.cost))
            .where(CostEvent.start_date > months_before(day, lookback_months), CostEvent.start_date <= day)
            .group_by(CostEvent.patient_id)
        )
        connection.execute(insert(PatientLookbackCost).from_select(["patient_id", "spend"], spend))
        values = {"day": day, "lookback_months": lookback_months, "rebuilt_at": now or datetime.now().astimezone()}
        if state is None:
            connection.execute(insert(CostSummaryDay).values(id=STATE_ID, **values))
        else:
            connection.execute(CostSummaryDay.__table__.update().where(CostSummaryDay.id == STATE_ID).values(**values))
        enrolment_summaries.rebuild_in(connection)
        uow.commit()


def roll(uow: UnitOfWork, now: datetime, lookback_months: int) -> Counter:
    """Rebuild when the summaries' day is not today (the scheduler asks every tick; it acts once a day)."""
    with uow:
        state = uow.session.execute(
            select(CostSummaryDay.day, CostSummaryDay.lookback_months).where(CostSummaryDay.id == STATE_ID)).first()
    if state is not None and tuple(state) == (now.date(), lookback_months):
        return Counter()
    rebuild(uow, now.date(), lookback_months, now)
    return Counter({"rebuilt": 1})


def lookback_segments(uow: UnitOfWork, scheme: SegmentScheme, as_of: date):
    """(query of (patient_id, segment) for people with some look-back cost, the segment of everybody
    else), or None when the summary is not of `as_of` and the caller must rank from the events."""
    tiers = lookback_tiers(uow, scheme, as_of, PatientLookbackCost.spend)
    if tiers is None:
        return None
    query = select(PatientLookbackCost.patient_id, tiers.label("segment")).where(PatientLookbackCost.spend > 0)
    return query, REST


def lookback_tiers(uow: UnitOfWork, scheme: SegmentScheme, as_of: date, spend):
    """The segment of a person whose look-back cost is `spend` (a column holding the summary's figure;
    NULL for no cost), or None when the summary is not of `as_of` and the caller must rank from the events.

    The same tiers as `segments.patient_segments` without sorting anyone: a person's share is the number
    of people costing at least as much, over everybody, and is within a tier's edge exactly when they
    cost more than the (k+1)-th costliest person, k being the most people the edge allows. That person
    is found along the index on `spend`. With no negative costs, people costing nothing share 1 and
    fall in the last tier."""
    state = uow.session.execute(
        select(CostSummaryDay.day, CostSummaryDay.lookback_months).where(CostSummaryDay.id == STATE_ID)).first()
    if state is None or tuple(state) != (as_of, scheme.lookback_months):
        return None
    people = uow.session.scalar(select(func.count()).select_from(Patient))
    tiers = [(spend > _threshold(most_within(segment.upper_share, people)), segment.code)
             for segment in scheme.segments if segment.upper_share is not None]
    return case(*tiers, else_=REST)


def most_within(share: float, people: int) -> int:
    """The most people k with k / people ≤ share, compared in floating point as cume_dist() is."""
    k = min(int(share * people), people)
    while k < people and (k + 1) / people <= share:
        k += 1
    while k > 0 and k / people > share:
        k -= 1
    return k


def _threshold(k: int):
    """The (k+1)-th highest look-back cost, or 0 when fewer people than that have any."""
    spend = PatientLookbackCost.spend
    ranked = select(spend).where(spend > 0).order_by(spend.desc()).offset(k).limit(1).scalar_subquery()
    return func.coalesce(ranked, 0)


def follow_orm_writes(session: Session) -> None:
    """After a flush: summarise cost events added through the ORM, and recompute enrolments that began
    or ended.

    The SMS sender records each message's cost this way, and enrolling happens this way; the bulk
    import calls `add_events` itself."""
    events = [(o.patient_id, o.start_date, o.cost) for o in session.new if isinstance(o, CostEvent)]
    enrolments = [o.id for o in session.new if isinstance(o, Enrolment)]
    enrolments += [o.id for o in session.dirty if isinstance(o, Enrolment) and _period_changed(o)]
    if events:
        add_events(session, events)
    if enrolments:
        refresh_enrolments(session, enrolments)


def _period_changed(enrolment: Enrolment) -> bool:
    """Did this flush move the enrolment's first or last day (it began, or the person left)?"""
    attributes = inspect(enrolment).attrs
    return attributes.enrolled_at.history.has_changes() or attributes.left_at.history.has_changes()

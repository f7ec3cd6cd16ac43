"""Enrolment summaries: each enrolment's first and last LIS, invitation counts and latest days at home,
kept current as those rows are written.

The value report needs these per enrolment; working them out from two million LIS rows, three million
invitations and the days-at-home scores on every request is what kept it slow once costs were
summarised (`cost_summaries`). So `enrolment_summaries` holds one row per enrolment with the figures as
of now and `last_activity_at`, the latest moment they depend on. A report as of an earlier day works the
few enrolments with later activity out from the rows themselves (`firsts_and_lasts`, `invitation_counts`,
`latest_days_at_home`, the same queries the summary is built from), so it stays exact as of any day.

Rows change in the transaction that writes what they summarise: every LIS, invitation and score is
written through the ORM (`life_improver.compute_and_store`, `invitation_planning.record_transition`,
`days_at_home`), and `follow_orm_writes` (registered in `db.models.enrolment_summary`) recomputes the
enrolments a flush touched. Recomputing, unlike adding, must not interleave: on PostgreSQL each
enrolment is locked (an advisory lock, in id order) before its row is recomputed, so a concurrent writer
waits and then sees the other's committed rows. The nightly cost-summaries job rebuilds every row
(`rebuild`), as does the synthetic loader, whose COPY bypasses the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import ARRAY, Float, and_, case, cast, delete, func, insert, select, text
from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from prom_service.db.models import Enrolment, Invitation, LifeImproverScore, Patient, Score
from prom_service.db.models.cost_summary import EnrolmentCost, PatientLookbackCost
from prom_service.db.models.enrolment_summary import EnrolmentSummary
from prom_service.db.sql_functions import latest_of, upsert
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.measure import DAYS_AT_HOME

SENT_STATUSES = ("sent", "reminded", "partial", "completed", "expired")
CHUNK = 5000  # ids per IN (...), inside both databases' bind-parameter limits
LOCK_SPACE = 1001  # the advisory-lock class of enrolment summaries (the key is the enrolment id)
COLUMNS = ("enrolment_id", "patient_id", "baseline_lis", "latest_lis", "invitations_sent", "invitations_completed",
           "days_at_home", "last_activity_at", "community_id", "outcome_set_version_id", "enrolled_at", "left_at", "lsoa",
           "cost", "cost_through", "lookback_spend")
COSTS = ("cost", "cost_through", "lookback_spend")  # written by `copy_costs` once a row exists


# --- per-enrolment figures from the rows themselves, as of a moment (None: everything stored) ---

def _up_to(column, end_of_day: datetime | None) -> tuple:
    return () if end_of_day is None else (column <= end_of_day,)


def _among(column, ids) -> tuple:
    return () if ids is None else (column.in_(ids),)


def firsts_and_lasts(end_of_day: datetime | None, enrolment_ids, postgres: bool):
    """Per enrolment: the first LIS with a value, the last when it is another assessment, and when the
    last was observed."""
    builder = _firsts_and_lasts_by_arrays if postgres else _firsts_and_lasts_by_ranking
    return builder((*_among(LifeImproverScore.enrolment_id, enrolment_ids), LifeImproverScore.value.is_not(None),
                    *_up_to(LifeImproverScore.observed_at, end_of_day)))


def _firsts_and_lasts_by_ranking(where: tuple):
    """One sort: each score's position in its enrolment and how many the enrolment has, from one window."""
    enrolment = LifeImproverScore.enrolment_id
    ranked = select(
        enrolment, LifeImproverScore.value, LifeImproverScore.observed_at,
        func.row_number().over(partition_by=enrolment, order_by=(LifeImproverScore.observed_at, LifeImproverScore.id))
        .label("position"),
        func.count().over(partition_by=enrolment).label("scored"),
    ).where(*where).subquery("ranked_lis")
    last = and_(ranked.c.position == ranked.c.scored, ranked.c.scored > 1)
    return select(
        ranked.c.enrolment_id,
        func.max(case((ranked.c.position == 1, ranked.c.value))).label("baseline"),
        func.max(case((last, ranked.c.value))).label("latest"),
        func.max(ranked.c.observed_at).label("last_at"),
    ).group_by(ranked.c.enrolment_id).subquery("lis")


def _in_order(observed_at, row_id, value):
    """(when, row id, value) as one float8 array, so min() and max() give a group's first and last row
    with one pass and no sort. Floats keep the order: near today's epoch a double resolves a fraction of
    a microsecond, and ids stay exact below 2^53; the value itself is a float8 and comes back unchanged."""
    return postgresql.array((cast(func.extract("epoch", observed_at), Float), cast(row_id, Float), value),
                            type_=Float)


def _firsts_and_lasts_by_arrays(where: tuple):
    """As `_firsts_and_lasts_by_ranking`, on PostgreSQL, by the first and last of each enrolment's arrays."""
    ordered = _in_order(LifeImproverScore.observed_at, LifeImproverScore.id, LifeImproverScore.value)
    return select(
        LifeImproverScore.enrolment_id,
        func.min(ordered, type_=ARRAY(Float))[3].label("baseline"),
        case((func.count() > 1, func.max(ordered, type_=ARRAY(Float))[3])).label("latest"),
        func.max(LifeImproverScore.observed_at).label("last_at"),
    ).where(*where).group_by(LifeImproverScore.enrolment_id).subquery("lis")


def invitation_counts(end_of_day: datetime | None, enrolment_ids):
    """Per enrolment: invitations due by then that were sent (or went further), those completed, and the
    latest due time among the ones counted (an invitation not sent counts nowhere, whenever it is due)."""
    counted = Invitation.status.in_(SENT_STATUSES)
    return (
        select(
            Invitation.enrolment_id,
            func.sum(case((counted, 1), else_=0)).label("sent"),
            func.sum(case((Invitation.status == "completed", 1), else_=0)).label("completed"),
            func.max(case((counted, Invitation.due_at))).label("last_at"),
        )
        .where(*_among(Invitation.enrolment_id, enrolment_ids), *_up_to(Invitation.due_at, end_of_day))
        .group_by(Invitation.enrolment_id)
        .subquery("invitation_counts")
    )


def latest_days_at_home(end_of_day: datetime | None, patient_ids, postgres: bool):
    """Per person: the latest days-at-home score with a value, and when it was observed."""
    where = (Score.instrument == DAYS_AT_HOME, Score.value.is_not(None), *_among(Score.patient_id, patient_ids),
             *_up_to(Score.observed_at, end_of_day))
    if postgres:
        ordered = _in_order(Score.observed_at, Score.id, Score.value)
        return select(Score.patient_id, func.max(ordered, type_=ARRAY(Float))[3].label("value"),
                      func.max(Score.observed_at).label("last_at")).where(*where) \
            .group_by(Score.patient_id).subquery("days_at_home")
    ranked = select(
        Score.patient_id, Score.value, Score.observed_at,
        func.row_number().over(partition_by=Score.patient_id, order_by=(Score.observed_at.desc(), Score.id.desc()))
        .label("rank"),
    ).where(*where).subquery("ranked_days_at_home")
    return select(ranked.c.patient_id, ranked.c.value, ranked.c.observed_at.label("last_at")) \
        .where(ranked.c.rank == 1).subquery("days_at_home")


# --- keeping the table current ---

def _summary_rows(postgres: bool, enrolment_ids=None):
    """(enrolment, figures, last activity) for the enrolments given, or all of them."""
    patient_ids = None if enrolment_ids is None else select(Enrolment.patient_id).where(Enrolment.id.in_(enrolment_ids))
    lis = firsts_and_lasts(None, enrolment_ids, postgres)
    invited = invitation_counts(None, enrolment_ids)
    at_home = latest_days_at_home(None, patient_ids, postgres)
    return (
        select(
            Enrolment.id, Enrolment.patient_id, lis.c.baseline, lis.c.latest,
            func.coalesce(invited.c.sent, 0), func.coalesce(invited.c.completed, 0), at_home.c.value,
            latest_of(lis.c.last_at, invited.c.last_at, at_home.c.last_at),
            Enrolment.community_id, Enrolment.outcome_set_version_id, Enrolment.enrolled_at, Enrolment.left_at,
            Patient.lsoa, func.coalesce(EnrolmentCost.cost, 0), EnrolmentCost.last_start_date,
            PatientLookbackCost.spend,
        )
        .join(Patient, Patient.id == Enrolment.patient_id)
        .outerjoin(EnrolmentCost, EnrolmentCost.enrolment_id == Enrolment.id)
        .outerjoin(PatientLookbackCost, PatientLookbackCost.patient_id == Enrolment.patient_id)
        .outerjoin(lis, lis.c.enrolment_id == Enrolment.id)
        .outerjoin(invited, invited.c.enrolment_id == Enrolment.id)
        .outerjoin(at_home, at_home.c.patient_id == Enrolment.patient_id)
        .where(*_among(Enrolment.id, enrolment_ids))
    )


def refresh(session: Session, enrolment_ids: Iterable[int]) -> None:
    """Recompute these enrolments' rows from what is stored, in the caller's transaction. The costs of a
    row that exists are left to `copy_costs`, which the cost summaries call after each change: a copy
    taken here from an older snapshot could otherwise overwrite a concurrent writer's newer one."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    ordered = sorted(set(enrolment_ids))
    for start in range(0, len(ordered), CHUNK):
        chosen = ordered[start:start + CHUNK]
        if postgres:
            _lock(connection, chosen)
        statement = upsert(connection, EnrolmentSummary.__table__).from_select(COLUMNS, _summary_rows(postgres, chosen))
        connection.execute(statement.on_conflict_do_update(
            index_elements=["enrolment_id"],
            set_={column: statement.excluded[column] for column in COLUMNS[1:] if column not in COSTS}))


def copy_costs(connection: Connection, *where) -> None:
    """Copy the cost summaries' figures into the rows chosen by `where` (over `enrolment_summaries`), in
    the caller's transaction, after the cost summaries changed: each statement reads what is committed
    and this transaction's own writes, and the cost summaries' rows stay locked by this transaction's
    additions until it commits, so the last copy made is of the latest figures."""
    summaries = EnrolmentSummary.__table__
    of_enrolment = EnrolmentCost.enrolment_id == summaries.c.enrolment_id
    connection.execute(summaries.update().where(*where).values(
        cost=func.coalesce(select(EnrolmentCost.cost).where(of_enrolment).scalar_subquery(), 0),
        cost_through=select(EnrolmentCost.last_start_date).where(of_enrolment).scalar_subquery(),
        lookback_spend=select(PatientLookbackCost.spend)
        .where(PatientLookbackCost.patient_id == summaries.c.patient_id).scalar_subquery(),
    ))


def _lock(connection: Connection, ordered_ids: list[int]) -> None:
    """Hold each enrolment until commit, in id order (so two writers never wait on each other in a
    cycle): a concurrent writer recomputes after this transaction commits, and then sees its rows."""
    connection.execute(text(
        "SELECT count(pg_advisory_xact_lock(:space, CAST(id % 2147483647 AS integer))) "
        "FROM (SELECT unnest(CAST(:ids AS bigint[])) AS id ORDER BY 1) AS chosen"),
        {"space": LOCK_SPACE, "ids": ordered_ids})


def rebuild(uow: UnitOfWork) -> None:
    """Every enrolment's row from every stored score and invitation; one transaction, set-based."""
    with uow:
        rebuild_in(uow.session.connection())
        uow.commit()


def rebuild_in(connection: Connection) -> None:
    """`rebuild` in the caller's transaction. On PostgreSQL the table is locked against writers first,
    so a transaction that summarised a row before the rebuild commits before it reads, and one that
    summarises after waits for the rebuild."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("SET LOCAL work_mem = '256MB'"))
        connection.execute(text("LOCK TABLE enrolment_summaries IN SHARE ROW EXCLUSIVE MODE"))
    connection.execute(delete(EnrolmentSummary))
    connection.execute(insert(EnrolmentSummary).from_select(COLUMNS, _summary_rows(postgres)))


def follow_orm_writes(session: Session) -> None:
    """After a flush: recompute the enrolments whose LIS, counted invitations or days at home it changed,
    and give new enrolments their row."""
    enrolments: set[int] = set()
    patients: set[int] = set()
    for state, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for row in objects:
            if isinstance(row, LifeImproverScore):
                enrolments.add(row.enrolment_id)
            elif isinstance(row, Invitation) and _counts_differently(row, state):
                enrolments.add(row.enrolment_id)
            elif isinstance(row, Score) and row.instrument == DAYS_AT_HOME:
                patients.add(row.patient_id)
            elif isinstance(row, Enrolment) and (state == "new" or _copied_fields_changed(row, ENROLMENT_FIELDS)):
                enrolments.add(row.id)
            elif isinstance(row, Patient) and state == "dirty" and _copied_fields_changed(row, ("lsoa",)):
                patients.add(row.id)
    if patients:
        enrolments.update(session.scalars(select(Enrolment.id).where(Enrolment.patient_id.in_(sorted(patients)))))
    if enrolments:
        refresh(session, enrolments)


ENROLMENT_FIELDS = ("community_id", "outcome_set_version_id", "enrolled_at", "left_at")


def _copied_fields_changed(row, fields: tuple[str, ...]) -> bool:
    """Did this flush change a field the summary row copies (a person leaving, or moving house)?"""
    attributes = inspect(row).attrs
    return any(getattr(attributes, field).history.has_changes() for field in fields)


def _counts_differently(invitation: Invitation, state: str) -> bool:
    """Could this write change the enrolment's counts? A planned invitation counts nowhere, so planning,
    deferring a planned one and reminding (sent to reminded) change nothing; sending, completing and
    moving the due date of a counted one do."""
    if state != "dirty":
        return invitation.status in SENT_STATUSES
    attributes = inspect(invitation).attrs
    if attributes.due_at.history.has_changes() and invitation.status in SENT_STATUSES:
        return True
    history = attributes.status.history
    if not history.has_changes():
        return False
    before = history.deleted[0] if history.deleted else None
    return (before in SENT_STATUSES) != (invitation.status in SENT_STATUSES) \
        or (before == "completed") != (invitation.status == "completed")

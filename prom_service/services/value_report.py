"""The value report: per community, outcome gained next to what care cost, by segment and by decile.

Everything row-sized happens in the database. One query builds a row per enrolment (baseline and latest
LIS, cost inside the enrolment period, days enrolled, invitations, latest days at home, usage segment,
deprivation decile), then sums those rows per (community, segment, decile). For everyone, as of the day
the look-back cost is summarised for (today, as the nightly job leaves it), that row is the enrolment's
summary row (`prom_service.services.enrolment_summaries`), which carries all of it, so the report is one
scan of that table with the decile looked up; the few enrolments with activity after the report date are
worked out from their rows. Otherwise (another day, or a team-scoped caller) each enrolment is joined to
its person, segment, summaries and costs (`prom_service.services.cost_summaries`). Python only adds up
those few dozen tallies into the overall, per-segment and per-decile figures
(`prom_service.domain.value_figures` says what each figure means).

The report is as of a date: LIS and days-at-home scores observed by then, costs with start dates inside
each enrolment up to then, invitations due by then. A team-scoped caller sees only its patients.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal

from sqlalchemy import Date, Integer, and_, case, func, literal, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from prom_service.db.models import Community, CostEvent, DeprivationDecile, Enrolment, OutcomeSetVersion, Patient
from prom_service.db.models.cost_summary import EnrolmentCost
from prom_service.db.models.enrolment_summary import EnrolmentSummary
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.outcome_set import DEFAULT_LIS_MID
from prom_service.domain.value_figures import Tally, ValueFigures, figures
from prom_service.services.access import Actor, patient_visible
from prom_service.services.errors import NotFound
from prom_service.services import cost_summaries, enrolment_summaries
from prom_service.services.segments import REST, Segment, SegmentScheme, patient_segments

DECILES = tuple(range(1, 11))
LISTED_AT_MOST = 5000  # enrolments with later activity passed as a list of ids (within bind-parameter limits)


@dataclass(frozen=True)
class CommunityValue:
    community: str
    name: str
    overall: ValueFigures
    by_segment: tuple[tuple[Segment, ValueFigures], ...]
    by_deprivation_decile: tuple[tuple[int | None, ValueFigures], ...]


@dataclass(frozen=True)
class ValueReport:
    as_of: date
    segment_lookback_months: int
    communities: tuple[CommunityValue, ...]


def value_report(
    uow: UnitOfWork, actor: Actor, scheme: SegmentScheme, as_of: date, community: str | None = None
) -> ValueReport:
    """The value report as of `as_of`, for one community (by code) or all of them."""
    with uow:
        _allow_memory_for_sorting(uow)
        communities = _communities(uow, community)
        tallies = _tallies(uow, actor, scheme, as_of, [row.id for row in communities])
        return ValueReport(as_of, scheme.lookback_months, tuple(
            _community_value(row, tallies.get(row.id, {}), scheme) for row in communities
        ))


def _allow_memory_for_sorting(uow: UnitOfWork) -> None:
    """Settings for this one transaction, each measured at a million enrolments (benchmarks/value_report.py):
    enough work_mem for the per-enrolment aggregates to stay in memory (PostgreSQL's 4 MB default sends
    them to disk); no JIT, which costs about a second to compile this query and saves nothing; and no
    parallel workers, because each worker would rebuild every per-enrolment aggregate for itself."""
    if uow.session.get_bind().dialect.name == "postgresql":
        for setting in ("work_mem = '256MB'", "jit = off", "max_parallel_workers_per_gather = 0"):
            uow.session.execute(text(f"SET LOCAL {setting}"))


def _communities(uow: UnitOfWork, code: str | None) -> list[Community]:
    query = select(Community).order_by(Community.code)
    rows = list(uow.session.scalars(query.where(Community.code == code) if code else query))
    if code and not rows:
        raise NotFound(f"no community {code!r}")
    return rows


def _community_value(community: Community, tallies: dict, scheme: SegmentScheme) -> CommunityValue:
    by_segment, by_decile = defaultdict(Tally), defaultdict(Tally)
    for (segment, decile), tally in tallies.items():
        by_segment[segment] += tally
        by_decile[decile] += tally
    deciles = DECILES + ((None,) if None in by_decile else ())
    return CommunityValue(
        community.code, community.name, figures(sum(tallies.values(), Tally())),
        tuple((segment, figures(by_segment[segment.code])) for segment in scheme.segments),
        tuple((decile, figures(by_decile[decile])) for decile in deciles),
    )


class days_between(FunctionElement):
    """Whole days from the first date to the second, on either database."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({end} - {start})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def _tallies(uow: UnitOfWork, actor: Actor, scheme: SegmentScheme, as_of: date, community_ids: list[int]) -> dict:
    """{community_id: {(segment, decile): Tally}}: for everyone, one scan of the enrolment summaries when
    the look-back summary is of the report's day, plus the few enrolments with later activity worked out
    from their rows; otherwise (or for a team) every enrolment joined to what it needs."""
    if not community_ids:
        return {}
    end_of_day = datetime.combine(as_of, time.max, timezone.utc)
    later = _later_enrolments_and_people(uow, EnrolmentSummary.last_activity_at > end_of_day)
    tiers = None if actor.team_ids is not None else \
        cost_summaries.lookback_tiers(uow, scheme, as_of, EnrolmentSummary.lookback_spend)
    if tiers is None:
        return _grouped(uow, _cycles(uow, actor, scheme, as_of, community_ids, later))
    tallies = _grouped(uow, _summarised_cycles(uow, tiers, as_of, community_ids), hash_only=True)
    if not isinstance(later[0], list) or later[0]:
        only_later = _cycles(uow, actor, scheme, as_of, community_ids, later, only_later_with=tiers)
        for community_id, added in _grouped(uow, only_later).items():
            for key, tally in added.items():
                tallies[community_id][key] = tallies[community_id].get(key, Tally()) + tally
    return tallies


def _grouped(uow: UnitOfWork, cycles, hash_only: bool = False) -> dict:
    """The rows of `cycles` (one per enrolment) summed per (community, segment, decile). `hash_only`: the
    groups are a few dozen, but PostgreSQL cannot tell from a CASE over costs and a looked-up decile and
    would sort a million rows to group them (2-3 times slower at a million, measured)."""
    if hash_only and uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("SET LOCAL enable_sort = off"))
    paired = and_(cycles.c.baseline.is_not(None), cycles.c.latest.is_not(None)).label("paired")
    change = cycles.c.latest - cycles.c.baseline  # NULL unless paired
    query = select(
        cycles.c.community_id, cycles.c.segment, cycles.c.decile, paired,
        func.count(), func.sum(cycles.c.sent), func.sum(cycles.c.completed),
        func.sum(cycles.c.baseline), func.sum(cycles.c.latest), func.sum(change), func.sum(change * change),
        func.sum(case((change >= cycles.c.mid, 1), else_=0)),
        func.sum(cycles.c.cost), func.sum(cycles.c.days), func.count(cycles.c.days_at_home),
        func.sum(cycles.c.days_at_home),
    ).group_by(cycles.c.community_id, cycles.c.segment, cycles.c.decile, paired)
    tallies: dict = defaultdict(dict)
    for community_id, segment, decile, is_paired, *sums in uow.session.execute(query):
        key = (segment, decile)
        tallies[community_id][key] = tallies[community_id].get(key, Tally()) + _tally(bool(is_paired), sums)
    if hash_only and uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("SET LOCAL enable_sort = on"))
    return tallies


def _tally(paired: bool, sums: list) -> Tally:
    """The tally of one group, whose enrolments all have a baseline and a follow-up LIS or none has
    (grouping by that, rather than summing a CASE per figure, costs a quarter of the time at a million)."""
    people, sent, completed, baseline, latest, change, squared, improved, cost, days, dah_people, dah_sum = sums
    lis = (people, float(baseline or 0), float(latest or 0), float(change or 0), float(squared or 0),
           int(improved or 0), _decimal(cost)) if paired else (0, 0.0, 0.0, 0.0, 0.0, 0, Decimal("0.00"))
    return Tally(
        people, lis[0], int(sent or 0), int(completed or 0), *lis[1:6], _decimal(cost), lis[6],
        int(days or 0), dah_people, float(dah_sum or 0),
    )


def _decimal(value) -> Decimal:
    """Sums of money arrive as Decimal on PostgreSQL and may arrive as float on SQLite."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _summarised_cycles(uow: UnitOfWork, tiers, as_of: date, community_ids: list[int]):
    """One row per enrolment in the communities with nothing after the report date but costs, all read
    from its summary row (the decile looked up by LSOA, the segment from its look-back cost)."""
    end_of_day = datetime.combine(as_of, time.max, timezone.utc)
    summary = EnrolmentSummary
    enrolled_on = func.date(summary.enrolled_at)
    ends_on = case((summary.left_at < end_of_day, func.date(summary.left_at)), else_=literal(as_of, Date))
    return (
        select(
            summary.community_id, tiers.label("segment"), DeprivationDecile.decile,
            summary.baseline_lis.label("baseline"), summary.latest_lis.label("latest"),
            _mid_of(uow, community_ids, summary.outcome_set_version_id).label("mid"),
            _cost_in_enrolment(summary.cost, summary.cost_through, ends_on, summary.patient_id,
                               summary.enrolled_at, summary.left_at).label("cost"),
            (days_between(enrolled_on, ends_on) + 1).label("days"),
            summary.invitations_sent.label("sent"), summary.invitations_completed.label("completed"),
            summary.days_at_home.label("days_at_home"),
        )
        .outerjoin(DeprivationDecile, DeprivationDecile.lsoa == summary.lsoa)
        .where(summary.community_id.in_(community_ids), summary.enrolled_at <= end_of_day,
               or_(summary.last_activity_at.is_(None), summary.last_activity_at <= end_of_day))
        .subquery("cycles")
    )


def _cycles(uow: UnitOfWork, actor: Actor, scheme: SegmentScheme, as_of: date, community_ids: list[int], later,
            only_later_with=None):
    """One row per enrolment in the communities, with everything the tallies sum, joined from the
    enrolment, the person, the segments and the summaries; or, given the segment of a summary row
    (`only_later_with`), only the enrolments with `later` activity, in the segments their rows give."""
    end_of_day = datetime.combine(as_of, time.max, timezone.utc)
    report_day = literal(as_of, Date)
    enrolled_on = func.date(Enrolment.enrolled_at)
    ends_on = case((Enrolment.left_at < end_of_day, func.date(Enrolment.left_at)), else_=report_day)
    summary, joined = _summary_or_later(uow, end_of_day, later)
    if only_later_with is None:
        segments, everybody_else = _segments(uow, scheme, as_of)
        joined.append((segments, segments.c.patient_id == Enrolment.patient_id))
        segment = func.coalesce(segments.c.segment, everybody_else)
    else:
        segment = only_later_with
    query = (
        select(
            Enrolment.community_id, segment.label("segment"),
            DeprivationDecile.decile, summary["baseline"].label("baseline"), summary["latest"].label("latest"),
            _mid_of(uow, community_ids, Enrolment.outcome_set_version_id).label("mid"),
            _cost_in_enrolment(func.coalesce(EnrolmentCost.cost, 0), EnrolmentCost.last_start_date, ends_on,
                               Enrolment.patient_id, Enrolment.enrolled_at, Enrolment.left_at).label("cost"),
            (days_between(enrolled_on, ends_on) + 1).label("days"),
            summary["sent"].label("sent"), summary["completed"].label("completed"),
            summary["days_at_home"].label("days_at_home"),
        )
        .join(Patient, Patient.id == Enrolment.patient_id)
        .outerjoin(DeprivationDecile, DeprivationDecile.lsoa == Patient.lsoa)
        .outerjoin(EnrolmentSummary, EnrolmentSummary.enrolment_id == Enrolment.id)
        .outerjoin(EnrolmentCost, EnrolmentCost.enrolment_id == Enrolment.id)
        .where(Enrolment.community_id.in_(community_ids), Enrolment.enrolled_at <= end_of_day)
    )
    for subquery, on in joined:
        query = query.outerjoin(subquery, on)
    if only_later_with is not None:
        query = query.where(Enrolment.id.in_(later[0]))
    visible = patient_visible(actor)  # on the patient row the query joins already
    if visible is not None:
        query = query.where(visible)
    return query.subquery("cycles")


def _summary_or_later(uow: UnitOfWork, end_of_day: datetime, later_enrolments_and_people):
    """Each figure from the enrolment's summary when nothing in it is dated after the report, else from
    the stored rows as of the report: ({figure: column}, [(sub-query, join condition)]). The rows are
    read only for enrolments whose summary says they have later activity (found along an index)."""
    postgres = uow.session.get_bind().dialect.name == "postgresql"
    later = EnrolmentSummary.last_activity_at > end_of_day
    enrolments, people = later_enrolments_and_people
    lis = enrolment_summaries.firsts_and_lasts(end_of_day, enrolments, postgres)
    invited = enrolment_summaries.invitation_counts(end_of_day, enrolments)
    at_home = enrolment_summaries.latest_days_at_home(end_of_day, people, postgres)

    def either(summarised, raw):
        return case((later, raw), else_=summarised)

    return {
        "baseline": either(EnrolmentSummary.baseline_lis, lis.c.baseline),
        "latest": either(EnrolmentSummary.latest_lis, lis.c.latest),
        "sent": either(func.coalesce(EnrolmentSummary.invitations_sent, 0), func.coalesce(invited.c.sent, 0)),
        "completed": either(func.coalesce(EnrolmentSummary.invitations_completed, 0),
                            func.coalesce(invited.c.completed, 0)),
        "days_at_home": either(EnrolmentSummary.days_at_home, at_home.c.value),
    }, [(lis, lis.c.enrolment_id == Enrolment.id), (invited, invited.c.enrolment_id == Enrolment.id),
        (at_home, at_home.c.patient_id == Enrolment.patient_id)]


def _later_enrolments_and_people(uow: UnitOfWork, later):
    """The enrolments with activity after the report date, and their people: as lists when they are few
    (the usual case), so the database reads their rows along the indexes instead of planning for a
    guess and scanning every score; as sub-queries for a report as of long ago."""
    rows = uow.session.execute(
        select(EnrolmentSummary.enrolment_id, EnrolmentSummary.patient_id).where(later).limit(LISTED_AT_MOST + 1)
    ).all()
    if len(rows) <= LISTED_AT_MOST:
        return sorted({row[0] for row in rows}), sorted({row[1] for row in rows})
    return (select(EnrolmentSummary.enrolment_id).where(later), select(EnrolmentSummary.patient_id).where(later))


def _cost_in_enrolment(cost, through, ends_on, patient_id, enrolled_at, left_at):
    """The summary's cost of the enrolment (`through` its latest event's date), less any events after the
    report date, which are looked up only for the few enrolments whose latest event is that late."""
    later = (
        select(func.sum(CostEvent.cost))
        .where(CostEvent.patient_id == patient_id, CostEvent.start_date > ends_on,
               *cost_summaries.within_enrolment(CostEvent.start_date, enrolled_at, left_at))
        .scalar_subquery()
    )
    return cost - case((through > ends_on, func.coalesce(later, 0)), else_=0)


def _segments(uow: UnitOfWork, scheme: SegmentScheme, as_of: date):
    """(patient_id, segment) rows and the segment of anyone without a row: from the look-back summary
    when it is of this day, else ranked from the cost events themselves."""
    summarised = cost_summaries.lookback_segments(uow, scheme, as_of)
    if summarised is not None:
        query, everybody_else = summarised
        return query.subquery("segments"), everybody_else
    return patient_segments(scheme, as_of).subquery("segments"), REST


def _mid_of(uow: UnitOfWork, community_ids: list[int], version_id):
    """Each outcome-set version's LIS MID from its stored definition, as a CASE over the version id."""
    versions = uow.session.execute(
        select(OutcomeSetVersion.id, OutcomeSetVersion.definition).where(OutcomeSetVersion.community_id.in_(community_ids))
    )
    mids = {version_id: float((definition.get("life_improver_score") or {}).get("mid") or DEFAULT_LIS_MID)
            for version_id, definition in versions}
    if not mids:
        return literal(DEFAULT_LIS_MID)
    return case(mids, value=version_id, else_=DEFAULT_LIS_MID)

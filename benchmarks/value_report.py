"""How long the value report takes over a large population, next to hand-written SQL for the same figures.

``python -m benchmarks value_report [--size N] [--database-url URL] [--repeat R]``

Over a PostgreSQL database of N patients (default 1,000,000), one enrolment each, and 10×N cost events,
it times `value_report()` for all communities (the service call the API and the programme page make)
and one hand-written SQL statement that computes the same tallies from the same tables, summaries
included: the ceiling of what any code could do with this schema. Both answers are checked against a
third, untimed-for-the-target statement that works everything out from the raw rows (scores,
invitations, cost events), so a fast wrong report, or stale summaries, fail too.

The database (default ``prom_value_<N>`` on the local server) is created, migrated and filled on the
first run and reused afterwards. Filling is plain ``INSERT … SELECT generate_series`` (deterministic, a
few minutes at a million patients); the summaries are then built as the nightly job builds them.

Prints ``name: value unit`` lines, ratios last; exits 1 when the report takes more than 3 s or more
than twice the SQL (issue #11), or disagrees with the raw rows.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import make_url

TARGET_SECONDS = 3.0
TARGET_RATIO = 2.0
AS_OF = date(2026, 11, 1)
COMMUNITIES = 5
LSOAS = 3000
EVENTS_PER_PATIENT = 10


def main(argv: list[str]) -> int:
    options = _options(argv)
    url = options.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/prom_value_{options.size}"
    loaded = _prepare(url, options.size)
    from prom_service.db.unit_of_work import UnitOfWork
    from prom_service.services.access import SYSTEM
    from prom_service.services.segments import segment_scheme
    from prom_service.services.value_report import value_report
    from prom_service.settings import load_settings

    scheme = segment_scheme(load_settings({"environment": "test", "database.url": url}, environ={}))
    # One pooled connection, so the server process doing the work is known and its CPU time can be read.
    engine = sa.create_engine(url, pool_size=1, max_overflow=0)
    backend = _Backend(engine)
    sessions = sa.orm.sessionmaker(engine, expire_on_commit=False)
    report_seconds, report, report_cpu = _best(
        options.repeat, lambda: value_report(UnitOfWork(sessions), SYSTEM, scheme, AS_OF), backend)
    sql_seconds, rows, sql_cpu = _best(options.repeat, lambda: _hand_written(engine, scheme, summarised=True), backend)
    raw_seconds, truth, _ = _best(1, lambda: _hand_written(engine, scheme, summarised=False), backend)
    agrees = _agrees(report, truth)
    print(f"patients: {options.size:,} people")
    print(f"cost_events: {loaded['cost_events']:,} events")
    print(f"enrolments: {loaded['enrolments']:,} enrolments")
    print(f"load_average: {os.getloadavg()[0]:.1f} runnable (on {os.cpu_count()} cores)")
    print(f"value_report: {report_seconds:.3f} s")
    print(f"hand_written_sql: {sql_seconds:.3f} s")
    if report_cpu is not None:
        print(f"value_report_server_cpu: {report_cpu:.3f} s")
        print(f"hand_written_sql_server_cpu: {sql_cpu:.3f} s")
    print(f"raw_rows_sql: {raw_seconds:.3f} s")
    print(f"hand_written_sql_agrees_with_raw_rows: {'yes' if _same(rows, truth) else 'NO'}")
    print(f"report_agrees_with_sql: {'yes' if agrees else 'NO'}")
    ratio = report_seconds / sql_seconds if sql_seconds else float("inf")
    if report_cpu is not None and sql_cpu:
        print(f"value_report_over_sql_server_cpu: {report_cpu / sql_cpu:.2f} x")
    met = report_seconds <= TARGET_SECONDS and ratio <= TARGET_RATIO and agrees
    print(f"value_report_over_sql: {ratio:.2f} x")
    print(f"target_met: {'yes' if met else 'no'} (≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_RATIO:.0f}× the SQL)")
    engine.dispose()
    return 0 if met else 1


def _options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks value_report")
    parser.add_argument("--size", type=int, default=1_000_000, help="patients (cost events are ten times this)")
    parser.add_argument("--database-url", help="a PostgreSQL URL; default prom_value_<size> on 127.0.0.1")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best counts")
    return parser.parse_args(argv)


def _best(repeat: int, run, backend: "_Backend"):
    """Best wall-clock seconds of `repeat` runs, the last result, and the server's CPU seconds in that run."""
    best, result, cpu = float("inf"), None, None
    for _ in range(max(repeat, 1)):
        cpu_before, started = backend.cpu_seconds(), time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        if seconds < best:
            best, after = seconds, backend.cpu_seconds()
            cpu = after - cpu_before if after is not None and cpu_before is not None else None
    return best, result, cpu


class _Backend:
    """The PostgreSQL server process behind the benchmark's one connection: its CPU time is what the query
    cost, whatever else the machine is doing (wall-clock time on a shared machine is not)."""

    def __init__(self, engine) -> None:
        with engine.connect() as connection:
            self.pid = connection.scalar(sa.text("SELECT pg_backend_pid()"))

    def cpu_seconds(self) -> float | None:
        try:
            fields = open(f"/proc/{self.pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prepare(url: str, size: int) -> dict[str, int]:
    """Create, migrate and fill the database unless it already holds this population."""
    from prom_service.db.migrations import upgrade

    _create_database(url)
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        patients = connection.scalar(sa.text("SELECT count(*) FROM patients"))
    if patients != size:
        if patients:
            raise SystemExit(f"{make_url(url).database} holds {patients} patients, not {size}: drop it or pass "
                             "--database-url")
        _fill(engine, size)
    with engine.begin() as connection:
        counts = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  for table in ("cost_events", "enrolments")}
    engine.dispose()
    return counts


def _create_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": target.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _fill(engine, size: int) -> None:
    """A deterministic population: every figure of the report has something to count."""
    from prom_service.db.unit_of_work import UnitOfWork
    from prom_service.services import cost_summaries

    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in _FILL:
            connection.execute(sa.text(statement), {"n": size, "as_of": AS_OF, "communities": COMMUNITIES,
                                                    "lsoas": LSOAS, "events": EVENTS_PER_PATIENT * size})
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    cost_summaries.rebuild(UnitOfWork(sa.orm.sessionmaker(engine)), AS_OF)  # and the enrolment summaries
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    print(f"filled: {time.perf_counter() - started:.1f} s")


_FILL = [
    """INSERT INTO communities (id, code, name, description, created_at)
       SELECT c, 'bench_' || c, 'Benchmark community ' || c, '', now() FROM generate_series(1, :communities) c""",
    """INSERT INTO outcome_set_versions (id, community_id, version, fingerprint, definition, published_at, created_at)
       SELECT c, c, 1, md5(c::text), json_build_object('life_improver_score', json_build_object('mid', 4 + c)),
              now(), now() FROM generate_series(1, :communities) c""",
    """INSERT INTO deprivation_deciles (lsoa, decile, source, loaded_at)
       SELECT 'E01' || lpad(k::text, 6, '0'), 1 + k % 10, 'benchmark', now() FROM generate_series(1, :lsoas) k""",
    # One in ten people lives in an area without a decile, one in fifty has no area recorded.
    """INSERT INTO patients (id, source, external_id, phone_is_mobile, preferred_channel, language, timezone, lsoa,
                             created_at)
       SELECT i, 'bench', 'B' || i, false, 'sms', 'en', 'Europe/London',
              CASE WHEN i % 50 = 0 THEN NULL ELSE 'E01' || lpad((1 + (i * 7919) % (:lsoas * 11 / 10))::text, 6, '0')
              END, now()
       FROM generate_series(CAST(1 AS bigint), :n) i""",
    # Enrolled over the two years before the report date; one in seven left 30–230 days later.
    """INSERT INTO enrolments (id, patient_id, community_id, outcome_set_version_id, status, enrolled_at, left_at,
                               consent_method, consent_recorded_by, consent_at, created_at)
       SELECT i, i, 1 + i % :communities, 1 + i % :communities, CASE WHEN i % 7 = 0 THEN 'left' ELSE 'active' END,
              e.at, CASE WHEN i % 7 = 0 THEN e.at + make_interval(days => CAST(30 + i % 200 AS integer)) END,
              'verbal', 'benchmark', e.at, e.at
       FROM generate_series(CAST(1 AS bigint), :n) i,
            LATERAL (SELECT (CAST(:as_of AS date) - CAST((i * 7919) % 730 AS integer) + time '10:00') AT TIME ZONE 'UTC' AS at) e""",
    # Up to four assessments 90 days apart (none, one, or a baseline and follow-ups). As in a report as of
    # today, nothing is observed after the report date except for one enrolment in 1,100 (the report's
    # "activity after the report date" path).
    """INSERT INTO life_improver_scores (patient_id, enrolment_id, outcome_set_version_id, value, coverage, inputs,
                                         observed_at, created_at)
       SELECT e.id, e.id, e.outcome_set_version_id,
              CASE WHEN (e.id + k) % 23 = 0 THEN NULL ELSE 40 + (e.id * 31) % 30 + k * ((e.id % 11) - 3) END,
              1.0, '{}', e.enrolled_at + make_interval(days => 90 * k, hours => 2), e.enrolled_at
       FROM enrolments e, generate_series(0, 3) k
       WHERE k <= e.id % 4 AND (e.id % 1100 = 0 OR e.enrolled_at + make_interval(days => 90 * k, hours => 2)
                                                    < (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC')""",
    """INSERT INTO invitations (enrolment_id, patient_id, outcome_set_version_id, schedule_key, instruments, channel,
                                status, due_at, reminders_sent, created_at, updated_at)
       SELECT e.id, e.id, e.outcome_set_version_id, 'k' || k, '[]', 'sms',
              CASE WHEN e.id % 1100 <> 0 AND e.enrolled_at + make_interval(days => 90 * k)
                                             >= (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC'
                   THEN 'planned'
                   ELSE (ARRAY['completed', 'sent', 'completed', 'expired', 'reminded', 'planned', 'completed',
                               'failed'])[1 + (e.id + k * 3) % 8] END,
              e.enrolled_at + make_interval(days => 90 * k), 0, e.enrolled_at, e.enrolled_at
       FROM enrolments e, generate_series(0, 3) k""",
    """INSERT INTO scores (patient_id, enrolment_id, instrument, scale, value, flags, definition_version, provenance,
                           observed_at, created_at)
       SELECT e.id, e.id, 'days_at_home', 'days', 60 + (e.id * 13 + k * 7) % 31, '[]', 'bench', '{}',
              e.enrolled_at + make_interval(days => 90 * k + 1), e.enrolled_at
       FROM enrolments e, generate_series(0, 1) k
       WHERE e.id % 3 = 0 AND (e.id % 1100 = 0 OR e.enrolled_at + make_interval(days => 90 * k + 1)
                                                  < (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC')""",
    # Ten events a person on average over three years, one in 1,100 dated the day after the report date.
    """INSERT INTO cost_events (patient_id, activity, start_date, quantity, unit_cost, cost, tariff, source_system,
                                source_id, created_at)
       SELECT 1 + (j * 104729) % :n, (ARRAY['gp_appointment', 'ae_attendance', 'community_nursing_visit',
                                            'elective_inpatient_day'])[1 + j % 4],
              CAST(:as_of AS date) - CAST((j * 7727) % 1100 AS integer) + 1, 1, NULL, 10 + (j * 37) % 50000 / 100.0, NULL, 'bench',
              j::text, now()
       FROM generate_series(CAST(1 AS bigint), :events) j""",
    "SELECT setval(pg_get_serial_sequence('communities', 'id'), :communities)",
    "SELECT setval(pg_get_serial_sequence('outcome_set_versions', 'id'), :communities)",
    "SELECT setval(pg_get_serial_sequence('patients', 'id'), :n)",
    "SELECT setval(pg_get_serial_sequence('enrolments', 'id'), :n)",
]


def _hand_written(engine, scheme, *, summarised: bool) -> list:
    """The report's tallies per (community, segment, decile), from one statement written by hand: over the
    summaries (as the report reads them), or from the raw rows alone (the truth both are checked against)."""
    from prom_service.services.cost_summaries import most_within

    with engine.begin() as connection:
        for setting in ("work_mem = '256MB'", "jit = off", "max_parallel_workers_per_gather = 0"):
            connection.execute(sa.text(f"SET LOCAL {setting}"))
        if summarised:  # as the report: hash the few dozen groups rather than sort a million rows
            connection.execute(sa.text("SET LOCAL enable_sort = off"))
        people = connection.scalar(sa.text("SELECT count(*) FROM patients"))
        within = [most_within(segment.upper_share, people) for segment in scheme.segments if segment.upper_share]
        statement = (_hand_written_sql if summarised else _raw_rows_sql)(scheme, within)
        return sorted(connection.execute(sa.text(statement), {"as_of": AS_OF}).all(),
                      key=lambda row: (row[0], row[1], row[2] or 0))


def _tiers(scheme, within: list[int], spend: str = "l.spend") -> str:
    """Tier edges along the spend index (the (k+1)-th highest look-back cost), no ranking of everyone."""
    edges = [(segment.code, k) for segment, k in zip([s for s in scheme.segments if s.upper_share], within)]
    return " ".join(
        f"WHEN {spend} > coalesce((SELECT spend FROM patient_lookback_costs WHERE spend > 0 "
        f"ORDER BY spend DESC OFFSET {k} LIMIT 1), 0) THEN '{code}'" for code, k in edges)


_EOD = "((CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC')"
_ENDS_ON = f"(CASE WHEN s.left_at < {_EOD} THEN date(s.left_at) ELSE CAST(:as_of AS date) END)"


def _summary_columns(scheme, within: list[int], baseline, latest, sent, completed, days_at_home) -> str:
    """An enrolment's row of `cycles` from its summary row `s`, LIS, invitations and days at home given."""
    return f"""SELECT s.community_id, CASE {_tiers(scheme, within, "s.lookback_spend")} ELSE 'rest' END AS segment,
               d.decile, {baseline} AS baseline, {latest} AS latest, v.mid,
               s.cost - CASE WHEN s.cost_through > {_ENDS_ON} THEN coalesce((
                   SELECT sum(ce.cost) FROM cost_events ce
                   WHERE ce.patient_id = s.patient_id AND ce.start_date > {_ENDS_ON}
                     AND ce.start_date >= date(s.enrolled_at)
                     AND (s.left_at IS NULL OR ce.start_date <= date(s.left_at))), 0) ELSE 0 END AS cost,
               {_ENDS_ON} - date(s.enrolled_at) + 1 AS days, {sent} AS sent, {completed} AS completed,
               {days_at_home} AS days_at_home"""


def _hand_written_sql(scheme, within: list[int]) -> str:
    """One scan of the summaries: each enrolment's figures from its `enrolment_summaries` row (which carries
    its community, period, cost, LSOA and look-back cost), and for the few with activity after the report
    date (skipped by the scan) from their rows (first and last by min/max of ordered arrays)."""
    return f"""
    WITH bounds AS (
        SELECT CAST(:as_of AS date) AS day, (CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC' AS eod),
    mids AS (
        SELECT id, coalesce((definition -> 'life_improver_score' ->> 'mid')::float, 5) AS mid
        FROM outcome_set_versions),
    later AS (
        SELECT s.enrolment_id, s.patient_id FROM enrolment_summaries s, bounds WHERE s.last_activity_at > bounds.eod),
    {_per_enrolment_ctes(enrolments="enrolment_id IN (SELECT enrolment_id FROM later) AND ",
                         people="patient_id IN (SELECT patient_id FROM later) AND ")}
    cycles AS (
        {_summary_columns(scheme, within, "s.baseline_lis", "s.latest_lis", "s.invitations_sent",
                          "s.invitations_completed", "s.days_at_home")}
        FROM enrolment_summaries s
        JOIN mids v ON v.id = s.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = s.lsoa
        WHERE s.enrolled_at <= {_EOD} AND (s.last_activity_at IS NULL OR s.last_activity_at <= {_EOD})
        UNION ALL
        {_summary_columns(scheme, within, "lis.baseline", "lis.latest", "coalesce(i.sent, 0)",
                          "coalesce(i.completed, 0)", "h.value")}
        FROM later JOIN enrolment_summaries s ON s.enrolment_id = later.enrolment_id
        JOIN mids v ON v.id = s.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = s.lsoa
        LEFT JOIN lis ON lis.enrolment_id = s.enrolment_id
        LEFT JOIN invited i ON i.enrolment_id = s.enrolment_id
        LEFT JOIN at_home h ON h.patient_id = s.patient_id
        WHERE s.enrolled_at <= {_EOD})
    {_TALLIES}
    """


def _raw_rows_sql(scheme, within: list[int]) -> str:
    """From the rows themselves: scores, invitations and cost events (no enrolment summary or enrolment
    cost is read), as of the report date; only the usage tiers come from the look-back summary."""
    return f"""
    WITH bounds AS (
        SELECT CAST(:as_of AS date) AS day, (CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC' AS eod),
    shares AS (
        SELECT l.patient_id, CASE {_tiers(scheme, within)} ELSE 'rest' END AS segment
        FROM patient_lookback_costs l WHERE l.spend > 0),
    costs AS (
        SELECT e.id AS enrolment_id, sum(ce.cost) AS cost
        FROM enrolments e CROSS JOIN bounds b
        JOIN cost_events ce ON ce.patient_id = e.patient_id AND ce.start_date >= date(e.enrolled_at)
         AND ce.start_date <= CASE WHEN e.left_at < b.eod THEN date(e.left_at) ELSE b.day END
        GROUP BY e.id),
    {_per_enrolment_ctes(enrolments="", people="")}
    cycles AS (
        SELECT e.community_id, coalesce(sh.segment, 'rest') AS segment, d.decile,
               lis.baseline, lis.latest,
               coalesce((v.definition -> 'life_improver_score' ->> 'mid')::float, 5) AS mid,
               coalesce(c.cost, 0) AS cost, p2.ends_on - date(e.enrolled_at) + 1 AS days,
               coalesce(i.sent, 0) AS sent, coalesce(i.completed, 0) AS completed, h.value AS days_at_home
        FROM enrolments e CROSS JOIN bounds b
        CROSS JOIN LATERAL (SELECT CASE WHEN e.left_at < b.eod THEN date(e.left_at) ELSE b.day END AS ends_on) p2
        JOIN patients p ON p.id = e.patient_id
        JOIN outcome_set_versions v ON v.id = e.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = p.lsoa
        LEFT JOIN shares sh ON sh.patient_id = e.patient_id
        LEFT JOIN lis ON lis.enrolment_id = e.id
        LEFT JOIN costs c ON c.enrolment_id = e.id
        LEFT JOIN invited i ON i.enrolment_id = e.id
        LEFT JOIN at_home h ON h.patient_id = e.patient_id
        WHERE e.enrolled_at <= b.eod)
    {_TALLIES}
    """


def _per_enrolment_ctes(enrolments: str, people: str) -> str:
    """`lis`, `invited` and `at_home`: each enrolment's first and last LIS, invitations counted and the
    person's latest days at home, as of the report, from the rows; `enrolments` and `people` narrow them
    (to the enrolments with later activity, or to nobody for the raw-rows truth)."""
    return f"""lis AS (
        SELECT enrolment_id,
               (min(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3] AS baseline,
               CASE WHEN count(*) > 1 THEN (max(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3]
               END AS latest
        FROM life_improver_scores, bounds
        WHERE {enrolments}value IS NOT NULL AND observed_at <= bounds.eod
        GROUP BY enrolment_id),
    invited AS (
        SELECT enrolment_id,
               count(*) FILTER (WHERE status IN ('sent', 'reminded', 'partial', 'completed', 'expired')) AS sent,
               count(*) FILTER (WHERE status = 'completed') AS completed
        FROM invitations, bounds WHERE {enrolments}due_at <= bounds.eod GROUP BY enrolment_id),
    at_home AS (
        SELECT patient_id, (max(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3] AS value
        FROM scores, bounds
        WHERE {people}instrument = 'days_at_home' AND value IS NOT NULL AND observed_at <= bounds.eod
        GROUP BY patient_id),"""


_TALLIES = """
    SELECT community_id, segment, decile, count(*) AS people,
           count(*) FILTER (WHERE latest IS NOT NULL) AS paired,
           sum(sent) AS sent, sum(completed) AS completed,
           sum(latest - baseline) FILTER (WHERE latest IS NOT NULL) AS change,
           sum(cost) AS cost, sum(days) AS days,
           sum(baseline) FILTER (WHERE latest IS NOT NULL) AS baseline,
           sum(latest) AS latest, sum((latest - baseline) ^ 2) AS squared,
           count(*) FILTER (WHERE latest - baseline >= mid) AS improved,
           sum(cost) FILTER (WHERE latest IS NOT NULL) AS paired_cost,
           count(days_at_home) AS with_days_at_home, sum(days_at_home) AS days_at_home
    FROM cycles GROUP BY community_id, segment, decile"""


def _agrees(report, rows) -> bool:
    """Per community, people, pairs, invitations, cost, days enrolled and people with days at home are
    those of the raw rows, and the mean change and mean days at home round to the same."""
    by_community: dict[int, list] = {}
    for community_id, _segment, _decile, people, paired, sent, completed, change, cost, days, *rest in rows:
        with_days, days_at_home = rest[-2:]
        totals = by_community.setdefault(community_id, [0, 0, 0, 0, Decimal(0), 0, 0, 0.0, 0.0])
        for index, value in enumerate((people, paired, sent, completed, Decimal(cost or 0), days, with_days,
                                       change or 0.0, days_at_home or 0.0)):
            totals[index] += value
    expected = sorted(
        (*totals[:7], round(totals[7] / totals[1], 2) if totals[1] else None,
         round(totals[8] / totals[6], 1) if totals[6] else None) for totals in by_community.values())
    found = sorted(
        (f.people_enrolled, f.people_with_baseline_and_follow_up, f.invitations_sent, f.invitations_completed,
         f.total_cost, round(f.person_years * float(Decimal("365.25"))), f.people_with_days_at_home,
         None if f.mean_change is None else round(f.mean_change, 2),
         None if f.mean_days_at_home is None else round(f.mean_days_at_home, 1))
        for f in (c.overall for c in report.communities)
    )
    return expected == found


def _same(rows, truth) -> bool:
    """The same tallies, sums of floats allowed a rounding difference."""
    def close(a, b):
        if isinstance(a, float) or isinstance(b, float):
            return a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
        return a == b
    return len(rows) == len(truth) and all(
        len(row) == len(other) and all(close(a, b) for a, b in zip(row, other)) for row, other in zip(rows, truth))

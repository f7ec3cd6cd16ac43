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
from decimal import Decimal

import sqlalchemy as sa

from benchmarks._cpu_meter import process_cpu
from benchmarks._value_population import AS_OF, prepare
from benchmarks._value_sql import hand_written

TARGET_SECONDS = 3.0
TARGET_RATIO = 2.0


def main(argv: list[str]) -> int:
    options = _options(argv)
    url = options.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/prom_value_{options.size}"
    loaded = prepare(url, options.size)
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
    sql_seconds, rows, sql_cpu = _best(options.repeat, lambda: hand_written(engine, scheme, summarised=True), backend)
    raw_seconds, truth, _ = _best(1, lambda: hand_written(engine, scheme, summarised=False), backend)
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
        return process_cpu(self.pid)  # None for a server on another machine


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

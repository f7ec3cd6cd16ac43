"""Dispatch throughput: worker processes sending due invitations to a fake Twilio, against the raw claim rate.

On a fresh PostgreSQL database it writes ``--size`` people with one due invitation each, then
* ``claim_ceiling``: ``--workers`` processes claim every invitation with nothing but
  ``SELECT … FOR UPDATE SKIP LOCKED LIMIT batch`` + ``UPDATE`` (plain psycopg): the physical ceiling;
* ``send_ceiling``: ``--workers`` processes doing nothing but the Twilio call (real client, fake server,
  no database, as many texts in flight as a worker), the ceiling of the sending half, and the CPU one
  call costs the client and the fake server: with one call per text, the cores divided by that cost is
  the most texts per second any dispatch could reach on this machine;
* ``dispatch``: the invitations are made due again and ``--workers`` real worker processes (the
  scheduler's dispatch and delivery jobs, the real twilio client) send them all to the fake Twilio
  server; texts per second from its first to its last arrival, texts it received twice, and the CPU
  per text of the workers, PostgreSQL and the fake Twilio;
* ``limited``: ``--limited-size`` more people, sent with the fleet limited to ``--limit`` segments per
  second; the achieved rate over the fake Twilio's arrivals must be within 2 % of the limit.
Targets: dispatch >= 0.3 x the ceiling, 0 duplicates, limited rate within 2 %. Missing one exits 1.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from benchmarks._cpu_meter import BackendCpu, OwnCpu, cores
from benchmarks._fleet import (DEFAULT_SERVER, TimedFakeTwilio, achieved_rate, base_settings, drop_database,
                               finish, fresh_database, seed_due_invitations, start, worker_env)
from prom_service.channels.sms import segments

RATIO_TARGET = 0.3
LIMIT_TOLERANCE = 0.02
WORKER = "tests.integration.dispatch_worker"


def claim_ceiling(url: str, workers: int, batch: int) -> tuple[int, float]:
    """(rows claimed, rows/s) of the bare SKIP LOCKED claim by `workers` processes."""
    outputs = finish([start("benchmarks._claim_ceiling", {}, url, str(batch)) for _ in range(workers)], 600)
    figures = [line.split() for line in outputs]
    claimed = sum(int(f[0]) for f in figures)
    seconds = max(float(f[2]) for f in figures) - min(float(f[1]) for f in figures)
    return claimed, claimed / seconds


def send_ceiling(url: str, var_dir: Path, workers: int, texts: int, **extra: str) -> dict[str, float]:
    """Texts/s of `workers` processes doing nothing but the Twilio call (the ceiling of the sending half),
    and the CPU per text of the twilio client and of the fake Twilio."""
    with TimedFakeTwilio() as fake, OwnCpu() as server:
        env = worker_env(url, fake, var_dir, **extra)
        outputs = finish([start("benchmarks._send_ceiling", env, str(texts // workers)) for _ in range(workers)], 600)
    sent = len(fake.arrivals)
    return {"rate": achieved_rate(sorted(fake.arrivals)), "server_cpu": server.seconds / sent,
            "client_cpu": sum(float(out.split()[3]) for out in outputs) / sent}


def make_due_again(url: str) -> None:
    """Undo the ceiling run's claims so the real workers meet the same rows, freshly vacuumed."""
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as db:
        db.execute("UPDATE invitations SET status = 'planned', sent_at = NULL")
        db.execute("VACUUM ANALYZE")


def send_all(url: str, var_dir: Path, workers: int, batch: int, **extra: str) -> dict[str, float]:
    """Run `workers` real worker processes until the queue is empty; what the fake Twilio saw."""
    with TimedFakeTwilio() as fake, OwnCpu() as server, BackendCpu(url) as database:
        env = worker_env(url, fake, var_dir, PROM_SCHEDULER_CLAIM_BATCH=str(batch), **extra)
        outputs = finish([start(WORKER, env) for _ in range(workers)], 3600)
    keys = Counter(r.headers.get("I-Twilio-Idempotency-Token") for r in fake.requests)
    bodies = [r.form.get("Body", "") for r in fake.requests]
    seg, sent = sum(segments.count(body).segments for body in bodies), max(len(bodies), 1)
    rate = achieved_rate(sorted(fake.arrivals))
    return {"texts": len(keys), "duplicates": sum(n - 1 for n in keys.values()), "rate": rate,
            "segment_rate": rate * seg / sent, "segments_per_text": seg / sent,
            "worker_cpu": sum(float(out.split()[-1]) for out in outputs) / sent, "server_cpu": server.seconds / sent,
            "database_cpu": database.seconds / sent if database.seconds is not None else None}


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks dispatch")
    parser.add_argument("--size", type=int, default=20_000, help="due invitations in the throughput phase")
    parser.add_argument("--limited-size", type=int, default=3_000, help="texts sent under the limit")
    parser.add_argument("--limit", type=float, default=50.0, help="fleet limit, segments per second")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50, help="rows claimed per transaction")
    parser.add_argument("--in-flight", type=int, help="texts each worker sends at once (default: sms.texts_in_flight)")
    parser.add_argument("--database", default="prom_bench_dispatch", help="created afresh, dropped at the end")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="any database URL on the PostgreSQL server")
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    args = parser.parse_args(argv)
    url = fresh_database(args.database, args.server)
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            figures = _run(url, Path(var_dir), args)
    finally:
        if not args.keep:
            drop_database(url)
    return _report(figures, args)


def _run(url: str, var_dir: Path, args: argparse.Namespace) -> dict:
    in_flight = args.in_flight or base_settings(url, var_dir)["sms.texts_in_flight"]
    extra = {"PROM_SMS_TEXTS_IN_FLIGHT": str(in_flight)}
    seed_due_invitations(url, var_dir, args.size)
    claimed, ceiling = claim_ceiling(url, args.workers, args.batch)
    make_due_again(url)
    sending = send_ceiling(url, var_dir, args.workers, min(args.size, 4000), **extra)
    unlimited = send_all(url, var_dir, args.workers, args.batch, **extra)
    limited = {}
    if args.limited_size:
        seed_due_invitations(url, var_dir, args.limited_size, first=args.size)
        limited = send_all(url, var_dir, args.workers, args.batch, PROM_SMS_MAX_SEGMENTS_PER_SECOND=str(args.limit),
                           **extra)
    return {"claimed": claimed, "ceiling": ceiling, "sending": sending, "unlimited": unlimited, "limited": limited,
            "in_flight": in_flight}


def _report(figures: dict, args: argparse.Namespace) -> int:
    unlimited, limited, sending = figures["unlimited"], figures["limited"], figures["sending"]
    ratio = unlimited["rate"] / figures["ceiling"]
    duplicates = unlimited["duplicates"] + limited.get("duplicates", 0)
    complete = unlimited["texts"] == args.size and figures["claimed"] == args.size
    send_cpu = sending["client_cpu"] + sending["server_cpu"]
    bound = cores() / send_cpu
    print(f"size: {args.size} invitations, {args.workers} workers, batch {args.batch}, "
          f"{figures['in_flight']} texts in flight per worker, {cores()} cores")
    print(f"claim_ceiling: {figures['ceiling']:,.0f} claims/s ({figures['claimed']:,} claimed)")
    print(f"send_ceiling: {sending['rate']:,.0f} texts/s (the twilio client to the fake Twilio, no database)")
    print(f"send_cpu: {send_cpu * 1e3:.2f} ms/text (twilio client {sending['client_cpu'] * 1e3:.2f}, "
          f"fake Twilio {sending['server_cpu'] * 1e3:.2f})")
    print(f"send_cpu_bound: {bound:,.0f} texts/s ({cores()} cores / send_cpu: the most one call per text allows)")
    print(f"dispatch: {unlimited['rate']:,.0f} texts/s ({unlimited['texts']:,} distinct texts received, "
          f"{unlimited['segments_per_text']:.2f} segments each)")
    print(f"dispatch_cpu: {_cpu_line(unlimited)}")
    print(f"dispatch_cpu_bound: {cores() / _cpu_total(unlimited):,.0f} texts/s ({cores()} cores / dispatch_cpu: "
          f"what dispatch would do with the machine to itself)")
    print(f"duplicates: {duplicates} texts")
    met = complete and ratio >= RATIO_TARGET and duplicates == 0
    if limited:
        off = abs(limited["segment_rate"] - args.limit) / args.limit
        print(f"limited: {limited['rate']:,.2f} texts/s, {limited['segment_rate']:,.2f} segments/s "
              f"({limited['texts']:,} texts, limit {args.limit:g} segments/s)")
        met = met and limited["texts"] == args.limited_size and off <= LIMIT_TOLERANCE
    print(f"dispatch_share_of_send_ceiling: {unlimited['rate'] / sending['rate']:.3f} ratio")
    print(f"send_cpu_bound_share_of_ceiling: {bound / figures['ceiling']:.3f} ratio (the most dispatch could reach)")
    print(f"dispatch_share_of_ceiling: {ratio:.3f} ratio (target {RATIO_TARGET})")
    if limited:
        print(f"limited_over_limit: {limited['segment_rate'] / args.limit:.4f} ratio (target 1 +/- {LIMIT_TOLERANCE})")
    print(f"target_met: {met}")
    return 0 if met else 1


def _cpu_line(run: dict) -> str:
    """CPU per text of each party; PostgreSQL's only when its server runs on this machine."""
    database = run["database_cpu"]
    total = _cpu_total(run)
    parts = [f"workers {run['worker_cpu'] * 1e3:.2f} with the twilio client",
             f"PostgreSQL {database * 1e3:.2f}" if database is not None else "PostgreSQL not measured (remote)",
             f"fake Twilio {run['server_cpu'] * 1e3:.2f}"]
    return f"{total * 1e3:.2f} ms/text ({', '.join(parts)})"


def _cpu_total(run: dict) -> float:
    return run["worker_cpu"] + run["server_cpu"] + (run["database_cpu"] or 0.0)

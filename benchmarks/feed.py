"""Reading the score feed, and exporting it as NDJSON, over a synthetic population.

Runs against a database loaded by ``prom demo synth`` (default ``prom_bench_1000000`` on the local
PostgreSQL, or ``--database-url``/``PROM_DATABASE_URL``) with an all-teams ``read:scores`` key it
issues itself. It prints, in feed events (scores and Life Improver Scores) per second:
* ``feed_api``: ``GET /api/v1/feed/scores?limit=500`` (the contract's maximum; ``--page 100`` for its
  default) through the real Flask app, following ``next_cursor`` from the start for ``--events`` events
  (key check, team scope, JSON rendering);
* ``feed_service``: ``feeds.feed_reading.read_page``, the function the endpoint calls, paging the same way;
* ``feed_sql``: the ceiling, the same rows (same order, same horizon) read bare with psycopg, JSON decoded;
* ``export_ndjson``: FHIR Bulk Data ``$export`` of Observation (``feeds.bulk_export.run_export``, the
  worker's own entry point) for the scores of the last ``--export-days`` days, lines written per second;
* each line also gives the CPU this process spent (the rest of the wall time is PostgreSQL, or waiting
  for a core: the machine is shared), then the load average; ratios last: shares of the bare read.
The target is >= 50,000 events/s for ``feed_service`` and ``export_ndjson``, and for ``feed_api``;
missing any exits 1. Once the app is built the process settles its heap as ``prom web`` and
``prom worker`` do (``process_heap.settle``), so the collector works as it does in production.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import timedelta

TARGET = 50_000
PAGE = 500
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/prom_bench_1000000"


def parts_over(url: str):
    from prom_service.bootstrap import bootstrap
    from prom_service.settings import load_settings

    settings = load_settings({"database.url": url, "secret_key": "benchmark", "log_level": "WARNING",
                              "var_dir": tempfile.mkdtemp(prefix="prom-bench-feed-")}, environ={})
    return bootstrap(settings)


def issue_key(parts):
    """An all-teams read:scores key, and the actor it stands for."""
    from prom_service.services import api_clients
    from prom_service.services.access import Actor

    issued = api_clients.create_api_key(parts.uow(), "feed benchmark", ("read:scores",), parts.clock.now())
    actor = Actor("api_client", str(issued.client_id), None, frozenset({"read:scores"}))
    return issued.key, actor


def through_api(app, key: str, events: int, page_size: int = PAGE) -> tuple[int, float]:
    """Page through the endpoint; the client parses each page with orjson, as the json module would cost
    the client about as much as the server spends on the page."""
    import orjson

    client = app.test_client()
    headers, cursor, read = {"Authorization": f"Bearer {key}"}, "", 0
    start = time.perf_counter()
    while read < events:
        answer = client.get(f"/api/v1/feed/scores?limit={page_size}&cursor={cursor}", headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        page = orjson.loads(answer.get_data())
        if not page["items"]:
            break
        read, cursor = read + len(page["items"]), page["next_cursor"]
    return read, time.perf_counter() - start


def through_service(parts, actor, events: int, page_size: int = PAGE) -> tuple[int, float]:
    from prom_service.feeds.feed_reading import read_page

    cursor, read = None, 0
    start = time.perf_counter()
    while read < events:
        page = read_page(parts.uow(), actor, cursor, page_size)
        if not page.items:
            break
        read, cursor = read + len(page.items), page.next_cursor
    return read, time.perf_counter() - start


def bare_sql(parts, events: int, page_size: int = PAGE) -> tuple[int, float]:
    """The same pages read with psycopg alone: the ceiling of any reader in Python."""
    from prom_service.feeds.feed import HORIZON_SQL

    url = parts.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    import psycopg

    query = (f"SELECT id, txid, event, ref_id, patient_id, payload, created_at FROM feed_events "
             f"WHERE (txid, id) > (%s, %s) AND txid < {HORIZON_SQL} ORDER BY txid, id LIMIT {page_size}")
    read, after = 0, (0, 0)
    with psycopg.connect(url) as connection:
        start = time.perf_counter()
        while read < events:
            rows = connection.execute(query, after).fetchall()
            if not rows:
                break
            read, after = read + len(rows), (rows[-1][1], rows[-1][0])
        return read, time.perf_counter() - start


def export(parts, actor, days: int) -> tuple[int, float]:
    from prom_service.feeds.bulk_export import job_dir, run_export
    from prom_service.services.export_jobs import ExportRequest, kick_off

    now = parts.clock.now()
    request = ExportRequest("system", ("Observation",), now - timedelta(days=days))
    job_id = kick_off(parts.uow(), actor, request, "benchmark:$export?_type=Observation", now)
    start = time.perf_counter()
    result = run_export(parts, job_id)
    seconds = time.perf_counter() - start
    shutil.rmtree(job_dir(parts.settings, job_id), ignore_errors=True)
    assert result.state == "completed", result
    return sum(result.counts.values()), seconds


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when a reader misses the target."""
    from prom_service import create_app, process_heap

    parser = argparse.ArgumentParser(prog="python -m benchmarks feed")
    parser.add_argument("--database-url", default=os.environ.get("PROM_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=200_000, help="feed events paged through by each reader")
    parser.add_argument("--export-days", type=int, default=14, help="export the scores of the last N days")
    parser.add_argument("--page", type=int, default=PAGE,
                        help=f"events a page (the API's default is 100, its maximum {PAGE})")
    args = parser.parse_args(argv)
    parts = parts_over(args.database_url)
    key, actor = issue_key(parts)
    app = create_app({"PARTS": parts})
    process_heap.settle(parts.settings)  # as `prom web` and `prom worker` do once start-up is done
    figures = {}
    for name, run in (("feed_sql", lambda: bare_sql(parts, args.events, args.page)),
                      ("feed_service", lambda: through_service(parts, actor, args.events, args.page)),
                      ("feed_api", lambda: through_api(app, key, args.events, args.page)),
                      ("export_ndjson", lambda: export(parts, actor, args.export_days))):
        cpu = time.process_time()
        count, seconds = run()
        cpu = time.process_time() - cpu
        figures[name] = count / seconds
        print(f"{name}: {count / seconds:,.0f} events/s ({count} in {seconds:.1f} s; {cpu:.1f} s CPU in this process"
              f"{f'; pages of {args.page}' if name != 'export_ndjson' else ''})")
    shutil.rmtree(parts.settings["var_dir"], ignore_errors=True)
    print(f"load_average: {os.getloadavg()[0]:.1f} runnable (on {os.cpu_count()} cores)")
    for name in ("feed_api", "feed_service", "export_ndjson"):
        print(f"{name}_share_of_sql: {figures[name] / figures['feed_sql']:.2f} ratio")
    missed = [name for name in ("feed_api", "feed_service", "export_ndjson") if figures[name] < TARGET]
    print(f"target_met: {not missed} (target {TARGET:,} events/s{'; missed: ' + ', '.join(missed) if missed else ''})")
    return 1 if missed else 0

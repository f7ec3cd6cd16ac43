"""Care-team pages over a synthetic population: the caseload (500 patients a page) and a patient page.

Runs against a database loaded by ``prom demo synth`` (default: ``prom_bench_1000000`` on the local
PostgreSQL, or ``--database-url``/``PROM_DATABASE_URL``), through the real Flask app: signed in as the
synthetic clinician of team 1 with the sign-in form, session cookie and CSRF token, every request
audited as in production. It prints, in milliseconds:
* ``caseload_page_p50/p95/p99``: ``GET /team/`` with a page size of ``--per-page`` (pages 1… of team 1
  in turn, default sort: most urgent first);
* ``patient_page_p50/p95/p99``: ``GET /team/patients/<id>`` over ``--patients`` different people;
* ``caseload_sql_p50/p95/p99``: the ceiling, the caseload's own SQL statement executed bare on one
  connection (no ORM, no template, no session, no audit; JIT off, as the page runs it);
* ratios last: each page's p50 over the bare SQL's.
The target is p95 < 150 ms for both pages; missing it exits 1.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from datetime import timedelta

TARGET_MS = 150.0
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/prom_bench_1000000"


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 of a list of milliseconds (inclusive method, so small samples stay inside the range)."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": statistics.median(samples), "p95": cuts[94], "p99": cuts[98]}


def timed(work, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls of `work(i)`."""
    found = []
    for i in range(repeat):
        start = time.perf_counter()
        work(i)
        found.append((time.perf_counter() - start) * 1000)
    return found


def app_over(url: str, per_page: int):
    """The real app (and its parts) on `url`, with the caseload page size asked for; its heap settled after
    start-up as `prom web` settles a worker's."""
    from prom_service import create_app, process_heap
    from prom_service.bootstrap import bootstrap
    from prom_service.settings import load_settings

    settings = load_settings({"database.url": url, "secret_key": "benchmark", "log_level": "WARNING",
                              "var_dir": tempfile.mkdtemp(prefix="prom-bench-"),
                              "workspace.caseload_page_size": per_page}, environ={})
    parts = bootstrap(settings)
    app = create_app({"PARTS": parts})
    process_heap.settle(settings)
    return app, parts


def sign_in(client, email: str, password: str) -> None:
    page = client.get("/team/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    answer = client.post("/team/sign-in", data={"email": email, "password": password, "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {email} (HTTP {answer.status_code}); pass --password")


def caseload_sql(parts, email: str, per_page: int):
    """The caseload's statement for the user's first page, and a function executing it bare."""
    from sqlalchemy import select

    from prom_service.db.models import TeamMembership, User
    from prom_service.services.access import Actor
    from prom_service.services.caseload import CaseloadQuery, page_statement, page_values

    with parts.engine.connect() as connection:
        user_id, role = connection.execute(select(User.id, User.role).where(User.email == email)).one()
        teams = frozenset(connection.scalars(select(TeamMembership.team_id).where(TeamMembership.user_id == user_id)))
    actor = Actor("user", str(user_id), teams, frozenset({role}))
    overdue = timedelta(days=parts.settings["workspace.overdue_after_days"])
    now = parts.clock.now()

    def run(i: int, connection) -> int:
        query = CaseloadQuery(page=1 + i % 4, per_page=per_page)
        return len(connection.execute(page_statement(actor, query), page_values(query, now, overdue)).all())

    return run


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when either page's p95 reaches the target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks caseload")
    parser.add_argument("--database-url", default=os.environ.get("PROM_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--email", default="synth@example.org")
    parser.add_argument("--password", default=os.environ.get("PROM_DEMO_PASSWORD", ""))
    parser.add_argument("--requests", type=int, default=100, help="requests per page kind")
    parser.add_argument("--per-page", type=int, default=500)
    parser.add_argument("--patients", type=int, default=50, help="different people whose pages are opened")
    args = parser.parse_args(argv)
    app, parts = app_over(args.database_url, args.per_page)
    client = app.test_client()
    sign_in(client, args.email, args.password)

    def caseload(i: int) -> None:
        answer = client.get(f"/team/?page={1 + i % 4}")
        assert answer.status_code == 200, answer.status_code

    first = client.get("/team/").get_data(as_text=True)
    ids = list(dict.fromkeys(int(found) for found in re.findall(r"/team/patients/(\d+)", first)))
    rows = len(ids)
    people = ids[:args.patients]

    def patient(i: int) -> None:
        answer = client.get(f"/team/patients/{people[i % len(people)]}")
        assert answer.status_code == 200, answer.status_code

    run_sql = caseload_sql(parts, args.email, args.per_page)
    timed(caseload, 3), timed(patient, 3)  # warm the caches and the connection pool
    figures = {"caseload_page": percentiles(timed(caseload, args.requests)),
               "patient_page": percentiles(timed(patient, args.requests))}
    with parts.engine.connect() as connection:
        if parts.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET jit = off")  # as services.caseload.without_jit does for the page
        sql_rows = run_sql(0, connection)
        figures["caseload_sql"] = percentiles(timed(lambda i: run_sql(i, connection), args.requests))
    print(f"population: {_population(parts)}")
    print(f"caseload_rows: {rows} patients on page 1 ({sql_rows} rows from the bare statement)")
    for name, cuts in figures.items():
        for cut, value in cuts.items():
            print(f"{name}_{cut}: {value:.1f} ms")
    for page in ("caseload_page", "patient_page"):
        print(f"{page}_over_sql_p50: {figures[page]['p50'] / figures['caseload_sql']['p50']:.2f} x")
    missed = [page for page in ("caseload_page", "patient_page") if figures[page]["p95"] >= TARGET_MS]
    print(f"target_met: {not missed} (p95 < {TARGET_MS:.0f} ms for the caseload and patient pages)")
    return 1 if missed else 0


def _population(parts) -> str:
    from sqlalchemy import text

    with parts.engine.connect() as connection:
        people = connection.scalar(text("SELECT count(*) FROM patients"))
        scores = connection.scalar(text("SELECT reltuples::bigint FROM pg_class WHERE relname = 'scores'")
                                   if parts.engine.dialect.name == "postgresql" else text("SELECT count(*) FROM scores"))
    return f"{people} patients, about {scores} scores"

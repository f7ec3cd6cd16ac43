"""Inbound SMS webhook: a signed reply in, the next question out as TwiML, under gunicorn on PostgreSQL.

On a fresh PostgreSQL database it writes ``--patients`` people, each sent a perinatal questionnaire
asked one question per text (PHQ-9, GAD-7, SWEMWBS), then serves the production app with ``prom web``'s
gunicorn runner (``--workers`` sync workers) plus one bare endpoint doing a single INSERT. Every request
is a distinct real reply ("1") from a real patient with a fresh MessageSid, signed as Twilio signs,
and must come back 200 with a ``<Message>``: the next question, or the closing text.
* ``bare_insert`` and ``webhook``: closed-loop capacity (``--clients`` back-to-back clients, ``--seconds``
  each, in ``--rounds`` alternating slices so that load from elsewhere on a shared machine falls on both);
* ``webhook_p50/p95/p99``: open-loop latency at a fixed ``--rate`` (100 req/s) for ``--open-seconds``, and
  ``bare_insert_p99`` the bare endpoint's at the same rate: what the machine allows at that moment;
* ``*_cpu``: CPU per request of gunicorn's processes, the PostgreSQL backends and the load generator
  in each closed-loop run, which a shared machine's load does not change as it changes the rates;
* ratios last: webhook capacity over the bare endpoint's, and the same judged by server CPU per request.
Targets: ratio >= 0.5 and p99 < 50 ms at 100 req/s, with no wrong answer. Missing one exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import queue
import socket
import subprocess
import sys
import tempfile
import os
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy import select

from benchmarks._fleet import ROOT, DEFAULT_SERVER, base_settings, drop_database, fresh_database, seed_due_invitations
from benchmarks._load import Client, Run, closed_loop, open_loop, post
from benchmarks._cpu_meter import ServerCpu
from prom_service.bootstrap import bootstrap
from prom_service.channels.sms.signature import SIGNATURE_HEADER, sign
from prom_service.channels.sms.simulator import new_provider_ref
from prom_service.channels.sms.webhook_forms import inbound_form
from prom_service.db.models import Invitation, OutcomeSetVersion
from prom_service.scheduler import jobs
from prom_service.services import outcome_sets
from prom_service.services.invitation_messages import by_text
import scoring

RATIO_TARGET, P99_TARGET = 0.5, 0.050
ACCOUNT_SID, AUTH_TOKEN = "AC" + "2" * 32, "bench-auth-token"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ALL_DAY = {"sending.window_start": "00:00", "sending.window_end": "23:59", "sending.excluded_weekdays": []}


def open_conversations(url: str, var_dir: Path, how_many: int) -> int:
    """People in an open SMS questionnaire; returns how many replies each can give before it ends."""
    seed_due_invitations(url, var_dir, how_many)
    parts = bootstrap(base_settings(url, var_dir, **ALL_DAY))
    while sum(jobs.dispatch_invitations(parts).values()):
        pass
    with parts.uow() as uow:
        invitation = uow.session.scalars(select(Invitation).where(Invitation.status == "sent").limit(1)).one()
        version = uow.session.get(OutcomeSetVersion, invitation.outcome_set_version_id)
        texted = by_text(outcome_sets.outcome_set_of(version), list(invitation.instruments))
    parts.engine.dispose()
    return sum(len(scoring.instruments(name).items) for name in texted)


def signed_replies(phone: str, replies_each: int, port: int) -> list[tuple[bytes, dict[str, str]]]:
    """One person's replies ("1" to each question), each with a fresh MessageSid, signed as Twilio signs
    them for the public URL. Built before the runs, so the load generator's CPU goes on sending."""
    public_url, replies = f"http://127.0.0.1:{port}/twilio/sms", []
    for _ in range(replies_each):
        form = inbound_form(message_sid=new_provider_ref(), account_sid=ACCOUNT_SID, from_=phone, to="+447700900000",
                            body="1")
        replies.append((urllib.parse.urlencode(form).encode(), {**FORM, SIGNATURE_HEADER: sign(public_url, form,
                                                                                               AUTH_TOKEN)}))
    return replies


def reply_client(people: queue.Queue, port: int) -> Client:
    """One client: answers each question of one person after another, as Twilio would post the replies."""
    replies: list = []

    def send() -> bool:
        if not replies:
            replies.extend(people.get_nowait())
        body, headers = replies.pop(0)
        status, text = post("127.0.0.1", port, "/twilio/sms", body, headers)
        return status == 200 and "<Message>" in text

    return send


def bare_client(port: int) -> Client:
    return lambda: post("127.0.0.1", port, "/bench/insert", b"", FORM)[0] == 200


def serve(url: str, var_dir: Path, workers: int) -> tuple:
    """Start the gunicorn server on a free port; (process, port) once it answers /healthz. Its output goes
    to `var_dir/server.log`, not a pipe: a pipe nobody reads fills up and then blocks every worker."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PROM_ENV": "test", "PROM_DATABASE_URL": url, "PROM_VAR_DIR": str(var_dir), "PROM_SECRET_KEY": "k",
        "PROM_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "PROM_SMS_BACKEND": "twilio",
        "PROM_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "PROM_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PROM_TWILIO_FROM": "+447700900000", "PROM_LOG_LEVEL": "WARNING",
    }
    with open(var_dir / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._webhook_server", str(port), str(workers)], cwd=ROOT,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("PROM_")}, **env},
            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not start: {server_log(var_dir)}")


def server_log(var_dir: Path) -> str:
    """The end of what the server wrote, to show when a run goes wrong."""
    return (var_dir / "server.log").read_text(errors="replace")[-3000:]


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks sms_webhook")
    parser.add_argument("--patients", type=int, default=1500, help="people in an open SMS questionnaire")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 per core)")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop clients")
    parser.add_argument("--seconds", type=float, default=15.0, help="each closed-loop run")
    parser.add_argument("--rounds", type=int, default=5, help="slices the closed-loop runs alternate in")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop requests per second")
    parser.add_argument("--open-seconds", type=float, default=20.0, help="the open-loop run")
    parser.add_argument("--open-clients", type=int, default=32, help="threads sending the open-loop requests")
    parser.add_argument("--database", default="prom_bench_webhook", help="created afresh, dropped at the end")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="any database URL on the PostgreSQL server")
    args = parser.parse_args(argv)
    url = fresh_database(args.database, args.server)
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            replies_each = open_conversations(url, Path(var_dir), args.patients)
            figures = _measure(url, Path(var_dir), replies_each, args)
    finally:
        drop_database(url)
    return _report(figures, args)


@dataclass
class Measured:
    """Load runs of one kind and the CPU they cost (seconds: the web server's, PostgreSQL's, ours)."""

    run: Run = field(default_factory=Run)
    web: float = 0.0
    database: float = 0.0
    client: float = 0.0

    def add(self, cpu: ServerCpu, load: Callable[[], Run]) -> None:
        before, client_before = cpu.now(), time.process_time()
        run = load()
        after = cpu.now()
        self.client += time.process_time() - client_before
        self.web, self.database = self.web + after.web - before.web, self.database + after.database - before.database
        self.run.latencies += run.latencies
        self.run.wrong += run.wrong
        self.run.seconds += run.seconds

    def per_request_ms(self, seconds: float) -> float:
        return seconds * 1000 / max(1, len(self.run.latencies))

    @property
    def server_ms(self) -> float:
        return self.per_request_ms(self.web + self.database)


def _measure(url: str, var_dir: Path, replies_each: int, args: argparse.Namespace) -> dict[str, Measured]:
    server, port = serve(url, var_dir, args.workers)
    people: queue.Queue = queue.Queue()
    for i in range(args.patients):
        people.put(signed_replies(f"+44770{i:07d}", replies_each, port))
    cpu, bare, webhook, slice_seconds = ServerCpu(server.pid, url), Measured(), Measured(), args.seconds / args.rounds
    try:
        closed_loop(lambda: bare_client(port), args.clients, 1.0)  # warm every worker's pool
        repliers = itertools.cycle([reply_client(people, port) for _ in range(args.clients)])
        for _ in range(args.rounds):  # alternate, so load from elsewhere falls on both alike
            bare.add(cpu, lambda: closed_loop(lambda: bare_client(port), args.clients, slice_seconds))
            webhook.add(cpu, lambda: closed_loop(lambda: next(repliers), args.clients, slice_seconds))
        paced_bare = Measured(open_loop(lambda: bare_client(port), args.rate, args.open_seconds, args.open_clients))
        paced = Measured(open_loop(lambda: reply_client(people, port), args.rate, args.open_seconds,
                                   args.open_clients))
    finally:
        _stop(server, var_dir)
    return {"bare": bare, "webhook": webhook, "paced_bare": paced_bare, "paced": paced}


def _stop(server: subprocess.Popen, var_dir: Path) -> None:
    """Stop the server; say so, with its log, if it went wrong (errors logged, or it would not stop)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        print(f"the server did not stop within 60 s; its log ends:\n{server_log(var_dir)}", file=sys.stderr)
    errors = [line for line in (var_dir / "server.log").read_text(errors="replace").splitlines()
              if '"level": "ERROR"' in line]
    if errors:
        print(f"the server logged {len(errors)} errors; the first:\n{errors[0][:3000]}", file=sys.stderr)


def _report(figures: dict[str, Measured], args: argparse.Namespace) -> int:
    bare, webhook, paced = figures["bare"], figures["webhook"], figures["paced"].run
    ratio = webhook.run.throughput / bare.run.throughput
    wrong = {"bare_insert": bare.run.wrong + figures["paced_bare"].run.wrong, "webhook": webhook.run.wrong,
             "webhook_open_loop": paced.wrong}
    p99 = paced.percentile(0.99)
    print(f"setup: {args.patients} people in open SMS questionnaires, gunicorn {args.workers} sync workers, "
          f"{args.clients} closed-loop clients for {args.seconds:g} s each, in {args.rounds} alternating slices")
    for name, measured in (("bare_insert", bare), ("webhook", webhook)):
        print(f"{name}: {measured.run.throughput:,.0f} req/s ({len(measured.run.latencies):,} requests)")
        print(f"{name}_cpu: {measured.server_ms:.2f} ms/request (gunicorn {measured.per_request_ms(measured.web):.2f} "
              f"+ PostgreSQL {measured.per_request_ms(measured.database):.2f}; load generator "
              f"{measured.per_request_ms(measured.client):.2f})")
    print(f"webhook_open_loop: {paced.throughput:,.1f} req/s offered {args.rate:g} for {args.open_seconds:g} s "
          f"({len(paced.latencies):,} replies)")
    for share in (0.50, 0.95, 0.99):
        print(f"webhook_p{round(share * 100)}: {paced.percentile(share) * 1000:.1f} ms at {args.rate:g} req/s")
    paced_bare = figures["paced_bare"].run
    print(f"bare_insert_p99: {paced_bare.percentile(0.99) * 1000:.1f} ms at {args.rate:g} req/s "
          f"(the ceiling's own, {paced_bare.throughput:,.1f} req/s achieved)")
    print(f"wrong_answers: {sum(wrong.values())} requests ({', '.join(f'{k} {v}' for k, v in wrong.items())})")
    print(f"load_average: {os.getloadavg()[0]:.1f} runnable at the end (on {os.cpu_count()} cores)")
    print(f"webhook_over_bare_by_cpu: {bare.server_ms / webhook.server_ms:.3f} ratio (server CPU per request)")
    print(f"webhook_over_bare: {ratio:.3f} ratio (target {RATIO_TARGET})")
    met = ratio >= RATIO_TARGET and p99 < P99_TARGET and not any(wrong.values())
    print(f"target_met: {met} (>= {RATIO_TARGET}x the bare endpoint, p99 < {P99_TARGET * 1000:.0f} ms at "
          f"{args.rate:g} req/s, every answer right)")
    return 0 if met else 1

"""Inbound SMS webhook: a signed reply in, the next question out as TwiML, under gunicorn on PostgreSQL.

On a fresh PostgreSQL database it writes ``--patients`` people, each sent a perinatal questionnaire
asked one question per text (PHQ-9, GAD-7, SWEMWBS), then serves the production app with ``prom web``'s
gunicorn runner (``--workers`` sync workers) plus one bare endpoint doing a single INSERT. Every request
is a distinct real reply ("1") from a real patient with a fresh MessageSid, signed as Twilio signs,
and must come back 200 with a ``<Message>``: the next question, or the closing text.
* ``bare_insert`` and ``webhook``: closed-loop capacity (``--clients`` back-to-back clients, ``--seconds``);
* ``webhook_p50/p95/p99``: open-loop latency at a fixed ``--rate`` (100 req/s) for ``--open-seconds``;
* ratio last: webhook capacity over the bare endpoint's.
Targets: ratio >= 0.5 and p99 < 50 ms at 100 req/s, with no wrong answer. Missing one exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import socket
import tempfile
import os
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import select

from benchmarks._fleet import DEFAULT_SERVER, base_settings, drop_database, fresh_database, seed_due_invitations, start
from benchmarks._load import Client, Run, closed_loop, open_loop, post
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


def reply_client(phones: queue.Queue, replies_each: int, port: int) -> Client:
    """One client: answers "1" to each question of one person after another, as Twilio would post it."""
    public_url, state = f"http://127.0.0.1:{port}/twilio/sms", {"phone": None, "left": 0}

    def send() -> bool:
        if state["left"] == 0:
            state["phone"], state["left"] = phones.get_nowait(), replies_each
        form = inbound_form(message_sid=new_provider_ref(), account_sid=ACCOUNT_SID, from_=state["phone"],
                            to="+447700900000", body="1")
        headers = {**FORM, SIGNATURE_HEADER: sign(public_url, form, AUTH_TOKEN)}
        status, text = post("127.0.0.1", port, "/twilio/sms", urllib.parse.urlencode(form).encode(), headers)
        state["left"] -= 1
        return status == 200 and "<Message>" in text

    return send


def bare_client(port: int) -> Client:
    return lambda: post("127.0.0.1", port, "/bench/insert", b"", FORM)[0] == 200


def serve(url: str, var_dir: Path, workers: int) -> tuple:
    """Start the gunicorn server on a free port; (process, port) once it answers /healthz."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "PROM_ENV": "test", "PROM_DATABASE_URL": url, "PROM_VAR_DIR": str(var_dir), "PROM_SECRET_KEY": "k",
        "PROM_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "PROM_SMS_BACKEND": "twilio",
        "PROM_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "PROM_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PROM_TWILIO_FROM": "+447700900000", "PROM_LOG_LEVEL": "WARNING",
    }
    server = start("benchmarks._webhook_server", {**{k: v for k, v in os.environ.items() if not k.startswith("PROM_")},
                                                   **env}, str(port), str(workers))
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
    raise RuntimeError(f"the server did not start: {server.communicate()[1][-2000:]}")


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks sms_webhook")
    parser.add_argument("--patients", type=int, default=1500, help="people in an open SMS questionnaire")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (2 per core)")
    parser.add_argument("--clients", type=int, default=8, help="closed-loop clients")
    parser.add_argument("--seconds", type=float, default=15.0, help="each closed-loop run")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop requests per second")
    parser.add_argument("--open-seconds", type=float, default=20.0, help="the open-loop run")
    parser.add_argument("--open-clients", type=int, default=32, help="threads sending the open-loop requests")
    parser.add_argument("--database", default="helper_d_webhook", help="created afresh, dropped at the end")
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


def _measure(url: str, var_dir: Path, replies_each: int, args: argparse.Namespace) -> dict[str, Run]:
    phones: queue.Queue = queue.Queue()
    for i in range(args.patients):
        phones.put(f"+44770{i:07d}")
    server, port = serve(url, var_dir, args.workers)
    try:
        closed_loop(lambda: bare_client(port), args.clients, 1.0)  # warm every worker's pool
        bare = closed_loop(lambda: bare_client(port), args.clients, args.seconds)
        webhook = closed_loop(lambda: reply_client(phones, replies_each, port), args.clients, args.seconds)
        paced = open_loop(lambda: reply_client(phones, replies_each, port), args.rate, args.open_seconds,
                          args.open_clients)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    return {"bare": bare, "webhook": webhook, "paced": paced}


def _report(figures: dict[str, Run], args: argparse.Namespace) -> int:
    bare, webhook, paced = figures["bare"], figures["webhook"], figures["paced"]
    ratio = webhook.throughput / bare.throughput
    wrong = bare.wrong + webhook.wrong + paced.wrong
    p99 = paced.percentile(0.99)
    print(f"setup: {args.patients} people in open SMS questionnaires, gunicorn {args.workers} sync workers, "
          f"{args.clients} closed-loop clients for {args.seconds:g} s")
    print(f"bare_insert: {bare.throughput:,.0f} req/s ({len(bare.latencies):,} requests)")
    print(f"webhook: {webhook.throughput:,.0f} req/s ({len(webhook.latencies):,} replies)")
    print(f"webhook_open_loop: {paced.throughput:,.1f} req/s offered {args.rate:g} for {args.open_seconds:g} s "
          f"({len(paced.latencies):,} replies)")
    for share in (0.50, 0.95, 0.99):
        print(f"webhook_p{round(share * 100)}: {paced.percentile(share) * 1000:.1f} ms at {args.rate:g} req/s")
    print(f"wrong_answers: {wrong} requests")
    print(f"webhook_over_bare: {ratio:.3f} ratio (target {RATIO_TARGET})")
    met = ratio >= RATIO_TARGET and p99 < P99_TARGET and wrong == 0
    print(f"target_met: {met} (p99 target < {P99_TARGET * 1000:.0f} ms)")
    return 0 if met else 1

"""Drill: a worker SIGKILLed mid-batch while four real worker processes dispatch to Twilio.

The failure rehearsed: a `prom worker` dies without warning (OOM killer, node lost) after it has
claimed a batch of the outbox and while it is sending. Real processes, the real twilio client, the
fake Twilio server, PostgreSQL's SKIP LOCKED. What must hold: the survivors take over the dead
worker's batch once its lease expires and every invitation reaches Twilio; toward Twilio at most the
texts the victim had in flight at the kill (`sms.texts_in_flight`: sent or sending, not yet recorded)
go twice (at-least-once, as services/outbox.py documents, with the same idempotency token); in our
records every invitation is sent exactly once (one outbox row, one `sent` transition).
"""

from __future__ import annotations

import signal
import socket
import time
from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select

from prom_service.db.models import Invitation, InvitationEvent, OutboxMessage
from tests.drills.scale import drill_size
from tests.fake_twilio import FakeTwilio
from tests.integration.test_dispatch_concurrency import outbox_states, seed, sent_keys, start_worker, worker_env

pytestmark = [pytest.mark.drill, pytest.mark.postgres_only]

INVITATIONS = drill_size(small=200, full=5000)
WORKERS = 4
LEASE_SECONDS = "3"
SEND_RATE = "300"  # segments a second: slow enough that the kill lands mid-run, fast enough for CI
IN_FLIGHT = 8


def claimed_by(engine, worker_pid: int) -> int:
    """Messages the worker holds in `sending` right now: it has claimed and not finished its batch."""
    worker = f"{socket.gethostname()}:{worker_pid}"
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == "sending", OutboxMessage.claimed_by == worker))


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.02)


class TestAWorkerKilledMidBatch:
    def test_the_others_send_everything_and_our_records_say_once(self, fresh_database_url, tmp_path):
        seed(fresh_database_url, tmp_path, INVITATIONS)
        watcher = create_engine(fresh_database_url)
        try:
            with FakeTwilio() as fake:
                env = worker_env(fresh_database_url, fake, tmp_path, PROM_SMS_MAX_SEGMENTS_PER_SECOND=SEND_RATE,
                                 PROM_SCHEDULER_LEASE_SECONDS=LEASE_SECONDS, PROM_SMS_TEXTS_IN_FLIGHT=str(IN_FLIGHT))
                workers = [start_worker(env) for _ in range(WORKERS)]
                victim, survivors = workers[0], workers[1:]
                kill_after = max(10, INVITATIONS // 10)
                wait_until(lambda: claimed_by(watcher, victim.pid) > 1 and len(fake.requests) >= kill_after, 120,
                           "the victim holds a claimed batch mid-send")
                held = claimed_by(watcher, victim.pid)
                victim.send_signal(signal.SIGKILL)
                victim.communicate()
                killed_at = len(fake.requests)
                assert 0 < killed_at < INVITATIONS, "killed mid-way"
                for worker in survivors:
                    _, err = worker.communicate(timeout=300)
                    assert worker.returncode == 0, err[-2000:]
                keys = sent_keys(fake)
            assert victim.returncode == -signal.SIGKILL
            assert held > 1, "the victim died holding unsent messages"
            assert len(keys) == INVITATIONS, "every invitation reached Twilio"
            assert sum(n - 1 for n in keys.values()) <= IN_FLIGHT, "at most the texts in flight went twice"
            assert outbox_states(fresh_database_url, tmp_path) == Counter({"sent": INVITATIONS})
            with watcher.connect() as connection:
                per_invitation = Counter(connection.scalars(select(OutboxMessage.invitation_id)))
                sent_transitions = Counter(connection.scalars(select(InvitationEvent.invitation_id).where(
                    InvitationEvent.to_status == "sent")))
                statuses = Counter(connection.scalars(select(Invitation.status)))
            assert set(per_invitation.values()) == {1} and len(per_invitation) == INVITATIONS, "one outbox row each"
            assert set(sent_transitions.values()) == {1} and len(sent_transitions) == INVITATIONS, "sent once each"
            assert statuses == Counter({"sent": INVITATIONS})
        finally:
            watcher.dispose()

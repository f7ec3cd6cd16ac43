"""Many worker processes on one PostgreSQL queue: nothing sent twice, nothing left behind. Real processes,
the real twilio client, a fake Twilio server. A worker killed mid-batch (SIGKILL) is the drill in
tests/drills/test_worker_killed_during_dispatch.py, which reuses the helpers here."""

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from prom_service.bootstrap import bootstrap
from prom_service.db.migrations import upgrade
from prom_service.db.models import Enrolment, Invitation, OutboxMessage, Patient
from prom_service.services import outcome_sets
from prom_service.settings import load_settings
from tests.fake_twilio import FakeTwilio

pytestmark = pytest.mark.postgres_only
ROOT = Path(__file__).resolve().parents[2]


def seed(url: str, tmp_path, how_many: int) -> None:
    """`how_many` people, each with one due baseline invitation, written in bulk."""
    upgrade(url)
    settings = load_settings({"environment": "test", "database.url": url, "var_dir": str(tmp_path),
                              "secret_key": "k"}, environ={})
    parts = bootstrap(settings)
    now = datetime.now(timezone.utc) - timedelta(minutes=1)
    outcome_sets.publish_directory(parts.uow(), settings.config_dir / "communities", now)
    with parts.uow() as uow:
        version = outcome_sets.current_version(uow, "perinatal_mental_health")
        uow.session.execute(insert(Patient), [
            {"source": "t", "external_id": str(i), "phone_e164": f"+4477009{i:05d}", "phone_is_mobile": True,
             "preferred_channel": "sms", "language": "en", "timezone": "Europe/London", "created_at": now}
            for i in range(how_many)])
        ids = uow.session.scalars(select(Patient.id).order_by(Patient.id)).all()
        uow.session.execute(insert(Enrolment), [
            {"patient_id": p, "community_id": version.community_id, "outcome_set_version_id": version.id,
             "status": "active", "enrolled_at": now, "consent_method": "verbal", "consent_recorded_by": "t",
             "consent_at": now, "created_at": now} for p in ids])
        enrolments = uow.session.execute(select(Enrolment.id, Enrolment.patient_id)).all()
        uow.session.execute(insert(Invitation), [
            {"enrolment_id": e, "patient_id": p, "outcome_set_version_id": version.id, "schedule_key": "baseline",
             "instruments": ["phq9", "gad7", "swemwbs"], "channel": "sms", "status": "planned", "due_at": now,
             "expires_at": now + timedelta(days=14), "reminders_sent": 0, "created_at": now, "updated_at": now}
            for e, p in enrolments])
        uow.commit()
    parts.engine.dispose()


def worker_env(url: str, fake: FakeTwilio, tmp_path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROM_")}
    env.update({
        "PROM_ENV": "test", "PROM_DATABASE_URL": url, "PROM_VAR_DIR": str(tmp_path), "PROM_SECRET_KEY": "k",
        "PROM_SMS_BACKEND": "twilio", "PROM_TWILIO_ACCOUNT_SID": fake.account_sid,
        "PROM_TWILIO_AUTH_TOKEN": fake.auth_token, "PROM_TWILIO_FROM": "+447700900000",
        "PROM_TWILIO_API_BASE": fake.base_url, "PROM_SENDING_WINDOW_START": "00:00",
        "PROM_SENDING_WINDOW_END": "23:59", "PROM_SENDING_EXCLUDED_WEEKDAYS": "",
        "PROM_SMS_MAX_SEGMENTS_PER_SECOND": "100000", "PROM_SCHEDULER_CLAIM_BATCH": "50",
        "PROM_LOG_LEVEL": "ERROR", **extra,
    })
    return env


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.integration.dispatch_worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def outbox_states(url: str, tmp_path) -> Counter:
    parts = bootstrap(load_settings({"environment": "test", "database.url": url, "var_dir": str(tmp_path),
                                     "secret_key": "k"}, environ={}))
    with parts.uow() as uow:
        states = Counter(dict(uow.session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()))
    parts.engine.dispose()
    return states


def sent_keys(fake: FakeTwilio) -> Counter:
    return Counter(r.headers.get("I-Twilio-Idempotency-Token") for r in fake.requests)


class TestManyWorkers:
    def test_four_workers_send_every_invitation_exactly_once(self, fresh_database_url, tmp_path):
        seed(fresh_database_url, tmp_path, 2000)
        with FakeTwilio() as fake:
            workers = [start_worker(worker_env(fresh_database_url, fake, tmp_path)) for _ in range(4)]
            for worker in workers:
                _, err = worker.communicate(timeout=300)
                assert worker.returncode == 0, err[-2000:]
            keys = sent_keys(fake)
        assert len(keys) == 2000, "every invitation reached Twilio"
        assert max(keys.values()) == 1, "none twice"
        assert outbox_states(fresh_database_url, tmp_path) == Counter({"sent": 2000})

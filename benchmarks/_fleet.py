"""What the sending benchmarks share: a fresh PostgreSQL database, people with due invitations written
in bulk, a fake Twilio that notes when each request arrived, and worker processes configured by PROM_*
variables exactly as production workers are.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

from prom_service.bootstrap import bootstrap
from prom_service.db.migrations import upgrade
from prom_service.db.models import Community, Enrolment, Invitation, Patient
from prom_service.services import outcome_sets
from prom_service.settings import load_settings
from tests.fake_twilio import FakeTwilio
from tests.integration.test_dispatch_concurrency import worker_env as dispatch_test_env

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fresh_database(name: str, server_url: str = DEFAULT_SERVER) -> str:
    """Drop and recreate database `name` on the server of `server_url`, migrate it, return its URL."""
    admin = make_url(server_url)
    with psycopg.connect(admin.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def base_settings(url: str, var_dir: Path, **overrides):
    return load_settings({"environment": "test", "database.url": url, "var_dir": str(var_dir), "secret_key": "k",
                          **overrides}, environ={})


def seed_due_invitations(url: str, var_dir: Path, how_many: int, *, first: int = 0,
                         outcome_set: str = "perinatal_mental_health") -> None:
    """`how_many` people (numbered from `first`), each enrolled with one baseline invitation due now."""
    settings = base_settings(url, var_dir)
    parts = bootstrap(settings)
    now = datetime.now(timezone.utc) - timedelta(minutes=1)
    with parts.uow() as uow:
        published = uow.session.scalar(select(Community.id).where(Community.code == outcome_set))
    if published is None:
        outcome_sets.publish_directory(parts.uow(), settings.config_dir / "communities", now)
    with parts.uow() as uow:
        version = outcome_sets.current_version(uow, outcome_set)
        ids = uow.session.scalars(insert(Patient).returning(Patient.id), [
            {"source": "bench", "external_id": str(i), "phone_e164": f"+44770{i:07d}", "phone_is_mobile": True,
             "preferred_channel": "sms", "language": "en", "timezone": "Europe/London", "created_at": now}
            for i in range(first, first + how_many)]).all()
        enrolments = uow.session.execute(insert(Enrolment).returning(Enrolment.id, Enrolment.patient_id), [
            {"patient_id": p, "community_id": version.community_id, "outcome_set_version_id": version.id,
             "status": "active", "enrolled_at": now, "consent_method": "verbal", "consent_recorded_by": "bench",
             "consent_at": now, "created_at": now} for p in ids]).all()
        uow.session.execute(insert(Invitation), [
            {"enrolment_id": e, "patient_id": p, "outcome_set_version_id": version.id, "schedule_key": "baseline",
             "instruments": ["phq9", "gad7", "swemwbs"], "channel": "sms", "status": "planned", "due_at": now,
             "expires_at": now + timedelta(days=14), "reminders_sent": 0, "created_at": now, "updated_at": now}
            for e, p in enrolments])
        uow.commit()
    parts.engine.dispose()


@dataclass
class TimedFakeTwilio(FakeTwilio):
    """The test suite's fake Twilio, also noting when (monotonic seconds) each request arrived."""

    arrivals: list[float] = field(default_factory=list)

    def answer(self, path, form, headers):
        self.arrivals.append(time.monotonic())
        return super().answer(path, form, headers)


def worker_env(url: str, fake: FakeTwilio, var_dir: Path, **extra: str) -> dict[str, str]:
    """PROM_* for a worker sending through `fake` at any hour: the dispatch tests' own, unlimited unless told."""
    return dispatch_test_env(url, fake, var_dir, **{"PROM_SMS_MAX_SEGMENTS_PER_SECOND": "1000000", **extra})


def start(module: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    """A worker process running `python -m module args`."""
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen], timeout: float) -> list[str]:
    """Wait for every process; their standard outputs. A failed worker stops the benchmark loudly."""
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise RuntimeError(f"worker exited {process.returncode}: {err[-2000:]}")
        outputs.append(out)
    return outputs


def achieved_rate(arrivals: list[float]) -> float:
    """Requests per second between the first and the last arrival (n - 1 gaps)."""
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0

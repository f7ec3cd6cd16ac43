"""The PostgreSQL pool: a connection the server has closed is never handed out; a healthy one is kept."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from prom_service.db.engine import build_engine

pytestmark = pytest.mark.postgres_only


def backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("select pg_backend_pid()")).scalar_one()


def terminate(admin, pid: int) -> None:
    """End the session as a restart or failover would, and wait until it is gone."""
    with admin.connect() as connection:
        connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 10
    while still_running(admin, pid):
        assert time.monotonic() < deadline, "the backend did not exit"
        time.sleep(0.01)


def still_running(admin, pid: int) -> bool:
    """Asked in a transaction of its own: pg_stat_activity is read once per transaction."""
    with admin.connect() as connection:
        return bool(connection.execute(text("select count(*) from pg_stat_activity where pid = :pid"),
                                       {"pid": pid}).scalar_one())


@pytest.fixture
def engines(database):
    engine, admin = build_engine(database.url, pool_size=1), build_engine(database.url, pool_size=1)
    yield engine, admin
    engine.dispose()
    admin.dispose()


class TestPooledConnections:
    def test_a_connection_the_server_closed_is_replaced_before_it_is_used(self, engines):
        engine, admin = engines
        first = backend_pid(engine)
        terminate(admin, first)
        second = backend_pid(engine)
        assert second != first, "the request after a restart runs on a new connection, and does not fail"

    def test_a_healthy_connection_is_reused(self, engines):
        engine, _ = engines
        assert backend_pid(engine) == backend_pid(engine) == backend_pid(engine)

"""Engines for the two supported databases, tuned so the same code runs on both."""

from __future__ import annotations

import select
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url


def build_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 5000, pool_size: int = 5) -> Engine:
    """Create the engine; on SQLite enable WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo, busy_timeout_ms=busy_timeout_ms)
    engine = create_engine(url, echo=echo, pool_size=pool_size)
    event.listen(engine, "checkout", _refuse_if_server_hung_up)
    return engine


def _refuse_if_server_hung_up(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Never hand out a connection the server has closed, without a round trip to find out.

    An idle connection in the pool is sent nothing, so if its socket is readable the server has hung up
    (a restart or failover sends each session a FATAL message and closes it) or is about to. Then every
    pooled connection is as old, so the pool is emptied and a new connection made: the first request
    after a restart is served, not failed. This is SQLAlchemy's `pool_pre_ping` without the ping, which
    cost a round trip for every unit of work.
    """
    if dbapi_connection.closed or dbapi_connection.broken or _readable(dbapi_connection.fileno()):
        raise exc.InvalidatePoolError("the server closed this pooled connection")


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _sqlite_engine(url: str, *, echo: bool, busy_timeout_ms: int) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling fights SQLAlchemy's; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # BEGIN IMMEDIATE takes the write lock up front, so claims never deadlock on upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine

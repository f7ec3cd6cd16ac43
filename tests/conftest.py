"""Test harness: the same suite on real SQLite and real PostgreSQL, a savepoint per test.

`PROM_TEST_DATABASE_URL` chooses the database: `sqlite` (default) or a PostgreSQL URL. On PostgreSQL
only the tests that touch a database run; the pure ones (scoring, domain) ran on the SQLite pass.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from tests.fakes import FakeClock

DB_FIXTURES = {"database", "db_connection", "session_factory", "parts", "app", "client", "fresh_database_url"}


def _test_database_url() -> str:
    return os.environ.get("PROM_TEST_DATABASE_URL", "sqlite")


def on_postgres() -> bool:
    return _test_database_url().startswith("postgresql")


def pytest_report_header(config):
    return f"database under test: {'postgresql' if on_postgres() else 'sqlite'}"


def pytest_collection_modifyitems(config, items):
    """Run database-free tests once (on the SQLite pass); skip PostgreSQL-only tests on SQLite."""
    if on_postgres():
        keep = [item for item in items if DB_FIXTURES & set(getattr(item, "fixturenames", ()))]
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with PROM_TEST_DATABASE_URL=postgresql+psycopg://…)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


class DatabaseUnderTest:
    """One migrated database for the whole run, plus a way to make empty ones."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.url = self._prepare()

    @property
    def dialect(self) -> str:
        return "postgresql" if on_postgres() else "sqlite"

    def _prepare(self) -> str:
        from prom_service.db.migrations import upgrade

        url = self.new_empty_database()
        upgrade(url)
        return url

    def new_empty_database(self) -> str:
        """An empty database of the kind under test, dropped at the end of the run."""
        if not on_postgres():
            return f"sqlite:///{self.tmp_dir / f'{uuid.uuid4().hex}.sqlite3'}"
        base = make_url(_test_database_url())
        name = f"prom_t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self._created = getattr(self, "_created", []) + [name]
        return base.set(database=name).render_as_string(hide_password=False)

    def drop_created(self) -> None:
        if not on_postgres():
            return
        admin = create_engine(make_url(_test_database_url()), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in getattr(self, "_created", []):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    under_test = DatabaseUnderTest(tmp_path_factory.mktemp("db"))
    yield under_test
    under_test.drop_created()


@pytest.fixture(scope="session")
def engine(database):
    from prom_service.db.engine import build_engine

    built = build_engine(database.url)
    yield built
    built.dispose()


@pytest.fixture
def db_connection(engine):
    """A connection inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def session_factory(db_connection):
    """Sessions whose commits are savepoints inside the test's transaction."""
    return sessionmaker(bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def settings(database, tmp_path):
    from prom_service.settings import load_settings

    return load_settings(
        {"environment": "test", "database.url": database.url, "var_dir": str(tmp_path / "var"),
         "secret_key": "test-secret-key"},
        environ={},
    )


@pytest.fixture
def parts(settings, engine, session_factory, clock):
    from prom_service.bootstrap import bootstrap

    return bootstrap(settings, engine=engine, session_factory=session_factory, clock=clock)


@pytest.fixture
def app(parts):
    from prom_service import create_app

    return create_app({"PARTS": parts, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fresh_database_url(database):
    """An empty database (no tables), for migration and multi-process tests that really commit."""
    return database.new_empty_database()


@pytest.fixture
def issue_key(parts):
    """Issue a real API key: `issue_key("read:scores", team="north")` → Authorization headers."""
    from prom_service.services import api_clients, care_team

    def issue(*scopes: str, team: str | None = None) -> dict[str, str]:
        if team:
            with parts.uow() as uow:
                care_team.ensure_team(uow, team, team.title(), parts.clock.now())
                uow.commit()
        issued = api_clients.create_api_key(parts.uow(), "test client", scopes or ("admin",), parts.clock.now(), team)
        return {"Authorization": f"Bearer {issued.key}"}

    return issue


@pytest.fixture
def communities(parts):
    """The shipped demo communities, published into the test database."""
    from prom_service.services import outcome_sets

    return outcome_sets.publish_directory(parts.uow(), parts.settings.config_dir / "communities", parts.clock.now())

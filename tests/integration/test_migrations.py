"""Migrations yield exactly the models' schema, and go down and up again, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import prom_service.db.models  # noqa: F401
from prom_service.db.base import Base
from prom_service.db.engine import build_engine
from prom_service.db.migrations import current_revision, downgrade, head_revision, upgrade


def schema_diff(url: str) -> list:
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


class TestMigrations:
    def test_upgrade_head_on_an_empty_database_matches_the_models(self, fresh_database_url):
        upgrade(fresh_database_url)
        assert schema_diff(fresh_database_url) == []

    def test_downgrade_to_base_then_upgrade_again_works(self, fresh_database_url):
        upgrade(fresh_database_url)
        downgrade(fresh_database_url, "base")
        engine = build_engine(fresh_database_url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(fresh_database_url)
        assert current_revision(engine) == head_revision()
        engine.dispose()
        assert schema_diff(fresh_database_url) == []

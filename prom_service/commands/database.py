"""`prom db …`: migrations of the configured database."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.db import migrations


@click.group("db")
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    parts = current_app.extensions["prom"]
    migrations.upgrade(parts.settings["database.url"], revision)
    click.echo(f"database at {migrations.current_revision(parts.engine)} ({parts.engine.dialect.name})")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (`base` for an empty database)."""
    parts = current_app.extensions["prom"]
    migrations.downgrade(parts.settings["database.url"], revision)
    click.echo(f"database at {migrations.current_revision(parts.engine)}")


@db.command("current")
@with_appcontext
def current() -> None:
    """Print the database's migration and the newest one."""
    parts = current_app.extensions["prom"]
    click.echo(f"current: {migrations.current_revision(parts.engine)}  head: {migrations.head_revision()}")

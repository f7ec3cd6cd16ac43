"""`prom demo load`: everything a newcomer needs to see every journey."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.commands.outcome_sets import communities_dir
from prom_service.services.demo import load_demo
from prom_service.services.tariffs import load_tariffs, tariff_directory


@click.group("demo")
def demo() -> None:
    """Demo data."""


@demo.command("load")
@with_appcontext
def load() -> None:
    """Load the demo communities, care team, user and patients (safe to run again)."""
    parts = current_app.extensions["prom"]
    tariffs = load_tariffs(tariff_directory(parts.settings))
    report = load_demo(parts.uow, parts.clock.now(), communities_dir(parts.settings), parts.settings["demo.password"],
                       tariffs)
    for kind, count in sorted(report.created.items()):
        click.echo(f"created {count} {kind}")
    if report.password:
        click.echo(f"demo user: {report.user_email}  password: {report.password}")
    else:
        click.echo(f"demo user: {report.user_email} (already existed; password as first printed, "
                   "or set one with PROM_DEMO_PASSWORD on a fresh database)")

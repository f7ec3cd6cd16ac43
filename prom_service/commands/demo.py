"""`prom demo load`: everything a newcomer needs to see every journey; `prom demo synth`: a population at scale."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.commands.outcome_sets import communities_dir
from prom_service.services.demo import load_demo
from prom_service.services.errors import Conflict
from prom_service.services.synthetic_population import synthesise
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


@demo.command("synth")
@click.option("--patients", type=click.IntRange(min=1), required=True, help="How many people to generate.")
@click.option("--years", type=click.FloatRange(min=0.1, max=20), default=1.0, show_default=True,
              help="Years of history, ending now: people join at random times within them (0.6 = about 7 months).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same population.")
@click.option("--append", is_flag=True, help="Add to a database that already holds patients.")
@with_appcontext
def synth(patients: int, years: float, seed: int, append: bool) -> None:
    """Generate a synthetic population (fictional identities) straight into the configured database."""
    parts = current_app.extensions["prom"]
    with click.progressbar(length=patients, label="synthesising people", file=click.get_text_stream("stderr")) as bar:
        try:
            summary = synthesise(parts, patients, years, seed=seed, progress=bar.update, append=append)
        except Conflict as refused:
            raise click.ClickException(str(refused)) from None
    rows = sum(summary.rows.values())
    for table, count in sorted(summary.rows.items()):
        click.echo(f"{table}: {count}")
    click.echo(f"{rows} rows in {summary.seconds:.1f} s ({rows / summary.seconds:,.0f} rows/s); "
               f"{summary.scores} scores; teams {summary.team_codes[0]}…{summary.team_codes[-1]}")
    if summary.password:
        click.echo(f"care-team user: {summary.user_email}  password: {summary.password}")
    else:
        click.echo(f"care-team user: {summary.user_email} (already existed)")

"""`prom communities publish` and `prom rescore`: outcome-set versions and their scores."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.domain.outcome_set_loader import OutcomeSetError
from prom_service.services import outcome_sets, rescoring
from prom_service.services.errors import ServiceError


def communities_dir(settings) -> Path:
    return Path(settings["communities.dir"]) if settings["communities.dir"] else settings.config_dir / "communities"


@click.group("communities")
def communities() -> None:
    """Communities of interest and their outcome sets."""


@communities.command("publish")
@click.option("--dir", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None)
@with_appcontext
def publish(directory: Path | None) -> None:
    """Publish new outcome-set versions from the community files (a changed version is refused)."""
    parts = current_app.extensions["prom"]
    try:
        report = outcome_sets.publish_directory(parts.uow(), directory or communities_dir(parts.settings),
                                                parts.clock.now())
    except (OutcomeSetError, ServiceError) as error:
        raise click.ClickException(str(error)) from None
    for label in report.published:
        click.echo(f"published {label}")
    click.echo(f"{len(report.published)} published, {len(report.unchanged)} unchanged")


@click.command("rescore")
@click.option("--community", "code", required=True, help="Community code, e.g. frail_elderly")
@with_appcontext
def rescore(code: str) -> None:
    """Compute the newest outcome-set version's LIS for past assessments; old results stay as they were."""
    parts = current_app.extensions["prom"]
    with parts.uow() as uow:
        try:
            _, pending = rescoring.pending_assessments(uow, code)
        except ServiceError as error:
            raise click.ClickException(str(error)) from None
    with click.progressbar(length=len(pending), label=f"re-scoring {code}") as bar:
        report = rescoring.rescore_community(parts.uow, code, lambda done, total: bar.update(done - bar.pos))
    click.echo(f"{report.rescored} assessments re-scored with {code} v{report.version}")

"""`prom costs import FILE`: load activity and cost from a CSV, all or nothing, with a progress bar."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.services import cost_events
from prom_service.services.access import SYSTEM
from prom_service.services.tariffs import TariffError, load_tariffs, tariff_directory


@click.group("costs")
def costs() -> None:
    """Activity and cost data."""


@costs.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source-system", default=None, help="For rows without a source_system value (default: import).")
@click.option("--report-only", is_flag=True, help="Check every row and report; write nothing.")
@with_appcontext
def import_costs(file: Path, source_system: str | None, report_only: bool) -> None:
    """Import cost events from FILE (columns as in the API guide); a file with any bad row imports nothing."""
    parts = current_app.extensions["prom"]
    try:
        tariffs = load_tariffs(tariff_directory(parts.settings))
    except TariffError as error:
        raise click.ClickException(str(error)) from None
    started = time.perf_counter()
    report = _run(parts, file, tariffs, source_system, report_only)
    _print(report, time.perf_counter() - started, report_only)
    if report.problems or report.problem_count:
        raise SystemExit(1)


def _run(parts, file: Path, tariffs, source_system, report_only):
    rows = max(0, _line_count(file) - 1)
    bar = click.progressbar(length=rows, label="checking rows", file=click.get_text_stream("stderr"))
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream, bar:
            return cost_events.import_cost_event_csv(
                parts.uow(), SYSTEM, stream, tariffs, parts.clock.now(), source_system=source_system,
                write=not report_only, track=lambda numbered: _counted(numbered, bar),
            )
    except cost_events.RowsInvalid as invalid:
        return invalid.report
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text; save the CSV as UTF-8") from None


def _line_count(file: Path) -> int:
    with file.open("rb") as stream:
        return sum(1 for _ in stream)


def _counted(rows, bar):
    for row in rows:
        bar.update(1)
        yield row


def _print(report: cost_events.ImportReport, seconds: float, report_only: bool) -> None:
    rate = f" ({report.rows / seconds:,.0f} rows/s)" if seconds > 0 and report.rows else ""
    click.echo(f"read {report.rows} rows in {seconds:.2f} s{rate}")
    for problem in report.problems:
        click.echo(f"row {problem.row}, {problem.field}: {problem.message}", err=True)
    if report.problem_count:
        click.echo(f"{report.problem_count} problems; nothing was imported", err=True)
        return
    verb = "would import" if report_only else "imported"
    click.echo(f"{verb} {report.new} new events costing £{report.total_cost}; "
               f"{report.duplicate_count} duplicates left unchanged")
    if report_only:
        click.echo("report only: nothing was written")

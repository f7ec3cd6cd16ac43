"""`prom instruments load-wording FILE`: licensed instrument wording for the web questionnaire."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.services import instrument_wording


@click.group("instruments")
def instruments() -> None:
    """Questionnaire instruments and their wording."""


@instruments.command("load-wording")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_wording(file: Path) -> None:
    """Load licensed item wording (CSV or JSON: instrument, language, item_id, text, option_labels)."""
    parts = current_app.extensions["prom"]
    try:
        wordings = instrument_wording.read_wording_file(file)
    except instrument_wording.WordingFileError as error:
        raise click.ClickException(str(error)) from None
    report = instrument_wording.load_wording(parts.uow(), wordings, parts.clock.now(), source=file.name)
    for instrument, languages in report.languages.items():
        click.echo(f"{instrument}: {', '.join(languages)}")
    click.echo(f"{report.added} added, {report.replaced} replaced")

"""`prom reference load-imd FILE`: the IMD decile of each LSOA, from the published IoD CSV."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.services import deprivation


@click.group("reference")
def reference() -> None:
    """Reference tables from published sources."""


@reference.command("load-imd")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default=None, help='What the file is, e.g. "IoD2025 File 1" (default: its name).')
@with_appcontext
def load_imd(file: Path, source: str | None) -> None:
    """Replace the deprivation deciles with FILE's (IoD2019 File 1, IoD2025 or any LSOA/decile CSV)."""
    parts = current_app.extensions["prom"]
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream:
            loaded = deprivation.load_deprivation_deciles(parts.uow(), stream, source or file.name, parts.clock.now())
    except deprivation.DecileFileInvalid as invalid:
        for problem in invalid.errors.get("rows", []):
            click.echo(f"row {problem['row']}, {problem['field']}: {problem['message']}", err=True)
        raise click.ClickException(str(invalid)) from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    click.echo(f"loaded {loaded.areas} LSOA deciles from {loaded.source} "
               f"(columns {loaded.lsoa_column!r} and {loaded.decile_column!r})")

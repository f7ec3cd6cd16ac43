"""The `prom` command: the same commands as `flask --app prom_service`, with one-line config errors."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from prom_service.commands import register_commands
from prom_service.settings import ConfigError


def _create_app():
    from prom_service import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli() -> None:
    """Run and manage the PROM service."""


register_commands(cli)


def main() -> None:
    try:
        cli.main(prog_name="prom")
    except ConfigError as error:
        click.echo(f"prom: configuration error: {error}", err=True)
        sys.exit(2)

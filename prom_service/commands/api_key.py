"""`prom api-key …`: keys for other systems."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.services import api_clients
from prom_service.services.api_key_listing import list_api_keys
from prom_service.services.errors import ServiceError


@click.group("api-key")
def api_key() -> None:
    """Issue, list and revoke API keys."""


@api_key.command("create")
@click.option("--name", required=True, help="Who the key is for, e.g. 'EHR integration'.")
@click.option("--scopes", required=True, help="Comma-separated, e.g. read:scores,write:patients.")
@click.option("--team", "team_code", default=None, help="Restrict the key to one team's patients.")
@with_appcontext
def create(name: str, scopes: str, team_code: str | None) -> None:
    """Print a new API key once; only its hash is stored."""
    parts = current_app.extensions["prom"]
    try:
        issued = api_clients.create_api_key(
            parts.uow(), name, [s.strip() for s in scopes.split(",") if s.strip()], parts.clock.now(), team_code
        )
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"client id: {issued.client_id}")
    click.echo(f"scopes:    {', '.join(issued.scopes)}")
    click.echo(f"key:       {issued.key}")
    click.echo("Store the key now: it is not shown again.", err=True)


@api_key.command("revoke")
@click.argument("client_id", type=int)
@with_appcontext
def revoke(client_id: int) -> None:
    """Revoke a key at once."""
    parts = current_app.extensions["prom"]
    try:
        api_clients.revoke_api_key(parts.uow(), client_id, parts.clock.now())
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"revoked API client {client_id}")


@api_key.command("list")
@click.option("--active", is_flag=True, help="Leave out revoked keys.")
@with_appcontext
def list_keys(active: bool) -> None:
    """Show every key's id, name, scopes, team and dates; never the key or its hash."""
    keys = list_api_keys(current_app.extensions["prom"].uow(), include_revoked=not active)
    if not keys:
        click.echo("no API keys; issue one with `prom api-key create`")
        return
    rows = [("ID", "NAME", "SCOPES", "TEAM", "CREATED", "LAST USED", "REVOKED")]
    rows += [(str(k.id), k.name, ",".join(k.scopes), k.team or "all teams", _when(k.created_at),
              _when(k.last_used_at, "never"), _when(k.revoked_at, "-")) for k in keys]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _when(moment, missing: str = "") -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else missing

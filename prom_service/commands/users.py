"""`prom user …`: care-team accounts for the workspace."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from prom_service.db.models.team import ROLES
from prom_service.services import care_team
from prom_service.services.errors import ServiceError


@click.group("user")
def user() -> None:
    """Create workspace users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True, help="As colleagues will see it, e.g. 'Dr Asha Patel'.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--team", "teams", required=True, multiple=True, help="Team code; repeat for several teams.")
@click.option("--prompt-password", is_flag=True, help="Type the password instead of having one made and printed.")
@with_appcontext
def create(email: str, name: str, role: str, teams: tuple[str, ...], prompt_password: bool) -> None:
    """Create the user; a made-up password is printed once (only its argon2 hash is stored)."""
    password = (click.prompt("Password", hide_input=True, confirmation_prompt=True) if prompt_password
                else secrets.token_urlsafe(15))
    parts = current_app.extensions["prom"]
    try:
        user_id = care_team.create_user(parts.uow(), email=email, name=name, role=role, password=password,
                                        team_codes=list(teams), now=parts.clock.now())
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"user id:  {user_id}")
    click.echo(f"email:    {email.lower()}")
    click.echo(f"teams:    {', '.join(teams)}")
    if not prompt_password:
        click.echo(f"password: {password}")
        click.echo("Give the password to the user now: it is not shown again.", err=True)

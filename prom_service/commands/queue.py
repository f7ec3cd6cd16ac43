"""`prom queue status`: the outbox at a glance, dead letters first."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from prom_service.db.models import OutboxMessage
from prom_service.services.outbox import queue_status


@click.group("queue")
def queue() -> None:
    """The outgoing-message queue."""


@queue.command("status")
@click.option("--dead", "show_dead", default=10, show_default=True, help="How many dead letters to list.")
@with_appcontext
def status(show_dead: int) -> None:
    """Count messages by kind and state, and list the newest dead letters with why they died."""
    parts = current_app.extensions["prom"]
    with parts.uow() as uow:
        counts = queue_status(uow)
        dead = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.state == "dead")
                                   .order_by(OutboxMessage.id.desc()).limit(show_dead)).all()
    if not counts:
        click.echo("the queue is empty")
    for (kind, state), n in sorted(counts.items()):
        click.echo(f"{kind:8} {state:8} {n}")
    for message in dead:
        click.echo(f"dead #{message.id} invitation={message.invitation_id} attempts={message.attempts}: "
                   f"{message.last_error}")

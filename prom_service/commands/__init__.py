"""Command-line entry points; each is thin and calls the service layer."""

from __future__ import annotations

import click


def register_commands(group: click.Group) -> None:
    from prom_service.commands import api_key, database, demo, outcome_sets, queue, serve
    from prom_service.commands import instruments
    from prom_service.commands import costs, reference
    from prom_service.commands import users

    group.add_command(database.db)
    group.add_command(demo.demo)
    group.add_command(api_key.api_key)
    group.add_command(outcome_sets.communities)
    group.add_command(outcome_sets.rescore)
    group.add_command(queue.queue)
    group.add_command(instruments.instruments)
    group.add_command(costs.costs)
    group.add_command(reference.reference)
    group.add_command(users.user)
    for command in serve.COMMANDS:
        group.add_command(command)

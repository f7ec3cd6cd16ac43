"""The periodic jobs. Each is one tiny function calling one service, returning counts by outcome."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from prom_service.bootstrap import Parts

TickReport = Counter  # outcome or reason → how many


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: Callable[[Parts], int]
    run: Callable[[Parts], TickReport]


def every_tick(parts: Parts) -> int:
    return int(parts.settings["scheduler.tick_seconds"])


JOBS: list[Job] = []


def run_all_once(parts: Parts) -> list[tuple[str, TickReport]]:
    """Run every job now, in order, and collect what each did."""
    return [(job.name, job.run(parts)) for job in JOBS]

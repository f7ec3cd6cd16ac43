"""CPU seconds the serving side of a load run spent: the web server's processes and the PostgreSQL
backends of one database, read from /proc (the server must be local).

On a machine shared with other work, requests per second rise and fall with everyone else's load, but
the CPU a request costs does not: it is the figure to judge a change by, next to the rate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    web: float
    database: float


class ServerCpu:
    """Sample with `now()` before and after a run; the difference is what the run cost the server."""

    def __init__(self, web_pid: int, database_url: str) -> None:
        parsed = make_url(database_url)
        self.web_pid = web_pid
        self.database = parsed.database
        self.admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)

    def now(self) -> CpuSample:
        web = [self.web_pid, *_children(self.web_pid)]
        return CpuSample(sum(map(_cpu_seconds, web)), sum(map(_cpu_seconds, self._backends())))

    def _backends(self) -> list[int]:
        with psycopg.connect(self.admin, autocommit=True) as connection:
            return [pid for (pid,) in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,))]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu_seconds(pid: int) -> float:
    """User plus system time of one process; 0 for one that has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS

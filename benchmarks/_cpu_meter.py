"""CPU seconds spent by each party to a run, so a benchmark can show what one item costs and what two
cores could therefore do at best: this process (the fake Twilio's threads live here), the PostgreSQL
backends serving one database, and a web server's processes, read from /proc (the server must be local).

On a machine shared with other work, requests per second rise and fall with everyone else's load, but
the CPU a request costs does not: it is the figure to judge a change by, next to the rate.

Worker processes report their own CPU (they know when their loop starts, after the imports).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.2


def cores() -> int:
    """The CPUs this process may run on (and so, on one machine, the workers, PostgreSQL and the fake)."""
    return len(os.sched_getaffinity(0))


class OwnCpu:
    """CPU of this process between `with` and its end, all threads."""

    def __enter__(self) -> "OwnCpu":
        self.seconds, self._start = 0.0, time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.process_time() - self._start


class BackendCpu:
    """CPU of the PostgreSQL backends connected to `url`'s database between `with` and its end.

    Backends come and go with their clients, so they are looked up every POLL_SECONDS and the last
    reading of each is kept; the clients here idle for longer than that before they disconnect. Only
    works when the server runs on this machine: otherwise `seconds` stays None."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.database = parsed.database
        self._admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        self.seconds: float | None = None

    def __enter__(self) -> "BackendCpu":
        self._stop, self._seen, self._base = threading.Event(), {}, {}
        with psycopg.connect(self._admin, autocommit=True) as db:
            self._base = self._read(db)
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        used = [seconds - self._base.get(pid, 0.0) for pid, seconds in self._seen.items()]
        self.seconds = sum(used) if used else None

    def _poll(self) -> None:
        with psycopg.connect(self._admin, autocommit=True) as db:
            while not self._stop.is_set():
                self._seen.update(self._read(db))
                self._stop.wait(POLL_SECONDS)
            self._seen.update(self._read(db))

    def _read(self, db) -> dict[int, float]:
        pids = db.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)).fetchall()
        return {pid: cpu for (pid,) in pids if (cpu := _postgres_cpu(pid)) is not None}


def process_cpu(pid: int) -> float | None:
    """utime + stime of a local process, in seconds; None if there is none (gone, or on another machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def _postgres_cpu(pid: int) -> float | None:
    """`process_cpu` of a local postgres process; None if it is not one."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None
    except OSError:
        return None
    return process_cpu(pid)


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
    return process_cpu(pid) or 0.0

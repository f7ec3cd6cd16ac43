"""CPU seconds spent by each party to a run, so a benchmark can show what one item costs and what two
cores could therefore do at best: this process (the fake Twilio's threads live here), and the
PostgreSQL backends serving one database, read from /proc while they run.

Worker processes report their own CPU (they know when their loop starts, after the imports).
"""

from __future__ import annotations

import os
import threading
import time
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
        return {pid: cpu for (pid,) in pids if (cpu := _process_cpu(pid)) is not None}


def _process_cpu(pid: int) -> float | None:
    """utime + stime of a local postgres process, in seconds; None if it is not one (or is gone)."""
    try:
        if Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS

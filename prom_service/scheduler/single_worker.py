"""On SQLite only one process may claim work: a second worker is refused with a clear message."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class WorkerAlreadyRunning(RuntimeError):
    pass


def hold_worker_lock(var_dir: Path):
    """Take an exclusive lock for the life of the process; keep the returned file open."""
    var_dir.mkdir(parents=True, exist_ok=True)
    handle = open(var_dir / "worker.lock", "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise WorkerAlreadyRunning(
            "another worker (or `prom run`) already uses this SQLite database; SQLite allows one. "
            "Stop it, or use PostgreSQL to run several workers."
        ) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle

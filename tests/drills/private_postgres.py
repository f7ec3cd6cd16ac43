"""A private PostgreSQL cluster a drill may stop and restart without touching anyone else's server.

The shared server on 127.0.0.1:5432 runs other people's tests, so a drill that restarts PostgreSQL
starts its own: `initdb` into a temporary directory, `pg_ctl start` on a free port with its socket in
that directory, trust authentication for the `postgres` role on 127.0.0.1 only. Run as root, the
server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresBinariesMissing(RuntimeError):
    """No initdb/pg_ctl on this machine."""


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian layout, or initdb on PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    on_path = shutil.which("initdb")
    found = candidates[-1] if candidates else on_path
    if not found or not Path(found).with_name("pg_ctl").exists():
        raise PostgresBinariesMissing("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(found).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """One throw-away cluster: `start()`, `stop()`, `restart()`, `url(database)`, `close()`."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="prom_drill_pg_"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}{self._log_tail()}")

    def _log_tail(self) -> str:
        return f"\nserver log: {self.log.read_text()[-2000:]}" if self.log.exists() else ""

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options,
                  *extra)

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        """A fast shutdown: every session is disconnected, as in a failover or an upgrade."""
        self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url(name)

    def close(self) -> None:
        """Stop the server if it runs, and remove its directory."""
        try:
            self._pg_ctl("stop", "-m", "immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)

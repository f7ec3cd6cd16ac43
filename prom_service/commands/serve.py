"""`prom run`, `prom web`, `prom worker`, `prom tick`: the processes of the service."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from prom_service import process_heap
from prom_service.scheduler.jobs import run_all_once
from prom_service.scheduler.single_worker import WorkerAlreadyRunning, hold_worker_lock
from prom_service.scheduler.ticker import build_scheduler


def _parts():
    return current_app.extensions["prom"]


def _sqlite_lock(parts):
    """Hold the one-worker lock when the database is SQLite; PostgreSQL workers share by SKIP LOCKED."""
    if not parts.settings.is_sqlite:
        return None
    try:
        return hold_worker_lock(Path(parts.settings["var_dir"]))
    except WorkerAlreadyRunning as error:
        raise click.ClickException(str(error)) from None


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def run(host: str, port: int) -> None:
    """Serve the web app with the scheduler in the same process (the embedded default)."""
    parts = _parts()
    lock = _sqlite_lock(parts)
    scheduler = build_scheduler(parts, blocking=False)
    process_heap.settle(parts.settings)
    scheduler.start()
    click.echo(f"PROM service on http://{host}:{port} (database: {parts.engine.dialect.name}, "
               f"SMS: {parts.settings['sms.backend']})")
    try:
        # Not app.run(): Flask ignores it inside its own CLI, which is where this command runs.
        run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)
    finally:
        scheduler.shutdown(wait=False)
        if lock:
            lock.close()


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes")
@with_appcontext
def web(host: str, port: int, workers: int) -> None:
    """Serve the web app under gunicorn, without the scheduler (run `prom worker` beside it)."""
    from prom_service.gunicorn_server import serve

    process_heap.settle(_parts().settings)  # before the workers fork: they inherit it
    serve(current_app._get_current_object(), host=host, port=port, workers=workers)


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Tick the scheduled jobs until stopped; on PostgreSQL run as many as you like."""
    parts = _parts()
    lock = _sqlite_lock(parts)
    click.echo(f"worker ticking {parts.settings['scheduler.tick_seconds']}s jobs ({parts.engine.dialect.name})")
    process_heap.settle(parts.settings)
    try:
        build_scheduler(parts, blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if lock:
            lock.close()


@click.command("tick")
@with_appcontext
def tick() -> None:
    """Run every scheduled job once, now, and print what each did."""
    parts = _parts()
    lock = _sqlite_lock(parts)
    try:
        for name, report in run_all_once(parts):
            counts = ", ".join(f"{reason}={n}" for reason, n in sorted(report.items())) or "nothing to do"
            click.echo(f"{name}: {counts}")
    finally:
        if lock:
            lock.close()


COMMANDS = (run, web, worker, tick)

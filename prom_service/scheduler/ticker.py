"""Build the APScheduler that ticks the jobs; started from the CLI only, never at import."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from prom_service.bootstrap import Parts
from prom_service.scheduler.jobs import JOBS, Job

log = logging.getLogger(__name__)


def build_scheduler(parts: Parts, *, blocking: bool) -> BaseScheduler:
    """An in-memory scheduler: coalesced, one instance per job, a miss tolerated for one interval."""
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="UTC")
    interval = int(parts.settings["scheduler.tick_seconds"])
    for job in JOBS:
        scheduler.add_job(
            _run_logged, "interval", seconds=interval, args=(job, parts), id=job.name,
            coalesce=True, max_instances=1, misfire_grace_time=interval,
        )
    return scheduler


def _run_logged(job: Job, parts: Parts) -> None:
    try:
        report = job.run(parts)
    except Exception:
        log.exception("scheduled job failed", extra={"job": job.name})
        return
    if report:
        log.info("tick", extra={"job": job.name, "counts": dict(report)})

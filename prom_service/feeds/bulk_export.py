"""Running FHIR Bulk Data exports: claim a job, write one NDJSON file per type, keep a checkpoint.

A worker claims queued jobs (and running ones whose lease has run out, so a job whose worker died is
finished by the next) with SKIP LOCKED, like every other queue here. It then writes
`<var_dir>/exports/<job id>/<Type>.ndjson` one batch at a time; after each batch, in the transaction
that read it, it records the checkpoint (per type: the source, the last id written, the lines and the
bytes so far) and the progress line clients see in `X-Progress`, and renews its lease. A worker taking
over a job truncates each file to its checkpoint and carries on from the last id, so no line is lost
or written twice. Each batch is its own short transaction: on SQLite every transaction holds the one
write lock, so an export must not hold one open for minutes.

`run_export(parts, job_id, progress=None)` is the one entry point that does the writing; the
scheduler tick, the tests and the `feed` benchmark all call it.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import and_, or_

from prom_service.db.claim import lock_due
from prom_service.db.models import ExportJob
from prom_service.feeds.bulk_export_sources import SOURCES, Scope
from prom_service.services import audit
from prom_service.services.access import Actor
from prom_service.services.outbox import WORKER_ID

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (resource type, written, total)


@dataclass(frozen=True)
class ExportPolicy:
    batch_size: int = 5000
    lease_seconds: int = 300
    claim_batch: int = 2
    read_ahead: bool = False  # `exports.read_ahead`, on in the shipped configuration

    @classmethod
    def from_settings(cls, settings) -> "ExportPolicy":
        return cls(batch_size=int(settings["exports.batch_size"]), lease_seconds=int(settings["exports.lease_seconds"]),
                   claim_batch=int(settings["exports.claim_batch"]), read_ahead=bool(settings["exports.read_ahead"]))


@dataclass(frozen=True)
class ExportResult:
    job_id: int
    state: str
    counts: dict[str, int]


class LeaseLost(Exception):
    """Another worker took the job over, or its owner cancelled it: stop writing at once."""


def exports_dir(settings) -> Path:
    return Path(settings["var_dir"]) / "exports"


def job_dir(settings, job_id: int) -> Path:
    return exports_dir(settings) / str(int(job_id))


def file_name(resource_type: str) -> str:
    return f"{resource_type}.ndjson"


def job_actor(job: ExportJob) -> Actor:
    """The export reads with the team scope of the key that asked for it."""
    teams = frozenset({job.team_id}) if job.team_id is not None else None
    return Actor(kind="api_client", id=str(job.api_client_id), team_ids=teams, scopes=frozenset({"read:scores"}))


def run_due(parts, worker: str = WORKER_ID) -> Counter:
    """Claim due jobs and run each to the end; the scheduler's tick."""
    policy = ExportPolicy.from_settings(parts.settings)
    outcomes = Counter()
    for job_id in claim(parts, policy, worker):
        outcomes[run_export(parts, job_id, worker=worker, policy=policy).state] += 1
    return outcomes


def claim(parts, policy: ExportPolicy, worker: str = WORKER_ID) -> list[int]:
    """Queued jobs, and running ones whose worker stopped renewing its lease, oldest first."""
    now = parts.clock.now()
    with parts.uow() as uow:
        due = lock_due(uow.session, ExportJob,
                       or_(ExportJob.state == "queued",
                           and_(ExportJob.state == "running",
                                or_(ExportJob.locked_until.is_(None), ExportJob.locked_until < now))),
                       order_by=ExportJob.created_at, limit=policy.claim_batch)
        for job in due:
            _take(job, now, policy, worker)
        uow.commit()
        return [job.id for job in due]


def _take(job: ExportJob, now: datetime, policy: ExportPolicy, worker: str) -> None:
    job.state, job.claimed_by, job.locked_until = "running", worker, now + timedelta(seconds=policy.lease_seconds)
    job.progress = job.progress or "starting"


def run_export(parts, job_id: int, progress: Progress | None = None, *, worker: str = WORKER_ID,
               policy: ExportPolicy | None = None) -> ExportResult:
    """Write (or finish writing) the NDJSON files of one job; returns its final state and line counts.

    Takes the job first if nobody holds it (so a benchmark can call this on a freshly queued job);
    returns at once, state unchanged, if another live worker holds it. `progress` is called after every
    batch with (type, lines written of that type, total of that type).
    """
    policy = policy or ExportPolicy.from_settings(parts.settings)
    checkpoints = _begin(parts, job_id, policy, worker)
    if checkpoints is None:
        return _result(parts, job_id)
    try:
        for checkpoint in checkpoints:
            if not checkpoint["done"]:
                _export_type(parts, job_id, checkpoint, checkpoints, policy, worker, progress)
        _complete(parts, job_id, checkpoints, worker)
    except LeaseLost:
        _discard_if_cancelled(parts, job_id)
    except Exception as error:  # a job must end visibly, not stay "running" for ever
        log.exception("bulk export failed", extra={"job_id": job_id})
        _fail(parts, job_id, worker, f"the export stopped: {type(error).__name__}")
    return _result(parts, job_id)


def _begin(parts, job_id: int, policy: ExportPolicy, worker: str) -> list[dict[str, Any]] | None:
    """Hold the job and return its checkpoints, made on first start: the newest id of each source."""
    now = parts.clock.now()
    with parts.uow() as uow:
        job = _locked(uow, job_id)
        if job is None or job.state not in ("queued", "running"):
            return None
        held_elsewhere = job.claimed_by not in (None, worker) and job.locked_until and job.locked_until >= now
        if job.state == "running" and held_elsewhere:
            return None
        _take(job, now, policy, worker)
        if not job.output:
            job.transaction_time = now
            job.output = [_fresh_checkpoint(uow.session, kind) for kind in job.types]
        checkpoints = [dict(c) for c in job.output]
        uow.commit()
    job_dir(parts.settings, job_id).mkdir(parents=True, exist_ok=True)
    return checkpoints


def _fresh_checkpoint(session, resource_type: str) -> dict[str, Any]:
    until = [source.newest_id(session) for source in SOURCES[resource_type]]
    return {"type": resource_type, "source": 0, "after": 0, "until": until, "count": 0, "bytes": 0, "total": None,
            "done": False}


def _export_type(parts, job_id: int, checkpoint: dict[str, Any], checkpoints: list[dict[str, Any]],
                 policy: ExportPolicy, worker: str, progress: Progress | None) -> None:
    """Append the type's remaining batches to its file, recording the checkpoint after each.

    On PostgreSQL the next batch's rows are read ahead, by a thread with its own unit of work, while
    this one is built (`exports.read_ahead`): the server's part of an export (a third of its time on
    the million-person database) then overlaps the building. SQLite has one writer, and every
    transaction there takes the write lock, so it reads in turn.
    """
    resource_type = checkpoint["type"]
    sources = SOURCES[resource_type]
    path = job_dir(parts.settings, job_id) / file_name(resource_type)
    ahead = ReadAhead(parts, policy)
    with open(path, "r+b" if path.exists() else "wb") as out, ahead:
        out.truncate(checkpoint["bytes"])
        out.seek(checkpoint["bytes"])
        while checkpoint["source"] < len(sources):
            source, until = sources[checkpoint["source"]], checkpoint["until"][checkpoint["source"]]
            with parts.uow() as uow:
                job = _held(uow, job_id, worker)
                scope = Scope(job_actor(job), job.since)
                if checkpoint["total"] is None:
                    checkpoint["total"] = sum(s.count(uow.session, scope, until)
                                              for s, until in zip(sources, checkpoint["until"]))
                rows = ahead.rows(uow.session, source, scope, checkpoint["after"], until)
                batch = source.read(uow.session, scope, checkpoint["after"], until, policy.batch_size, rows)
                if batch is None:
                    checkpoint["source"], checkpoint["after"] = checkpoint["source"] + 1, 0
                else:
                    out.write(batch.ndjson)
                    out.flush()
                    checkpoint["after"], checkpoint["count"] = batch.last_id, checkpoint["count"] + batch.count
                    checkpoint["bytes"] = out.tell()
                checkpoint["done"] = checkpoint["source"] >= len(sources)
                _record(job, checkpoints, parts.clock.now(), policy,
                        f"exporting {resource_type}: {checkpoint['count']:,} of {checkpoint['total']:,}")
                uow.commit()
            if progress is not None and batch is not None:
                progress(resource_type, checkpoint["count"], checkpoint["total"])


class ReadAhead:
    """Reads the rows of the batch after the one being built, in a thread with its own unit of work."""

    def __init__(self, parts, policy: ExportPolicy) -> None:
        self._parts, self._size = parts, policy.batch_size
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read-ahead") \
            if policy.read_ahead and parts.engine.dialect.name == "postgresql" else None
        self._pending: tuple[tuple, Future] | None = None

    def __enter__(self) -> "ReadAhead":
        return self

    def __exit__(self, *_exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def rows(self, session, source, scope: Scope, after: int, until: int) -> list[Any]:
        """The rows of the batch after `after` (read ahead if they were), and the next batch's asked for."""
        key = (source.name, scope, after, until)
        if self._pending is not None and self._pending[0] == key:
            rows = self._pending[1].result()
        else:
            rows = source.rows(session, scope, after, until, self._size)
        self._pending = None
        if rows and self._pool is not None:
            following = (source.name, scope, rows[-1].id, until)
            self._pending = (following, self._pool.submit(self._read, source, scope, rows[-1].id, until))
        return rows

    def _read(self, source, scope: Scope, after: int, until: int) -> list[Any]:
        with self._parts.uow() as uow:
            return source.rows(uow.session, scope, after, until, self._size)


def _record(job: ExportJob, checkpoints: list[dict[str, Any]], now: datetime, policy: ExportPolicy, line: str) -> None:
    job.output = [dict(c) for c in checkpoints]
    job.progress = line[:100]
    job.locked_until = now + timedelta(seconds=policy.lease_seconds)


def _complete(parts, job_id: int, checkpoints: list[dict[str, Any]], worker: str) -> None:
    """Publish the manifest's entries (types with no resources are left out, their files removed) and audit."""
    folder = job_dir(parts.settings, job_id)
    for checkpoint in checkpoints:
        if checkpoint["count"] == 0:
            (folder / file_name(checkpoint["type"])).unlink(missing_ok=True)
    now = parts.clock.now()
    with parts.uow() as uow:
        job = _held(uow, job_id, worker)
        job.output = [{"type": c["type"], "count": c["count"]} for c in checkpoints if c["count"]]
        job.state, job.progress, job.completed_at = "completed", "complete", now
        job.locked_until, job.claimed_by = None, None
        counts = {c["type"]: c["count"] for c in checkpoints}
        audit.record(uow, job_actor(job), "fhir:export written", now, target=f"export job {job_id}",
                     job=job_id, level=job.level, types=list(job.types),
                     since=job.since.isoformat() if job.since else None, counts=counts)
        uow.commit()


def _fail(parts, job_id: int, worker: str, message: str) -> None:
    with parts.uow() as uow:
        job = _locked(uow, job_id)
        if job is None or job.claimed_by != worker or job.state != "running":
            return
        job.state, job.error, job.progress, job.locked_until, job.claimed_by = "failed", message, "failed", None, None
        job.completed_at = parts.clock.now()
        uow.commit()
    shutil.rmtree(job_dir(parts.settings, job_id), ignore_errors=True)


def _discard_if_cancelled(parts, job_id: int) -> None:
    """The owner cancelled while we wrote: the files we may have added since go too."""
    with parts.uow() as uow:
        job = uow.session.get(ExportJob, job_id)
        cancelled = job is None or job.state == "cancelled"
    if cancelled:
        shutil.rmtree(job_dir(parts.settings, job_id), ignore_errors=True)


def _locked(uow, job_id: int) -> ExportJob | None:
    return uow.session.get(ExportJob, job_id, with_for_update=True)


def _held(uow, job_id: int, worker: str) -> ExportJob:
    """The job row, locked, if this worker still holds it; else LeaseLost."""
    job = _locked(uow, job_id)
    if job is None or job.state != "running" or job.claimed_by != worker:
        raise LeaseLost(job_id)
    return job


def _result(parts, job_id: int) -> ExportResult:
    with parts.uow() as uow:
        job = uow.session.get(ExportJob, job_id)
        if job is None:
            return ExportResult(job_id, "missing", {})
        counts = {c["type"]: c["count"] for c in job.output or []}
        return ExportResult(job_id, job.state, counts)

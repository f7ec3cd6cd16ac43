"""FHIR Bulk Data export jobs as their client sees them: ask for one, poll it, read its files, cancel it.

A job belongs to the API client that asked for it: any other client is told it does not exist, so job
ids reveal nothing. The worker side (claiming and writing) is `feeds.bulk_export`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from prom_service.db.models import ExportJob
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds.bulk_export import file_name, job_dir
from prom_service.feeds.bulk_export_sources import TYPES
from prom_service.services import audit
from prom_service.services.access import Actor
from prom_service.services.errors import InvalidInput, NotFound

NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
PARAMETERS = {"_type", "_since", "_outputFormat"}


@dataclass(frozen=True)
class ExportRequest:
    level: str  # "system" or "patient"
    types: tuple[str, ...]
    since: datetime | None


@dataclass(frozen=True)
class JobView:
    id: int
    state: str
    progress: str | None
    transaction_time: datetime | None
    request_url: str
    output: list[dict[str, Any]]
    error: str | None


def parse_request(level: str, args: Mapping[str, Sequence[str]]) -> ExportRequest:
    """Check the kick-off parameters; InvalidInput names the parameter and the value refused."""
    unknown = sorted(set(args) - PARAMETERS)
    if unknown:
        raise InvalidInput({name: "this server does not support this $export parameter" for name in unknown})
    formats = [value for value in args.get("_outputFormat", []) if value not in NDJSON_FORMATS]
    if formats:
        raise InvalidInput({"_outputFormat": f"only application/fhir+ndjson is offered, not {formats[0]!r}"})
    return ExportRequest(level, _types(args.get("_type", [])), _since(args.get("_since", [])))


def _types(values: Sequence[str]) -> tuple[str, ...]:
    asked = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in asked if name not in TYPES]
    if unknown:
        raise InvalidInput({"_type": f"unsupported resource type(s) {', '.join(unknown)}; "
                                     f"this server exports {', '.join(TYPES)}"})
    return tuple(name for name in TYPES if name in asked) if asked else TYPES


def _since(values: Sequence[str]) -> datetime | None:
    if not values:
        return None
    if len(values) > 1:
        raise InvalidInput({"_since": "give _since once"})
    text = values[0]
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput({"_since": f"not a FHIR instant (e.g. 2026-11-01T00:00:00Z): {text!r}"}) from None
    if moment.tzinfo is None or "T" not in text:
        raise InvalidInput({"_since": f"a FHIR instant needs a time and a time zone: {text!r}"})
    return moment.astimezone(timezone.utc)


def kick_off(uow: UnitOfWork, actor: Actor, request: ExportRequest, request_url: str, now: datetime) -> int:
    """Queue an export for the calling client, within its team; the audit row names what was asked."""
    with uow:
        job = ExportJob(api_client_id=int(actor.id), team_id=actor.home_team_id, level=request.level,
                        types=list(request.types), since=request.since, request_url=request_url[:2000],
                        state="queued", progress="queued", output=[], created_at=now)
        uow.session.add(job)
        uow.flush()
        audit.record(uow, actor, "fhir:export requested", now, target=f"export job {job.id}", job=job.id,
                     level=request.level, types=list(request.types),
                     since=request.since.isoformat() if request.since else None)
        uow.commit()
        return job.id


def view(uow: UnitOfWork, actor: Actor, job_id: int) -> JobView:
    """The job if it is the caller's and not cancelled; NotFound otherwise."""
    with uow:
        job = _own(uow, actor, job_id)
        return JobView(job.id, job.state, job.progress, job.transaction_time, job.request_url,
                       [dict(entry) for entry in job.output or []] if job.state == "completed" else [], job.error)


def cancel(uow: UnitOfWork, actor: Actor, job_id: int, settings) -> None:
    """Stop the job (a worker writing it notices at its next batch) and delete its files."""
    with uow:
        job = _own(uow, actor, job_id, lock=True)
        job.state, job.progress, job.locked_until, job.claimed_by = "cancelled", "cancelled", None, None
        job.output = []
        uow.commit()
    shutil.rmtree(job_dir(settings, job_id), ignore_errors=True)


def output_file(uow: UnitOfWork, actor: Actor, job_id: int, name: str, settings) -> tuple[Path, int]:
    """The path and line count of one finished file of the caller's job; NotFound for anything else."""
    entry = next((e for e in view(uow, actor, job_id).output if file_name(e["type"]) == name), None)
    path = job_dir(settings, job_id) / name if entry else None
    if path is None or not path.is_file():
        raise NotFound(f"no file {name} in export {job_id}")
    return path, entry["count"]


def _own(uow: UnitOfWork, actor: Actor, job_id: int, lock: bool = False) -> ExportJob:
    job = uow.session.get(ExportJob, job_id, with_for_update=lock or None)
    if job is None or str(job.api_client_id) != actor.id or job.state == "cancelled":
        raise NotFound(f"no export job {job_id}")
    return job

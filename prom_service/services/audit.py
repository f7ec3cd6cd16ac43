"""The audit trail, written inside the caller's unit of work so a view and its record commit together."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prom_service.db.models import AuditEvent
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.access import Actor
from prom_service.structured_log import request_id_var


def record(
    uow: UnitOfWork, actor: Actor, action: str, now: datetime, *, patient_id: int | None = None,
    target: str | None = None, remote_addr: str | None = None, **detail: Any,
) -> None:
    """Add one audit event (who, what, when, from where) to the current unit of work."""
    uow.session.add(AuditEvent(
        at=now, actor_type=actor.kind, actor_id=actor.id, action=_fitted("action", action), patient_id=patient_id,
        target=_fitted("target", target), remote_addr=remote_addr, request_id=request_id_var.get(), detail=detail,
    ))


def _fitted(column: str, value: str | None) -> str | None:
    """Cut a value to its column, so a caller's overlong URL can never stop the audit row being written."""
    length = AuditEvent.__table__.c[column].type.length
    return value if value is None or len(value) <= length else value[: length - 1] + "…"

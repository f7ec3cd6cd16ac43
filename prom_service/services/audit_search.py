"""Searching the audit trail: for administrators only, read-only by construction.

There is no function here (or anywhere) that edits or deletes an audit event: the trail is append-only,
and the workspace offers only this search over it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from prom_service.db.models import AuditEvent
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.access import Actor


@dataclass(frozen=True)
class AuditQuery:
    """Every filter is optional; `action` matches from the start (`alert.` finds every alert action)."""

    patient_id: int | None = None
    user_id: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1
    per_page: int = 100


@dataclass(frozen=True)
class AuditPage:
    events: tuple[AuditEvent, ...]
    total: int
    query: AuditQuery

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def search_audit(uow: UnitOfWork, actor: Actor, query: AuditQuery) -> AuditPage:
    """Newest first; refuses anyone without the admin role."""
    actor.require("admin")
    statement = _filtered(select(AuditEvent), query)
    with uow:
        total = uow.session.scalar(_filtered(select(func.count(AuditEvent.id)), query))
        events = uow.session.scalars(statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                     .limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
        return AuditPage(tuple(events), total or 0, query)


def _filtered(statement, query: AuditQuery):
    if query.patient_id is not None:
        statement = statement.where(AuditEvent.patient_id == query.patient_id)
    if query.user_id:
        statement = statement.where(AuditEvent.actor_type == "user", AuditEvent.actor_id == query.user_id)
    if query.action:
        statement = statement.where(AuditEvent.action.startswith(query.action, autoescape=True))
    if query.since:
        statement = statement.where(AuditEvent.at >= _start_of(query.since))
    if query.until:
        statement = statement.where(AuditEvent.at < _start_of(query.until + timedelta(days=1)))
    return statement


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.utc)

"""Working the alerts: the worklist, and assigning, acknowledging and resolving within the team's scope.

An alert moves open → acknowledged → resolved (or open → resolved); resolving needs a note saying what
was done, because the note is what a later reader of the record relies on. Every action is audited in
the same unit of work as the change, and an alert of another team's patient is NotFound, never Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select

from prom_service.db.models import Alert, Patient, TeamMembership, User
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.services import audit
from prom_service.services.access import Actor, visible_patients
from prom_service.services.errors import Conflict, InvalidInput, NotFound

SEVERITY_ORDER = ("urgent", "high", "medium", "low")
STATUSES = ("open", "acknowledged", "resolved")


@dataclass(frozen=True)
class AlertItem:
    """An alert with whom it concerns and who holds it, as the worklist shows it."""

    alert: Alert
    patient_name: str
    assignee_name: str | None


def worklist(uow: UnitOfWork, actor: Actor, status: str | None = "unresolved", limit: int = 200) -> list[AlertItem]:
    """The team's alerts, urgent first, then the longest open; `unresolved` means open or acknowledged."""
    severity = case({s: i for i, s in enumerate(SEVERITY_ORDER)}, value=Alert.severity, else_=len(SEVERITY_ORDER))
    query = _visible_alerts(actor).add_columns(User.name).outerjoin(User, User.id == Alert.assigned_to)
    if status == "unresolved":
        query = query.where(Alert.status != "resolved")
    elif status in STATUSES:
        query = query.where(Alert.status == status)
    with uow:
        rows = uow.session.execute(query.order_by(severity, Alert.raised_at, Alert.id).limit(limit)).all()
        return [AlertItem(alert, patient.display_name or patient.external_id, assignee)
                for alert, patient, assignee in rows]


def alert_item(uow: UnitOfWork, actor: Actor, alert_id: int) -> AlertItem:
    """One alert the actor may see; NotFound otherwise."""
    with uow:
        alert, patient = _get(uow, actor, alert_id)
        assignee = uow.session.get(User, alert.assigned_to) if alert.assigned_to else None
        return AlertItem(alert, patient.display_name or patient.external_id, assignee.name if assignee else None)


def team_members(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """Active users in the actor's teams, by name: whom an alert can be assigned to."""
    query = select(User.id, User.name).where(User.is_active.is_(True)).order_by(User.name, User.id).distinct()
    if actor.team_ids is not None:
        query = query.join(TeamMembership, TeamMembership.user_id == User.id).where(
            TeamMembership.team_id.in_(actor.team_ids))
    with uow:
        return [tuple(row) for row in uow.session.execute(query)]


def assign(uow: UnitOfWork, actor: Actor, alert_id: int, user_id: int, now: datetime,
           remote_addr: str | None = None) -> None:
    """Give the alert to a member of the team."""
    if user_id not in {member for member, _name in team_members(uow, actor)}:
        raise InvalidInput({"assignee": "choose a member of your team"})
    with uow:
        alert, _patient = _get(uow, actor, alert_id)
        _require_unresolved(alert)
        alert.assigned_to = user_id
        _record_change(uow, actor, alert, "alert.assigned", now, remote_addr, assignee=user_id)
        uow.commit()


def acknowledge(uow: UnitOfWork, actor: Actor, alert_id: int, now: datetime, remote_addr: str | None = None) -> None:
    """Say someone has seen the alert and is on it; it stays on the worklist until resolved."""
    with uow:
        alert, _patient = _get(uow, actor, alert_id)
        if alert.status != "open":
            raise Conflict(f"alert {alert_id} is {alert.status}, not open")
        alert.status, alert.acknowledged_at = "acknowledged", now
        if alert.assigned_to is None and actor.kind == "user":
            alert.assigned_to = int(actor.id)
        _record_change(uow, actor, alert, "alert.acknowledged", now, remote_addr)
        uow.commit()


def resolve(uow: UnitOfWork, actor: Actor, alert_id: int, note: str, now: datetime,
            remote_addr: str | None = None) -> None:
    """Close the alert with a note of what was done."""
    if not note.strip():
        raise InvalidInput({"note": "say what was done, for whoever reads this record next"})
    with uow:
        alert, _patient = _get(uow, actor, alert_id)
        _require_unresolved(alert)
        alert.status, alert.resolved_at, alert.resolution_note = "resolved", now, note.strip()
        alert.acknowledged_at = alert.acknowledged_at or now
        _record_change(uow, actor, alert, "alert.resolved", now, remote_addr)
        uow.commit()


def _visible_alerts(actor: Actor):
    visible = visible_patients(actor).subquery("visible")
    return select(Alert, Patient).join(visible, visible.c.id == Alert.patient_id).join(
        Patient, Patient.id == Alert.patient_id)


def _get(uow: UnitOfWork, actor: Actor, alert_id: int) -> tuple[Alert, Patient]:
    row = uow.session.execute(_visible_alerts(actor).where(Alert.id == alert_id)).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return row[0], row[1]


def _require_unresolved(alert: Alert) -> None:
    if alert.status == "resolved":
        raise Conflict(f"alert {alert.id} is already resolved")


def _record_change(uow: UnitOfWork, actor: Actor, alert: Alert, action: str, now: datetime,
                   remote_addr: str | None, **detail) -> None:
    """Audit the change and announce it on the feed (alert.updated), in the same transaction."""
    feed.publish(uow, alert)
    audit.record(uow, actor, action, now, patient_id=alert.patient_id, target=f"alert:{alert.id}",
                 remote_addr=remote_addr, rule=alert.rule, severity=alert.severity, **detail)

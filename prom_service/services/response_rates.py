"""Response rates for programme leads: of the questionnaires sent, how many came back, by group.

Counted as the value report counts them (`enrolment_summaries.SENT_STATUSES`), over invitations already due,
for the actor's patients only: one grouped query per way of slicing (community, channel, language).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from prom_service.db.models import Community, Enrolment, Invitation, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.access import Actor, visible_patients
from prom_service.services.enrolment_summaries import SENT_STATUSES


@dataclass(frozen=True)
class ResponseRate:
    group: str
    sent: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.sent if self.sent else None


def response_rates(uow: UnitOfWork, actor: Actor, as_of: datetime) -> dict[str, list[ResponseRate]]:
    """{"community": [...], "channel": [...], "language": [...]}, each group by name."""
    groups = {"community": Community.name, "channel": Invitation.channel, "language": Patient.language}
    with uow:
        return {name: _rates(uow, actor, column, as_of) for name, column in groups.items()}


def _rates(uow: UnitOfWork, actor: Actor, column, as_of: datetime) -> list[ResponseRate]:
    sent = func.sum(case((Invitation.status.in_(SENT_STATUSES), 1), else_=0))
    completed = func.sum(case((Invitation.status == "completed", 1), else_=0))
    query = (
        select(column, sent, completed)
        .join(Enrolment, Enrolment.id == Invitation.enrolment_id)
        .join(Community, Community.id == Enrolment.community_id)
        .join(Patient, Patient.id == Invitation.patient_id)
        .where(Invitation.due_at <= as_of,
               Invitation.patient_id.in_(visible_patients(actor).with_only_columns(Patient.id)))
        .group_by(column).order_by(column)
    )
    return [ResponseRate(str(group), int(s or 0), int(c or 0)) for group, s, c in uow.session.execute(query)]

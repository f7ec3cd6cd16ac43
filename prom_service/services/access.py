"""Who is asking, and which patients they may see: the one place team scoping is decided."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, or_, select

from prom_service.db.models import Enrolment, Patient
from prom_service.services.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """A user, an API client, the system or a patient; `team_ids` None means every team."""

    kind: str
    id: str
    team_ids: frozenset[int] | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"

    def require(self, scope: str) -> None:
        if scope not in self.scopes and "admin" not in self.scopes:
            raise Forbidden(f"this needs the {scope!r} scope")

    @property
    def home_team_id(self) -> int | None:
        """The team a restricted actor's new patients belong to."""
        return min(self.team_ids) if self.team_ids else None


SYSTEM = Actor(kind="system", id="prom", team_ids=None, scopes=frozenset({"admin"}))


def visible_patients(actor: Actor) -> Select:
    """Patients the actor may see: registered with, or enrolled by, one of its teams."""
    visible = patient_visible(actor)
    return select(Patient) if visible is None else select(Patient).where(visible)


def patient_visible(actor: Actor) -> ColumnElement[bool] | None:
    """The same rule as a condition on a `patients` row (None: no limit), for a query that reads the row
    anyway (the caseload) rather than looking every patient up a second time. Its enrolment sub-query
    correlates only with the patient, whatever enrolments the outer query joins."""
    if actor.team_ids is None:
        return None
    enrolled = (exists().where(Enrolment.patient_id == Patient.id, Enrolment.team_id.in_(actor.team_ids))
                .correlate(Patient))
    return or_(Patient.registered_team_id.in_(actor.team_ids), enrolled)

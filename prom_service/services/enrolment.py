"""Joining and leaving a community: consent recorded, the baseline planned, open invitations cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from prom_service.db.models import Enrolment, Team
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import audit, outcome_sets
from prom_service.services.access import Actor
from prom_service.services.errors import Conflict, InvalidInput, NotFound
from prom_service.services.invitation_planning import cancel_open_invitations, plan_enrolment
from prom_service.services.patients import get_patient

CONSENT_METHODS = ("verbal", "written", "electronic", "by_proxy")
LEAVING_REASONS = ("left_community", "opted_out", "died", "moved_away", "care_ended")


@dataclass(frozen=True)
class Consent:
    method: str
    recorded_by: str
    at: datetime | None = None


@dataclass(frozen=True)
class PlanningPolicy:
    horizon_days: int
    expire_after_days: int

    @classmethod
    def from_settings(cls, settings) -> PlanningPolicy:
        return cls(settings["invitations.planning_horizon_days"], settings["invitations.expire_after_days"])


def enrol(
    uow: UnitOfWork, actor: Actor, patient_id: int, community_code: str, consent: Consent, now: datetime,
    policy: PlanningPolicy, team_code: str | None = None,
) -> int:
    """Enrol the patient (one active enrolment per community) and plan their baseline invitation."""
    _check_consent(consent)
    with uow:
        patient = get_patient(uow, actor, patient_id)
        version = outcome_sets.current_version(uow, community_code)
        enrolment = Enrolment(
            patient_id=patient.id, community_id=version.community_id, outcome_set_version_id=version.id,
            team_id=_team_id(uow, actor, team_code, patient.registered_team_id), status="active", enrolled_at=now,
            consent_method=consent.method, consent_recorded_by=consent.recorded_by, consent_at=consent.at or now,
            created_at=now,
        )
        uow.session.add(enrolment)
        try:
            uow.session.flush()
        except IntegrityError:
            raise Conflict(f"patient {patient_id} is already enrolled in {community_code!r}") from None
        plan_enrolment(uow, enrolment, outcome_sets.outcome_set_of(version), now,
                       horizon_days=policy.horizon_days, expire_after_days=policy.expire_after_days)
        audit.record(uow, actor, "enrolment.created", now, patient_id=patient.id, target=f"enrolment:{enrolment.id}",
                     community=community_code, consent_method=consent.method)
        uow.commit()
        return enrolment.id


def leave(uow: UnitOfWork, actor: Actor, enrolment_id: int, reason: str, now: datetime) -> int:
    """End an enrolment; return how many open invitations were cancelled."""
    if reason not in LEAVING_REASONS:
        raise InvalidInput({"reason": f"must be one of {', '.join(LEAVING_REASONS)}"})
    with uow:
        enrolment = uow.session.get(Enrolment, enrolment_id)
        if enrolment is None:
            raise NotFound(f"no enrolment {enrolment_id}")
        get_patient(uow, actor, enrolment.patient_id)
        if enrolment.status != "active":
            raise Conflict(f"enrolment {enrolment_id} already ended ({enrolment.left_reason})")
        enrolment.status, enrolment.left_at, enrolment.left_reason = "left", now, reason
        cancelled = cancel_open_invitations(uow, enrolment.id, reason, now)
        audit.record(uow, actor, "enrolment.ended", now, patient_id=enrolment.patient_id,
                     target=f"enrolment:{enrolment.id}", reason=reason)
        uow.commit()
        return cancelled


def _check_consent(consent: Consent) -> None:
    errors = {}
    if consent.method not in CONSENT_METHODS:
        errors["consent.method"] = f"must be one of {', '.join(CONSENT_METHODS)}"
    if not consent.recorded_by.strip():
        errors["consent.recorded_by"] = "say who recorded the consent"
    if errors:
        raise InvalidInput(errors)


def _team_id(uow: UnitOfWork, actor: Actor, team_code: str | None, registered_team_id: int | None) -> int | None:
    """The enrolling team: the one named (if the actor belongs to it), else the actor's or the patient's."""
    if team_code is None:
        return actor.home_team_id or registered_team_id
    team = uow.session.scalar(select(Team).where(Team.code == team_code))
    if team is None:
        raise InvalidInput({"team": f"no team with code {team_code!r}"})
    if actor.team_ids is not None and team.id not in actor.team_ids:
        raise InvalidInput({"team": "you can only enrol people with your own team"})
    return team.id

"""Re-scoring after a new outcome-set version: the new version's LIS for past assessments, beside the old.

Old results are never touched; each assessment gains one LIS per version, so reports can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import exists, select

from prom_service.db.models import Enrolment, Invitation, LifeImproverScore
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.services import life_improver, outcome_sets

BATCH = 200


@dataclass(frozen=True)
class RescoreReport:
    community: str
    version: int
    rescored: int


def pending_assessments(uow: UnitOfWork, code: str) -> tuple[int, list[int]]:
    """The newest version's id and the completed invitations that have no LIS from it yet."""
    version = outcome_sets.current_version(uow, code)
    done = exists().where(LifeImproverScore.invitation_id == Invitation.id,
                          LifeImproverScore.outcome_set_version_id == version.id)
    ids = uow.session.scalars(
        select(Invitation.id).join(Enrolment, Enrolment.id == Invitation.enrolment_id)
        .where(Enrolment.community_id == version.community_id, Invitation.status == "completed", ~done)
        .order_by(Invitation.completed_at, Invitation.id)
    ).all()
    return version.id, list(ids)


def rescore_community(
    make_uow: Callable[[], UnitOfWork], code: str, on_progress: Callable[[int, int], None] = lambda done, total: None,
) -> RescoreReport:
    """Compute the newest version's LIS for every past assessment, committing in batches (resumable)."""
    with make_uow() as uow:
        version_id, pending = pending_assessments(uow, code)
        version = outcome_sets.current_version(uow, code)
    outcome_set = outcome_sets.outcome_set_of(version)
    for start in range(0, len(pending), BATCH):
        with make_uow() as uow:
            for invitation in uow.session.scalars(select(Invitation).where(Invitation.id.in_(pending[start:start + BATCH]))):
                enrolment = uow.session.get(Enrolment, invitation.enrolment_id)
                lis = life_improver.compute_and_store(uow, enrolment, outcome_set, version_id, _as_of(invitation),
                                                     invitation.id)
                feed.publish(uow, lis)
            uow.commit()
        on_progress(min(start + BATCH, len(pending)), len(pending))
    return RescoreReport(code, version.version, len(pending))


def _as_of(invitation: Invitation) -> datetime:
    return invitation.completed_at or invitation.updated_at

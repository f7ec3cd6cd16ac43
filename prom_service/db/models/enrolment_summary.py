"""Enrolment summaries: what the value report would otherwise work out per enrolment from every Life
Improver Score, invitation and days-at-home score on every request.

`prom_service.services.enrolment_summaries` keeps them current in the transaction that writes those rows,
and the nightly cost-summaries job rebuilds them; the report reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from prom_service.db.base import Base, BigId


class EnrolmentSummary(Base):
    """One enrolment's figures as of now: first and last LIS with a value (the last only when it is
    another assessment), invitations sent and completed, and the person's latest days at home.

    `last_activity_at` is the latest moment any of them depends on (a scored LIS, an invitation that
    counts as sent, a days-at-home score). A report as of a day on or after it reads the row; for an
    earlier day the report works the enrolment out from the rows themselves, which keeps it exact as of
    any day. Every enrolment has a row (an enrolment with nothing yet has zeros and no activity).

    It also carries what the report groups and sums by, copied so the report is one scan of this table:
    the enrolment's community, outcome-set version and period, the person's LSOA (the decile is looked
    up, so loading a new IMD changes nothing here), and from the cost summaries the enrolment's cost with
    its latest event's date (`cost_through`) and the person's look-back cost."""

    __tablename__ = "enrolment_summaries"

    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    baseline_lis: Mapped[float | None]
    latest_lis: Mapped[float | None]
    invitations_sent: Mapped[int]
    invitations_completed: Mapped[int]
    days_at_home: Mapped[float | None]
    # Indexed: the report looks up the few enrolments with activity after its day.
    last_activity_at: Mapped[datetime | None] = mapped_column(index=True)
    # Copied from the enrolment, the person and the cost summaries, so the report reads no other table.
    community_id: Mapped[int] = mapped_column(BigId)
    outcome_set_version_id: Mapped[int] = mapped_column(BigId)
    enrolled_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    lsoa: Mapped[str | None] = mapped_column(String(16))
    cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    cost_through: Mapped[date | None]
    lookback_spend: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))


@event.listens_for(Session, "after_flush")
def _follow_orm_writes(session: Session, _flush_context) -> None:
    """Keep the summaries current whichever service writes a score, an invitation or an enrolment through
    the ORM, in the same transaction (the service module does the work; this only makes sure it is asked)."""
    from prom_service.services.enrolment_summaries import follow_orm_writes

    follow_orm_writes(session)

"""Cost summaries: what the value report would otherwise add up from every cost event on every request.

`prom_service.services.cost_summaries` keeps them current in the transaction that writes cost events
(or enrolments), and a scheduler job rebuilds them each day; the report reads them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from prom_service.db.base import Base, BigId


class EnrolmentCost(Base):
    """What one person's care cost from the first day of an enrolment to its last (open while it lasts):
    a report as of an earlier day takes off the later events, only for rows whose `last_start_date`
    says there are some, which keeps it exact as of any day."""

    __tablename__ = "enrolment_costs"

    enrolment_id: Mapped[int] = mapped_column(BigId, ForeignKey("enrolments.id"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), index=True)
    cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    last_start_date: Mapped[date]


class PatientLookbackCost(Base):
    """A person's cost over the segment look-back period up to `CostSummaryDay.day`: the usage-segment
    ranking's input. Only people with some cost have a row."""

    __tablename__ = "patient_lookback_costs"

    patient_id: Mapped[int] = mapped_column(BigId, ForeignKey("patients.id"), primary_key=True)
    # Indexed: the tier edges are found by counting down from the costliest person.
    spend: Mapped[Decimal] = mapped_column(Numeric(14, 2), index=True)


class CostSummaryDay(Base):
    """The one row saying which day and look-back `patient_lookback_costs` holds; the report uses that
    table only for that day and look-back, and ranks from the cost events otherwise."""

    __tablename__ = "cost_summary_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    lookback_months: Mapped[int]
    rebuilt_at: Mapped[datetime]


@event.listens_for(Session, "after_flush")
def _follow_orm_writes(session: Session, _flush_context) -> None:
    """Keep the summaries current whichever service writes a cost event or an enrolment through the ORM,
    in the same transaction (the service module does the work; this only makes sure it is asked)."""
    from prom_service.services.cost_summaries import follow_orm_writes

    follow_orm_writes(session)

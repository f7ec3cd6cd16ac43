"""Recording a person's days at home as a score, so it reaches the score feed like any other measure.

The stays are the person's cost events for admissions and respite (`STAY_ACTIVITIES`); the counting
rules (nights convention, overlaps, window edges, death) live in `prom_service.domain.days_at_home`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import or_, select

from prom_service.db.models import CostEvent, Patient, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.domain.days_at_home import DEFINITION_VERSION, STAY_ACTIVITIES, DaysAtHome, Stay, count_days_at_home
from prom_service.services.errors import InvalidInput, NotFound

INSTRUMENT, SCALE = "days_at_home", "days"


def record_days_at_home(
    uow: UnitOfWork, patient_id: int, as_of: date, window_days: int, now: datetime, *,
    enrolment_id: int | None = None,
) -> Score:
    """Count the days at home in the window ending on `as_of` and store them as a `days_at_home` score."""
    if window_days < 1:
        raise InvalidInput({"window_days": f"must be at least 1, got {window_days}"})
    with uow:
        patient = uow.session.get(Patient, patient_id)
        if patient is None:
            raise NotFound(f"no patient {patient_id}")
        stays = _stays(uow, patient_id, as_of - timedelta(days=window_days - 1), as_of)
        result = count_days_at_home(stays, as_of, window_days, patient.date_of_death)
        score = Score(
            patient_id=patient_id, enrolment_id=enrolment_id, instrument=INSTRUMENT, scale=SCALE,
            value=float(result.value), flags=[], definition_version=DEFINITION_VERSION,
            provenance=_provenance(result, window_days, patient.date_of_death),
            # Observed at the end of the window's last day: the count is complete only then.
            observed_at=datetime.combine(as_of, time(23, 59, 59), timezone.utc), created_at=now,
        )
        uow.session.add(score)
        feed.publish(uow, score)
        uow.commit()
        return score


def _stays(uow: UnitOfWork, patient_id: int, window_start: date, as_of: date) -> list[Stay]:
    """Stays that may touch the window: admitted by its end and not discharged before it began."""
    query = select(CostEvent.id, CostEvent.start_date, CostEvent.end_date).where(
        CostEvent.patient_id == patient_id,
        CostEvent.activity.in_(STAY_ACTIVITIES),
        CostEvent.start_date <= as_of,
        or_(CostEvent.end_date.is_(None), CostEvent.end_date > window_start),
    )
    rows = uow.session.execute(query.order_by(CostEvent.start_date, CostEvent.id))
    return [Stay(start, end, reference=f"cost_event:{event_id}") for event_id, start, end in rows]


def _provenance(result: DaysAtHome, window_days: int, date_of_death: date | None) -> dict:
    return {
        "window_start": result.window_start.isoformat(),
        "window_end": result.window_end.isoformat(),
        "window_days": window_days,
        "days_alive": result.days_alive,
        "nights_away": result.nights_away,
        "date_of_death": date_of_death.isoformat() if date_of_death else None,
        "convention": "a day is away when the night is spent in hospital or respite (discharge − admission)",
        "stays": [
            {"source": stay.reference, "admitted": stay.admitted.isoformat(),
             "discharged": stay.discharged.isoformat() if stay.discharged else None}
            for stay in result.stays_used
        ],
    }

"""The daily round of days at home: for each active enrolment whose outcome set measures time at home,
count the days up to yesterday once, so the next assessment's LIS has it and the feed carries it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from sqlalchemy import exists, select

from prom_service.db.models import Enrolment, OutcomeSetVersion, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import outcome_sets
from prom_service.services.days_at_home import INSTRUMENT, record_days_at_home


def record_due(make_uow: Callable[[], UnitOfWork], now: datetime, batch: int) -> Counter:
    """Record yesterday's days at home for up to `batch` enrolments that lack it; return counts."""
    yesterday = (now - timedelta(days=1)).date()
    done = Counter()
    for enrolment_id, patient_id, version_id in _lacking(make_uow, yesterday, batch):
        with make_uow() as uow:
            outcome_set = outcome_sets.outcome_set_of(uow.session.get(OutcomeSetVersion, version_id))
        windows = {d.measure.over_days for d in outcome_set.domains if d.measure.over_days}
        for window in sorted(windows):
            record_days_at_home(make_uow(), patient_id, yesterday, window, now, enrolment_id=enrolment_id)
            done["recorded"] += 1
        if not windows:
            done["not-measured"] += 1
    return done


def _lacking(make_uow, day: date, batch: int) -> list[tuple[int, int, int]]:
    """Active enrolments with no days-at-home score observed at the end of `day`."""
    end_of_day = datetime.combine(day, time(23, 59, 59), timezone.utc)
    recorded = exists().where(Score.patient_id == Enrolment.patient_id, Score.instrument == INSTRUMENT,
                              Score.observed_at == end_of_day)
    measured = _versions_measuring_time_at_home(make_uow)
    with make_uow() as uow:
        rows = uow.session.execute(
            select(Enrolment.id, Enrolment.patient_id, Enrolment.outcome_set_version_id)
            .where(Enrolment.status == "active", Enrolment.outcome_set_version_id.in_(measured), ~recorded)
            .order_by(Enrolment.id).limit(batch)
        ).all()
    return [tuple(row) for row in rows]


def _versions_measuring_time_at_home(make_uow) -> list[int]:
    with make_uow() as uow:
        versions = uow.session.scalars(select(OutcomeSetVersion)).all()
        return [v.id for v in versions
                if any(d.measure.over_days for d in outcome_sets.outcome_set_of(v).domains)]

"""Demo activity and cost: the more unwell a demo person is, the more care they use.

Demo only. Rows go through the real cost-event import (tariffs, idempotent source ids), so the value
report and days at home read them exactly as they would an organisation's data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

# (activity, mean events per 30 days at wellness 0, at wellness 1, quantity)
ACTIVITY = (
    ("gp_appointment", 2.0, 0.6, "1"),
    ("community_nursing_hour", 3.0, 0.3, "2"),
    ("outpatient", 0.8, 0.2, "1"),
    ("ae_attendance", 0.5, 0.05, "1"),
)
ADMISSION_CHANCE_PER_30_DAYS = (0.35, 0.03)


def demo_cost_rows(key: str, patient_id: int, start: date, end: date, wellness: float, rng: random.Random):
    """CSV-shaped rows `(row number, fields)` of one person's activity between `start` and `end`."""
    rows, day, number = [], start, 0
    while day < end:
        for activity, unwell, well, quantity in ACTIVITY:
            for _ in range(_events(unwell, well, wellness, rng)):
                number += 1
                when = day + timedelta(days=rng.randrange(30))
                rows.append(_row(key, number, patient_id, activity, when, None, quantity))
        if rng.random() < _mix(*ADMISSION_CHANCE_PER_30_DAYS, wellness):
            number += 1
            admitted = day + timedelta(days=rng.randrange(25))
            rows.append(_row(key, number, patient_id, "emergency_admission", admitted,
                             admitted + timedelta(days=rng.randint(2, 9)), None))
        day += timedelta(days=30)
    return [(index + 1, row) for index, row in enumerate(r for r in rows if date.fromisoformat(r["start_date"]) < end)]


def _mix(unwell: float, well: float, wellness: float) -> float:
    return unwell + (well - unwell) * wellness


def _events(unwell: float, well: float, wellness: float, rng: random.Random) -> int:
    mean = _mix(unwell, well, wellness)
    return int(mean) + (1 if rng.random() < mean - int(mean) else 0)


def _row(key, number, patient_id, activity, start: date, end: date | None, quantity) -> dict[str, str]:
    row = {"source_id": f"{key}-{number}", "patient_id": str(patient_id), "activity": activity,
           "start_date": start.isoformat(), "provider": "Demo Health and Care"}
    if end:
        row["end_date"] = end.isoformat()
    if quantity:
        row["quantity"] = quantity
    return row

"""Days at home: the days of a look-back window a person was alive and not staying in hospital or care.

The measure follows "days alive and out of hospital" (DAOH): Groff AC et al., "Days spent at home — a
patient-centered goal and outcome", NEJM Catalyst 2018; Lee H et al., "Days at home: a new
outcome measure", and the Nuffield Trust's use of days alive and out of hospital for older people
(2021). Those count a day as spent away when the person slept away, so this module does too:

- **Nights convention.** A stay from admission date A to discharge date D keeps the person away on the
  nights of A, A+1, …, D−1: `D − A` days away. The discharge day is a day at home (they sleep at home);
  a same-day stay (A = D) costs no day at home. A stay without a discharge date is still going on.
- **Window.** `window_days` calendar days ending on, and including, `as_of`.
- **Overlaps and edges.** Nights of overlapping stays (an admission during respite) count once; a stay
  crossing either edge of the window counts only its nights inside the window.
- **Death.** The date of death and every day after it are not days alive, so not days at home.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

DEFINITION_VERSION = "days_at_home/1"
# Activities that take a person away from home overnight: hospital admissions and respite in a home.
STAY_ACTIVITIES = frozenset({"emergency_admission", "elective_admission", "respite_stay"})


class DaysAtHomeError(ValueError):
    """A window or stay that cannot be counted."""


@dataclass(frozen=True)
class Stay:
    """Nights away from home from `admitted` up to the night before `discharged` (None: still there)."""

    admitted: date
    discharged: date | None = None
    reference: str = ""


@dataclass(frozen=True)
class DaysAtHome:
    value: int
    window_start: date
    window_end: date
    days_alive: int
    nights_away: int
    stays_used: tuple[Stay, ...]


def nights_between(admitted: date, discharged: date) -> int:
    """Nights a stay lasted under the nights convention: discharge date minus admission date."""
    return (discharged - admitted).days


def count_days_at_home(
    stays: Iterable[Stay], as_of: date, window_days: int, date_of_death: date | None = None
) -> DaysAtHome:
    """Days alive and at home in the `window_days` days ending on `as_of`."""
    if window_days < 1:
        raise DaysAtHomeError(f"window_days must be at least 1, got {window_days}")
    start = as_of - timedelta(days=window_days - 1)
    # Half-open [start, alive_until): the days counted as alive in the window.
    alive_until = min(as_of + timedelta(days=1), max(date_of_death or date.max, start))
    stays = tuple(stays)
    clipped = [_clip(stay, start, alive_until) for stay in stays]
    used = tuple(stay for stay, span in zip(stays, clipped) if span is not None)
    away = _nights_covered([span for span in clipped if span is not None])
    alive = (alive_until - start).days
    return DaysAtHome(alive - away, start, as_of, alive, away, used)


def _clip(stay: Stay, start: date, end: date) -> tuple[date, date] | None:
    """The stay's away-nights inside [start, end), or None when none fall there."""
    if stay.discharged is not None and stay.discharged < stay.admitted:
        raise DaysAtHomeError(f"stay {stay.reference or stay.admitted}: discharged before admitted")
    last_night_after = stay.discharged or date.max
    low, high = max(stay.admitted, start), min(last_night_after, end)
    return (low, high) if low < high else None


def _nights_covered(spans: Sequence[tuple[date, date]]) -> int:
    """Nights in the union of half-open spans, so overlapping stays count once."""
    total, reached = 0, date.min
    for low, high in sorted(spans):
        low = max(low, reached)
        if high > low:
            total += (high - low).days
            reached = high
    return total

"""The figures of the value report, computed from additive tallies that the database sums.

The database returns, per group, only sums and counts (a `Tally`). Sums add, so the overall, per-segment
and per-decile figures are all made from one grouped query by adding tallies; means, rates, the 95%
confidence interval and value for money are then worked out here. Definitions (per enrolment, i.e. one
person's care cycle in one community):

- baseline LIS = the person's first Life Improver Score with a value; latest = their last, when it is a
  different, later assessment. Means and change are over people with both (paired), so
  mean change = mean latest − mean baseline.
- 95% CI of the mean change: mean ± t₀.₉₇₅,n−1 × s/√n, s the sample standard deviation from
  Σd and Σd² (s² = (Σd² − n·d̄²)/(n − 1)); none below two paired people.
- meaningfully improved: change ≥ the outcome set's LIS minimal important difference.
- response rate = invitations completed / invitations sent (sent, reminded, partial, completed, expired).
- cost per person = total cost in the enrolment periods / people enrolled; per person-year = total cost /
  Σ enrolment days ÷ 365.25; LIS points per £1,000 = Σ change of the paired people / (their cost / 1,000).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from prom_service.domain.student_t import t_critical_975

DAYS_PER_YEAR = Decimal("365.25")
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Tally:
    """Sums over a group of enrolments; adding two tallies gives the tally of both groups."""

    people: int = 0
    paired: int = 0
    invitations_sent: int = 0
    invitations_completed: int = 0
    sum_baseline: float = 0.0
    sum_latest: float = 0.0
    sum_change: float = 0.0
    sum_change_squared: float = 0.0
    improved: int = 0
    cost: Decimal = Decimal("0.00")
    paired_cost: Decimal = Decimal("0.00")
    enrolled_days: int = 0
    people_with_days_at_home: int = 0
    sum_days_at_home: float = 0.0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class ValueFigures:
    people_enrolled: int
    people_with_baseline_and_follow_up: int
    invitations_sent: int
    invitations_completed: int
    response_rate: float | None
    mean_baseline_lis: float | None
    mean_latest_lis: float | None
    mean_change: float | None
    change_ci95: tuple[float, float] | None
    share_meaningfully_improved: float | None
    total_cost: Decimal
    mean_cost_per_person: Decimal | None
    person_years: float
    cost_per_person_year: Decimal | None
    lis_points_per_1000_gbp: float | None
    people_with_days_at_home: int
    mean_days_at_home: float | None


def figures(tally: Tally) -> ValueFigures:
    """The report's figures for one group; None wherever the group has nothing to divide by."""
    paired = tally.paired
    person_years = Decimal(tally.enrolled_days) / DAYS_PER_YEAR
    return ValueFigures(
        people_enrolled=tally.people,
        people_with_baseline_and_follow_up=paired,
        invitations_sent=tally.invitations_sent,
        invitations_completed=tally.invitations_completed,
        response_rate=_ratio(tally.invitations_completed, tally.invitations_sent, 4),
        mean_baseline_lis=_ratio(tally.sum_baseline, paired),
        mean_latest_lis=_ratio(tally.sum_latest, paired),
        mean_change=_ratio(tally.sum_change, paired),
        change_ci95=mean_confidence_interval(paired, tally.sum_change, tally.sum_change_squared),
        share_meaningfully_improved=_ratio(tally.improved, paired, 4),
        total_cost=tally.cost.quantize(PENNY),
        mean_cost_per_person=_money(tally.cost, Decimal(tally.people)),
        person_years=round(float(person_years), 3),
        cost_per_person_year=_money(tally.cost, person_years),
        lis_points_per_1000_gbp=_ratio(tally.sum_change, float(tally.paired_cost) / 1000, 3),
        people_with_days_at_home=tally.people_with_days_at_home,
        mean_days_at_home=_ratio(tally.sum_days_at_home, tally.people_with_days_at_home, 1),
    )


def mean_confidence_interval(n: int, total: float, sum_of_squares: float) -> tuple[float, float] | None:
    """95% t interval of a mean from n, Σx and Σx²; None for fewer than two values."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (sum_of_squares - n * mean * mean) / (n - 1))  # rounding can dip below zero
    half_width = t_critical_975(n - 1) * math.sqrt(variance / n)
    return round(mean - half_width, 2), round(mean + half_width, 2)


def _ratio(numerator: float, denominator: float, places: int = 2) -> float | None:
    return round(float(numerator) / float(denominator), places) if denominator else None


def _money(amount: Decimal, divisor: Decimal) -> Decimal | None:
    return (amount / divisor).quantize(PENNY, rounding=ROUND_HALF_UP) if divisor else None

"""Change over time, per domain and for the Life Improver Score, classified against the MID.

A change is `improved` or `deteriorated` when it reaches the minimal important difference in the
better or worse direction, and `stable` otherwise. Direction comes from the domain: where `worst` is
above `best` (anxiety, PHQ-9) a fall in the raw value is an improvement.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Sequence

from prom_service.domain.outcome_set import Domain

#: Float noise allowance, so that 0.817 − 0.743 still reaches an MID of 0.074.
_TOLERANCE = 1e-9


class ChangeClass(enum.Enum):
    IMPROVED = "improved"
    STABLE = "stable"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class Change:
    """From `earlier` to `later` (raw units); `improvement` is positive when things got better."""

    earlier: float
    later: float
    difference: float
    improvement: float
    mid: float
    classification: ChangeClass


@dataclass(frozen=True)
class ChangeSummary:
    """Change since the baseline (first value) and since the previous value; None with one value."""

    from_baseline: Change | None
    from_previous: Change | None


def classify(improvement: float, mid: float) -> ChangeClass:
    """`improved` at or beyond +MID, `deteriorated` at or beyond −MID, else `stable`."""
    if improvement >= mid - _TOLERANCE:
        return ChangeClass.IMPROVED
    if improvement <= -mid + _TOLERANCE:
        return ChangeClass.DETERIORATED
    return ChangeClass.STABLE


def change(earlier: float, later: float, mid: float, higher_is_better: bool = True) -> Change:
    difference = later - earlier
    improvement = difference if higher_is_better else -difference
    return Change(earlier, later, difference, improvement, mid, classify(improvement, mid))


def domain_change(domain: Domain, earlier: float, later: float) -> Change:
    """A domain's change in raw units, against its MID and in its own direction."""
    return change(earlier, later, domain.mid.value, domain.higher_is_better)


def lis_change(earlier: float, later: float, mid: float) -> Change:
    """A Life Improver Score change in points (LIS is always higher-is-better)."""
    return change(earlier, later, mid)


def domain_change_summary(domain: Domain, history: Sequence[float]) -> ChangeSummary:
    """From baseline and from the previous assessment; `history` is oldest first."""
    return _summary(history, lambda earlier, later: domain_change(domain, earlier, later))


def lis_change_summary(history: Sequence[float], mid: float) -> ChangeSummary:
    """LIS change from baseline and previous; pass the outcome set's `life_improver_score.mid`."""
    return _summary(history, lambda earlier, later: lis_change(earlier, later, mid))


def _summary(history: Sequence[float], compare) -> ChangeSummary:
    if len(history) < 2:
        return ChangeSummary(None, None)
    return ChangeSummary(compare(history[0], history[-1]), compare(history[-2], history[-1]))

"""Rules that turn a score, a change or a silence into an alert for the care team.

Only the rules live here, as typed values read from the outcome-set file; the service that raises
alerts (a later issue) asks each rule whether it fires. Four kinds:

* `red_flag` — a single answer that needs a person now, whatever the total (PHQ-9 item 9 > 0);
* `threshold` — a scale at or beyond a clinical cut-off (PHQ-9 total ≥ 20);
* `deterioration` — a domain or the Life Improver Score worse than baseline by at least its MID;
* `non_response` — a number of invitations in a row expired unanswered.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass
from typing import Union

from prom_service.domain.measure import Measure


class Severity(enum.Enum):
    URGENT = "urgent"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Comparison(enum.Enum):
    """How a value is compared with a rule's limit; the YAML key names the comparison."""

    ABOVE = "above"
    AT_LEAST = "at_least"
    BELOW = "below"
    AT_MOST = "at_most"

    def holds(self, value: float, limit: float) -> bool:
        return _OPERATORS[self](value, limit)


_OPERATORS = {
    Comparison.ABOVE: operator.gt,
    Comparison.AT_LEAST: operator.ge,
    Comparison.BELOW: operator.lt,
    Comparison.AT_MOST: operator.le,
}


@dataclass(frozen=True)
class MeasureRule:
    """A `red_flag` or `threshold` rule: fires when the measured value compares true with the limit."""

    name: str
    kind: str
    severity: Severity
    measure: Measure
    comparison: Comparison
    limit: float

    def fires_for(self, value: float | None) -> bool:
        """Whether this value raises the alert; a missing value never does."""
        return value is not None and self.comparison.holds(value, self.limit)


@dataclass(frozen=True)
class DeteriorationRule:
    """Fires when a named domain (or any, when `domains` is empty) or the LIS deteriorates beyond its MID."""

    name: str
    severity: Severity
    domains: tuple[str, ...] = ()
    life_improver_score: bool = True
    kind: str = "deterioration"

    def watches(self, domain: str) -> bool:
        return not self.domains or domain in self.domains


@dataclass(frozen=True)
class NonResponseRule:
    """Fires when `consecutive_missed` invitations in a row expired without an answer."""

    name: str
    severity: Severity
    consecutive_missed: int = 1
    kind: str = "non_response"

    def fires_for(self, missed_in_a_row: int) -> bool:
        return missed_in_a_row >= self.consecutive_missed


AlertRule = Union[MeasureRule, DeteriorationRule, NonResponseRule]

MEASURE_RULE_KINDS = ("red_flag", "threshold")
ALERT_RULE_KINDS = (*MEASURE_RULE_KINDS, "deterioration", "non_response")

"""The personal layer, "what matters to me": a person's own weights and their goals.

The care team agrees with the person how much each domain matters to them; those weights replace the
community's for that person's Life Improver Score. Personal goals are rated by Goal Attainment
Scaling, each goal weighted importance × difficulty (each 0–3; Turner-Stokes 2009, Clin Rehabil
23:362), and the GAS T-score (`scoring.score("gas", attainments, weights=goal_weights(goals))`) is the
value of the `personal_goals` domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from prom_service.domain.outcome_set import OutcomeSet


class PersonalWeightError(ValueError):
    """Personal weights that name an unknown domain or are not numbers ≥ 0."""


class PersonalGoalError(ValueError):
    """A goal whose importance or difficulty is not a whole number from 0 to 3."""


def effective_weights(outcome_set: OutcomeSet, personal: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each domain's weight for this person: their own where agreed, the community's otherwise.

    A weight of 0 is allowed and means "doesn't matter to me"; at least one domain must matter.
    """
    personal = dict(personal or {})
    unknown = sorted(set(personal) - set(outcome_set.domain_names))
    if unknown:
        known = ", ".join(outcome_set.domain_names)
        raise PersonalWeightError(f"unknown domain(s) {', '.join(unknown)} (known: {known})")
    for name, weight in personal.items():
        _check_weight(name, weight)
    weights = {domain.name: float(personal.get(domain.name, domain.weight)) for domain in outcome_set.domains}
    if not any(weights.values()):
        raise PersonalWeightError("every domain has weight 0; at least one must matter")
    return weights


def _check_weight(name: str, weight: object) -> None:
    is_number = isinstance(weight, (int, float)) and not isinstance(weight, bool)
    if not is_number or not math.isfinite(weight) or weight < 0:
        raise PersonalWeightError(f"{name}: weight must be a number ≥ 0, got {weight!r}")


@dataclass(frozen=True)
class PersonalGoal:
    """A goal the person set with their care team, and how it is weighted in the GAS T-score."""

    description: str
    importance: int
    difficulty: int

    def __post_init__(self) -> None:
        for field, value in (("importance", self.importance), ("difficulty", self.difficulty)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
                raise PersonalGoalError(f"{field} must be a whole number from 0 to 3, got {value!r}")

    @property
    def weight(self) -> int:
        """Importance × difficulty (Turner-Stokes 2009): hard goals that matter count most."""
        return self.importance * self.difficulty


def goal_weights(goals: Iterable[PersonalGoal]) -> list[int]:
    """The `weights=` for `scoring.score("gas", ...)`, in the same order as the goals."""
    return [goal.weight for goal in goals]

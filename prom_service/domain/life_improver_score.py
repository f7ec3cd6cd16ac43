"""The Life Improver Score: one 0–100, higher-is-better figure over a community's domains.

Each domain's raw value is normalised linearly from its `worst` (0) to its `best` (100), clamped; the
LIS is the weighted mean of the normalised values of the domains measured in the assessment window,
`LIS = Σ wᵢ·nᵢ / Σ wᵢ`. Coverage is the share of all weight that was measured; below the outcome
set's `min_coverage` no LIS is given, because a score resting on a few domains would mislead. Every
result carries the version, weights and inputs it used so it can be reproduced years later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.what_matters import effective_weights


@dataclass(frozen=True)
class DomainMeasurement:
    """A domain's raw value, a reference to the score it came from (e.g. `score:812`), and when."""

    value: float
    source: str | None = None
    observed_at: dt.datetime | None = None


@dataclass(frozen=True)
class DomainInput:
    """What one measured domain contributed to a LIS."""

    raw: float
    normalised: float
    weight: float
    source: str | None


@dataclass(frozen=True)
class LifeImproverScore:
    """A LIS result; `value` is None when coverage is too low, and `reason` then says why."""

    community: str
    outcome_set_version: int
    value: float | None
    coverage: float
    inputs: Mapping[str, DomainInput]
    weights: Mapping[str, float]
    missing: tuple[str, ...]
    reason: str | None = None
    explanation: str | None = None


def normalise(raw: float, worst: float, best: float) -> float:
    """Place `raw` on 0 (worst) to 100 (best), clamped; works when worst > best (lower is better)."""
    position = (raw - worst) / (best - worst)
    return 100.0 * min(1.0, max(0.0, position))


def life_improver_score(
    outcome_set: OutcomeSet,
    measurements: Mapping[str, DomainMeasurement | float],
    personal_weights: Mapping[str, float] | None = None,
) -> LifeImproverScore:
    """The LIS from the domains measured in the assessment window, with this person's weights."""
    weights = effective_weights(outcome_set, personal_weights)
    unknown = sorted(set(measurements) - set(weights))
    if unknown:
        raise ValueError(f"measurements for unknown domain(s): {', '.join(unknown)}")
    inputs = {name: _input(outcome_set, name, measurement, weights[name]) for name, measurement in measurements.items()}
    measured_weight = sum(domain_input.weight for domain_input in inputs.values())
    coverage = measured_weight / sum(weights.values())
    missing = tuple(name for name in outcome_set.domain_names if name not in inputs and weights[name] > 0)
    result = LifeImproverScore(outcome_set.community, outcome_set.version, None, coverage, inputs, weights, missing)
    refusal = _refusal(result, measured_weight, outcome_set.life_improver_score.min_coverage)
    if refusal:
        return replace(result, reason=refusal[0], explanation=refusal[1])
    value = sum(i.weight * i.normalised for i in inputs.values()) / measured_weight
    return replace(result, value=value)


def _refusal(result: LifeImproverScore, measured_weight: float, minimum: float) -> tuple[str, str] | None:
    """Why no LIS can be given (a reason code and a sentence), or None when it can."""
    if measured_weight == 0:
        return "nothing_measured", "no domain with a weight above 0 was measured"
    if result.coverage < minimum:
        shortfall = f"coverage {result.coverage:.2f} is below the minimum {minimum:.2f}"
        return "below_min_coverage", f"{shortfall}; not measured: {', '.join(result.missing)}"
    return None


def _input(outcome_set: OutcomeSet, name: str, measurement: DomainMeasurement | float, weight: float) -> DomainInput:
    if not isinstance(measurement, DomainMeasurement):
        measurement = DomainMeasurement(float(measurement))
    domain = outcome_set.domain(name)
    normalised = normalise(measurement.value, domain.worst, domain.best)
    return DomainInput(measurement.value, normalised, weight, measurement.source)


def measurements_in_window(
    observations: Iterable[tuple[str, DomainMeasurement]], as_of: dt.datetime, window_days: int
) -> dict[str, DomainMeasurement]:
    """The latest measurement of each domain observed in the `window_days` up to and including `as_of`.

    Older values are left out rather than carried forward: a LIS should describe one period of a life.
    """
    start = as_of - dt.timedelta(days=window_days)
    latest: dict[str, DomainMeasurement] = {}
    for name, measurement in observations:
        when = measurement.observed_at
        if when is None or not start < when <= as_of:
            continue
        if name not in latest or when > latest[name].observed_at:
            latest[name] = measurement
    return latest

"""Sum scores with the published "fill with the person's own mean" missing-item rule.

PHQ-9 (NHS Data Dictionary) and the Oxford Knee and Hip Scores (OUI scoring guide 2018)
allow up to two unanswered items, each replaced by the mean of the person's answered
items; the total is then ``sum_answered * n_items / n_answered``.  Instruments with no
published rule get ``max_missing = 0``: any gap refuses the total, with a reason.

Rounding a prorated total (no source specifies it).  Our rule: report the nearest integer,
like every complete total, and break an exact tie (only possible with 9 items and 1
missing, e.g. 4.5) towards *worse* health, so imputation never makes a person look better
than their own answers.  So PHQ (higher = worse) rounds x.5 up and Oxford (higher = better)
rounds x.5 down.  The scalar and the numpy paths share the same float formula, so they agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scoring.columns import ScoreBatch
from scoring.instrument import Instrument
from scoring.result import Result, build_result


@dataclass(frozen=True)
class MissingRule:
    """How many unanswered items a total tolerates, and where that rule is published."""

    max_missing: int
    source: str
    higher_is_better: bool

    def refusal(self, missing: list[str]) -> str:
        """Explain why a total with these unanswered items is not given."""
        if self.max_missing == 0:
            limit = f"no published missing-item rule ({self.source}), so every item is needed"
        else:
            limit = f"at most {self.max_missing} may be missing ({self.source})"
        return f"{len(missing)} item(s) unanswered ({', '.join(missing)}); {limit}"

    def round_prorated(self, prorated: float) -> int:
        """Round a prorated total to an integer, an exact tie going towards worse health."""
        if self.higher_is_better:
            return math.ceil(prorated - 0.5)
        return math.floor(prorated + 0.5)


@dataclass(frozen=True)
class Summed:
    """A total (``None`` when refused), the items the rule filled, and any refusal reason."""

    total: int | None
    imputed_items: tuple[str, ...] = ()
    reason: str | None = None


def summed_total(instrument: Instrument, answers: tuple[int | None, ...], rule: MissingRule) -> Summed:
    """Sum the answers, filling up to ``rule.max_missing`` gaps with the person's mean."""
    missing = [item.id for item, answer in zip(instrument.items, answers) if answer is None]
    answered = [answer for answer in answers if answer is not None]
    if not missing:
        return Summed(sum(answered))
    if len(missing) > rule.max_missing:
        return Summed(None, reason=rule.refusal(missing))
    prorated = float(sum(answered)) * len(answers) / len(answered)
    return Summed(rule.round_prorated(prorated), tuple(missing))


@dataclass(frozen=True)
class SummedColumns:
    """Column form of :class:`Summed`: totals (NaN when refused), filled-item mask, reasons."""

    totals: np.ndarray
    imputed: np.ndarray | None
    reasons: np.ndarray | None


def summed_columns(instrument: Instrument, values: np.ndarray, missing: np.ndarray | None,
                   rule: MissingRule) -> SummedColumns:
    """Vectorised :func:`summed_total`; ``values`` hold 0 wherever ``missing`` is set."""
    answered_sum = values.sum(axis=1, dtype=np.int64)
    if missing is None:
        return SummedColumns(answered_sum.astype(np.float64), None, None)
    n_items = values.shape[1]
    n_missing = missing.sum(axis=1)
    prorated = answered_sum * float(n_items) / np.maximum(n_items - n_missing, 1)
    rounded = np.ceil(prorated - 0.5) if rule.higher_is_better else np.floor(prorated + 0.5)
    refused = n_missing > rule.max_missing
    totals = np.where(n_missing == 0, answered_sum, rounded)
    totals[refused] = np.nan
    imputed = missing & ~refused[:, None]
    return SummedColumns(totals, imputed, refusal_reasons(instrument, missing, refused, rule))


def refusal_reasons(instrument: Instrument, missing: np.ndarray, refused: np.ndarray,
                    rule: MissingRule) -> np.ndarray:
    """Write the refusal reason of each refused row (a short loop over refused rows only)."""
    reasons = np.full(len(refused), None, dtype=object)
    ids = instrument.item_ids
    for row in np.flatnonzero(refused):
        reasons[row] = rule.refusal([ids[j] for j in np.flatnonzero(missing[row])])
    return reasons


def summed_result(instrument: Instrument, answers: tuple[int | None, ...], rule: MissingRule,
                  flags: tuple[str, ...] = ()) -> Result:
    """Score a sum-score instrument whose primary scale is ``total``."""
    summed = summed_total(instrument, answers, rule)
    scales = {} if summed.total is None else {"total": summed.total}
    return build_result(instrument, scales, flags=flags, imputed_items=summed.imputed_items,
                        reason=summed.reason)


def summed_batch(instrument: Instrument, values: np.ndarray, missing: np.ndarray | None,
                 rule: MissingRule, flags: dict[str, np.ndarray] | None = None) -> ScoreBatch:
    """Column form of :func:`summed_result`."""
    summed = summed_columns(instrument, values, missing, rule)
    return ScoreBatch(instrument, {"total": summed.totals}, flags=flags or {},
                      imputed=summed.imputed, reasons=summed.reasons,
                      integer_scales=frozenset({"total"}))

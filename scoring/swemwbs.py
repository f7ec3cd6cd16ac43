"""SWEMWBS, the 7-item short WEMWBS, whose raw sum must be converted with a Rasch table.

Stewart-Brown S et al. Health Qual Life Outcomes 2009;7:15; Warwick "Collect, score,
analyse".  Items (WEMWBS optimistic, useful, relaxed, dealing with problems, thinking
clearly, close to others, own mind) are 1-5; ``raw`` = sum 7-35; ``metric`` = the Rasch
conversion of ``raw`` (table ``swemwbs_rasch.csv``), 7.00-35.00.  No missing-item rule is
published: any unanswered item refuses the score.
"""
from __future__ import annotations

import functools

import numpy as np

from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, Item, Threshold, options
from scoring.result import Result, build_result
from scoring.summed import MissingRule, summed_columns, summed_total
from scoring.tables import load
from scoring.wemwbs import LICENCE

ITEMS = tuple(Item(f"q{n}", None, 1, 5, options(1, 5)) for n in range(1, 8))
MISSING_RULE = MissingRule(0, "none published for SWEMWBS", higher_is_better=True)
SHAH_2018 = "Shah 2018 HQLO 16:239"

INSTRUMENT = Instrument(
    id="swemwbs", name="Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
    version="SWEMWBS 7-item (Rasch metric)", licence=LICENCE, wording_redistributable=False,
    items=ITEMS, scale_ids=("metric", "raw"), primary_scale="metric",
    higher_is_better={"metric": True, "raw": True}, range={"metric": (7.0, 35.0), "raw": (7, 35)},
    scoring_source="Stewart-Brown 2009 HQLO 7:15 (Rasch conversion table)",
    missing_rule="No published missing-item rule: any unanswered item gives no score.",
    mid={"metric": Threshold(1.0, SHAH_2018, "1-3 points meaningful for an individual; 1 SEM = 1.03")},
    reliable_change={"metric": Threshold(2.87, SHAH_2018, "2.77 SEM")},
)


@functools.cache
def metric_table() -> np.ndarray:
    """Metric score indexed by raw score (entries below 7 are NaN), built once."""
    table = load("swemwbs_rasch")
    metric = np.full(36, np.nan)
    metric[list(table.column("raw", int))] = table.column("metric")
    return metric


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the seven answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one SWEMWBS response: the raw sum and its Rasch metric."""
    summed = summed_total(INSTRUMENT, validate(answers), MISSING_RULE)
    if summed.total is None:
        return build_result(INSTRUMENT, {}, reason=summed.reason)
    return build_result(INSTRUMENT, {"raw": summed.total, "metric": float(metric_table()[summed.total])})


def interpret(value: float | None, scale: str = "metric") -> str | None:
    """SWEMWBS has no published bands."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many SWEMWBS responses at once (see :func:`scoring.score_many`)."""
    summed = summed_columns(INSTRUMENT, responses.values, responses.missing, MISSING_RULE)
    raw = summed.totals
    metric = metric_table()[np.where(np.isnan(raw), 0, raw).astype(np.int64)]
    return ScoreBatch(INSTRUMENT, {"raw": raw, "metric": metric}, reasons=summed.reasons,
                      integer_scales=frozenset({"raw"}))

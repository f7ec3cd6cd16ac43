"""WEMWBS, the 14-item Warwick-Edinburgh Mental Wellbeing Scale.

Tennant R et al. Health Qual Life Outcomes 2007;5:63; Warwick Medical School "Collect,
score, analyse": each item 1 (none of the time) to 5 (all of the time), no reversed
items, total 14-70.  No missing-item rule is published (CamCOPS scores only complete
forms), so any unanswered item refuses the total.
"""
from __future__ import annotations

from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, Item, Threshold, options
from scoring.result import Result
from scoring.summed import MissingRule, summed_batch, summed_result

LICENCE = ("WEMWBS (c) NHS Health Scotland, University of Warwick and University of Edinburgh. Free "
           "for non-commercial use after registration with Warwick; commercial use is licensed. "
           "Wording not shipped until Warwick confirms redistribution.")
ITEMS = tuple(Item(f"q{n}", None, 1, 5, options(1, 5)) for n in range(1, 15))
MISSING_RULE = MissingRule(0, "none published for WEMWBS", higher_is_better=True)

INSTRUMENT = Instrument(
    id="wemwbs", name="Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS)", version="WEMWBS 14-item",
    licence=LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": True}, range={"total": (14, 70)},
    scoring_source="Tennant 2007 HQLO 5:63; Warwick 'Collect, score, analyse'",
    missing_rule="No published missing-item rule: any unanswered item gives no score.",
    mid={"total": Threshold(3, "Maheswaran 2012 HQLO 10:156", "SEM 2.4-3.1, so about 3 points")},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the fourteen answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one WEMWBS response."""
    return summed_result(INSTRUMENT, validate(answers), MISSING_RULE)


def interpret(value: float | None, scale: str = "total") -> str | None:
    """WEMWBS has no published bands."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many WEMWBS responses at once (see :func:`scoring.score_many`)."""
    return summed_batch(INSTRUMENT, responses.values, responses.missing, MISSING_RULE)

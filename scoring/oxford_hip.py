"""Oxford Hip Score (OHS), 12 items 0-4, total 0-48 (see ``scoring.oxford`` for the method).

No bands are shipped: the OKS bands we have come from a secondary source for the knee only.
"""
from __future__ import annotations

from scoring import oxford
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, Threshold
from scoring.result import Result
from scoring.summed import summed_batch, summed_result

ITEMS = oxford.ITEMS

INSTRUMENT = Instrument(
    id="oxford_hip", name="Oxford Hip Score (OHS)", version="OHS (0-48 scoring, Murray 2007)",
    licence=oxford.LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": True}, range={"total": (0, 48)},
    scoring_source=oxford.MURRAY_2007, missing_rule=oxford.MISSING_TEXT,
    mid={"total": Threshold(8, oxford.BEARD_2015, "individual ROC MIC; group MIC about 11; "
                                                  "between-group MID about 5")},
    reliable_change={"total": Threshold(5, oxford.BEARD_2015, "MDC90")},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the twelve answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one Oxford Hip Score response."""
    return summed_result(INSTRUMENT, validate(answers), oxford.MISSING_RULE)


def interpret(value: float | None, scale: str = "total") -> str | None:
    """No bands are shipped for the OHS."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many Oxford Hip Score responses at once (see :func:`scoring.score_many`)."""
    return summed_batch(INSTRUMENT, responses.values, responses.missing, oxford.MISSING_RULE)

"""GAD-2: GAD-7 items 1 and 2, total 0-6, screen positive at 3 or more (Kroenke 2007 Ann Intern Med 146:317)."""
from __future__ import annotations

from scoring import gad7
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument
from scoring.result import Result
from scoring.screener import MISSING_RULE, screen, screen_flags
from scoring.summed import summed_columns

ITEMS = gad7.ITEMS[:2]
INSTRUMENT = Instrument(
    id="gad2", name="Generalised Anxiety Disorder-2 (GAD-2)", version="GAD-2 (Kroenke 2007)",
    licence=gad7.LICENCE, wording_redistributable=True, items=ITEMS, preamble=gad7.PREAMBLE,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": False}, range={"total": (0, 6)},
    scoring_source="Kroenke 2007 Ann Intern Med 146:317 (positive screen: total >= 3)",
    missing_rule="No published missing-item rule: either item unanswered gives no score.",
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the two answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one GAD-2 response."""
    return screen(INSTRUMENT, validate(answers))


def interpret(value: float | None, scale: str = "total") -> str | None:
    """GAD-2 has no published bands, only the positive-screen flag."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many GAD-2 responses at once (see :func:`scoring.score_many`)."""
    summed = summed_columns(INSTRUMENT, responses.values, responses.missing, MISSING_RULE)
    return ScoreBatch(INSTRUMENT, {"total": summed.totals}, flags=screen_flags(summed.totals),
                      imputed=summed.imputed, reasons=summed.reasons,
                      integer_scales=frozenset({"total"}))

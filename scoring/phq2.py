"""PHQ-2: PHQ-9 items 1 and 2, total 0-6, screen positive at 3 or more (Kroenke 2003 Med Care 41:1284)."""
from __future__ import annotations

from scoring import phq9
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument
from scoring.result import Result
from scoring.screener import MISSING_RULE, screen, screen_flags
from scoring.summed import summed_columns

ITEMS = phq9.ITEMS[:2]
INSTRUMENT = Instrument(
    id="phq2", name="Patient Health Questionnaire-2 (PHQ-2)", version="PHQ-2 (Kroenke 2003)",
    licence=phq9.LICENCE, wording_redistributable=True, items=ITEMS, preamble=phq9.PREAMBLE,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": False}, range={"total": (0, 6)},
    scoring_source="Kroenke 2003 Med Care 41:1284 (positive screen: total >= 3)",
    missing_rule="No published missing-item rule: either item unanswered gives no score.",
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the two answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one PHQ-2 response."""
    return screen(INSTRUMENT, validate(answers))


def interpret(value: float | None, scale: str = "total") -> str | None:
    """PHQ-2 has no published bands, only the positive-screen flag."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many PHQ-2 responses at once (see :func:`scoring.score_many`)."""
    summed = summed_columns(INSTRUMENT, responses.values, responses.missing, MISSING_RULE)
    return ScoreBatch(INSTRUMENT, {"total": summed.totals}, flags=screen_flags(summed.totals),
                      imputed=summed.imputed, reasons=summed.reasons,
                      integer_scales=frozenset({"total"}))

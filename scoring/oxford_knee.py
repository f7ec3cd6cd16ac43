"""Oxford Knee Score (OKS), 12 items 0-4, total 0-48 (see ``scoring.oxford`` for the method)."""
from __future__ import annotations

from scoring import oxford
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Band, Instrument, Threshold, band_for
from scoring.result import Result
from scoring.summed import summed_batch, summed_result

ITEMS = oxford.ITEMS
BANDS_SOURCE = "awell-health/awell-score OKS README (secondary source)"
BANDS = (
    Band("severe", 0, 19, "Severe", BANDS_SOURCE),
    Band("moderate_severe", 20, 29, "Moderate to severe", BANDS_SOURCE),
    Band("mild_moderate", 30, 39, "Mild to moderate", BANDS_SOURCE),
    Band("satisfactory", 40, 48, "Satisfactory", BANDS_SOURCE),
)

INSTRUMENT = Instrument(
    id="oxford_knee", name="Oxford Knee Score (OKS)", version="OKS (0-48 scoring, Murray 2007)",
    licence=oxford.LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": True}, range={"total": (0, 48)},
    scoring_source=oxford.MURRAY_2007, missing_rule=oxford.MISSING_TEXT,
    mid={"total": Threshold(7, oxford.BEARD_2015, "individual ROC MIC; group MIC about 9; "
                                                  "between-group MID about 5")},
    reliable_change={"total": Threshold(4, oxford.BEARD_2015, "MDC90")},
    bands={"total": BANDS},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the twelve answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one Oxford Knee Score response."""
    return summed_result(INSTRUMENT, validate(answers), oxford.MISSING_RULE)


def interpret(value: float | None, scale: str = "total") -> str | None:
    """Return the severity band of a total."""
    return band_for(INSTRUMENT.bands[scale], value)


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many Oxford Knee Score responses at once (see :func:`scoring.score_many`)."""
    return summed_batch(INSTRUMENT, responses.values, responses.missing, oxford.MISSING_RULE)

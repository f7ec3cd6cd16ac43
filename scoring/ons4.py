"""ONS4, the Office for National Statistics personal well-being questions.

Four questions, each 0 ("not at all") to 10 ("completely"), reported separately: there is
no composite.  ``value`` is life satisfaction; every answered question is a scale with its
band.  Thresholds: ONS, Measuring National Well-being (FOI response) - life satisfaction,
worthwhile and happiness 0-4 low, 5-6 medium, 7-8 high, 9-10 very high; anxiety 0-1 very
low, 2-3 low, 4-5 medium, 6-10 high.  An unanswered question simply has no scale.
"""
from __future__ import annotations

from scoring.answers import Answers, read_answers
from scoring.instrument import Band, Instrument, Item, band_for
from scoring.result import Result, build_result

ITEMS = (
    Item("life_satisfaction", "Overall, how satisfied are you with your life nowadays?", 0, 10),
    Item("worthwhile", "Overall, to what extent do you feel that the things you do in your life "
                       "are worthwhile?", 0, 10),
    Item("happiness", "Overall, how happy did you feel yesterday?", 0, 10),
    Item("anxiety", "On a scale where 0 is \"not at all anxious\" and 10 is \"completely anxious\", "
                    "overall, how anxious did you feel yesterday?", 0, 10),
)
ONS = "ONS Measuring National Well-being, personal well-being thresholds (FOI response)"
POSITIVE_BANDS = (
    Band("low", 0, 4, "Low", ONS), Band("medium", 5, 6, "Medium", ONS),
    Band("high", 7, 8, "High", ONS), Band("very_high", 9, 10, "Very high", ONS),
)
ANXIETY_BANDS = (
    Band("very_low", 0, 1, "Very low", ONS), Band("low", 2, 3, "Low", ONS),
    Band("medium", 4, 5, "Medium", ONS), Band("high", 6, 10, "High", ONS),
)
SCALES = tuple(item.id for item in ITEMS)

INSTRUMENT = Instrument(
    id="ons4", name="ONS personal well-being (ONS4)", version="ONS4 harmonised questions",
    licence="Crown copyright, ONS harmonised questions; assumed available under the Open "
            "Government Licence (not verified).",
    wording_redistributable=True, items=ITEMS,
    preamble="Next I would like to ask you four questions about your feelings on aspects of your "
             "life. There are no right or wrong answers. For each of these questions I'd like you "
             "to give an answer on a scale of 0 to 10, where 0 is \"not at all\" and 10 is "
             "\"completely\".",
    scale_ids=SCALES, primary_scale="life_satisfaction",
    higher_is_better={scale: scale != "anxiety" for scale in SCALES},
    range={scale: (0, 10) for scale in SCALES},
    scoring_source=ONS,
    missing_rule="Each question stands alone; an unanswered question has no scale.",
    bands={scale: ANXIETY_BANDS if scale == "anxiety" else POSITIVE_BANDS for scale in SCALES},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the four answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Report each answered question as a scale with its band."""
    values = validate(answers)
    scales = {scale: value for scale, value in zip(SCALES, values) if value is not None}
    unanswered = [scale for scale in SCALES if scale not in scales]
    reason = f"unanswered: {', '.join(unanswered)}" if unanswered else None
    return build_result(INSTRUMENT, scales, reason=reason)


def interpret(value: float | None, scale: str = "life_satisfaction") -> str | None:
    """Return the ONS threshold band of one question's answer."""
    return band_for(INSTRUMENT.bands[scale], value)

"""PHQ-9, the nine-item depression scale of the Patient Health Questionnaire.

Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity
measure. J Gen Intern Med 2001;16(9):606-613.  Total = sum of items 1-9 (each 0-3), 0-27.
Missing items: NHS Data Dictionary (PHQ-9 entry) - one or two unanswered items are filled
with the mean of the answered items; more than two, no score (rounding: see ``summed``).
Item 9 above zero raises ``item9_positive`` whatever the total, even when the total is
refused, because it asks about self-harm.
"""
from __future__ import annotations

from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Band, Instrument, Item, Threshold, band_for, loinc, options
from scoring.result import Result
from scoring.summed import MissingRule, summed_batch, summed_result

PREAMBLE = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
FREQUENCY = ("Not at all", "Several days", "More than half the days", "Nearly every day")
WORDING = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - being so "
    "fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
ITEMS = tuple(Item(f"q{n}", text, 0, 3, options(0, 3, FREQUENCY)) for n, text in enumerate(WORDING, 1))
LICENCE = ("PHQ screeners (Spitzer, Williams, Kroenke; developed with an educational grant from Pfizer): "
           "no permission required to reproduce, translate, display or distribute (phqscreeners.com).")
KROENKE_2001 = "Kroenke 2001 J Gen Intern Med 16:606; NHS Data Dictionary (PHQ-9)"
BANDS = (
    Band("none_minimal", 0, 4, "None-minimal", KROENKE_2001),
    Band("mild", 5, 9, "Mild", KROENKE_2001),
    Band("moderate", 10, 14, "Moderate", KROENKE_2001),
    Band("moderately_severe", 15, 19, "Moderately severe", KROENKE_2001),
    Band("severe", 20, 27, "Severe", KROENKE_2001),
)
MISSING_RULE = MissingRule(2, "NHS Data Dictionary, PHQ-9", higher_is_better=False)

INSTRUMENT = Instrument(
    id="phq9", name="Patient Health Questionnaire-9 (PHQ-9)", version="PHQ-9 (Kroenke 2001)",
    licence=LICENCE, wording_redistributable=True, items=ITEMS, preamble=PREAMBLE,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": False}, range={"total": (0, 27)},
    scoring_source=KROENKE_2001,
    missing_rule="1-2 missing items filled with the mean of the answered items, rounded to the "
                 "nearest integer (a tie rounds towards worse health); >2 missing: no score. "
                 "NHS Data Dictionary (PHQ-9).",
    mid={"total": Threshold(5, "Lowe 2004 Med Care 42:1194 (2 x SEM)")},
    reliable_change={"total": Threshold(6, "NHS Talking Therapies (IAPT) manual, reliable improvement",
                                        "secondary page quoting the manual")},
    bands={"total": BANDS},
    codes={"panel": loinc("44249-1", "PHQ-9 quick depression assessment panel"),
           "total": loinc("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score")},
)
ITEM9 = 8  # position of q9, "thoughts that you would be better off dead or of hurting yourself"


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the nine answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one PHQ-9 response."""
    values = validate(answers)
    flags = ("item9_positive",) if (values[ITEM9] or 0) > 0 else ()
    return summed_result(INSTRUMENT, values, MISSING_RULE, flags)


def interpret(value: float | None, scale: str = "total") -> str | None:
    """Return the severity band of a total."""
    return band_for(INSTRUMENT.bands[scale], value)


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many PHQ-9 responses at once (see :func:`scoring.score_many`)."""
    flags = {"item9_positive": responses.values[:, ITEM9] > 0}
    return summed_batch(INSTRUMENT, responses.values, responses.missing, MISSING_RULE, flags)

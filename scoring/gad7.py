"""GAD-7, the seven-item generalised anxiety disorder scale.

Spitzer RL, Kroenke K, Williams JBW, Lowe B. A brief measure for assessing generalized
anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097.  Total = sum of
items 1-7 (each 0-3), 0-21; cut-points 5/10/15.
Missing items: no published rule was found, so any unanswered item refuses the total
(borrowing the PHQ-9 rule would be our own invention; see INSTRUMENTS.md section 2).
"""
from __future__ import annotations

from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Band, Instrument, Item, Threshold, band_for, loinc, options
from scoring.phq9 import FREQUENCY, LICENCE, PREAMBLE
from scoring.result import Result
from scoring.summed import MissingRule, summed_batch, summed_result

WORDING = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
ITEMS = tuple(Item(f"q{n}", text, 0, 3, options(0, 3, FREQUENCY)) for n, text in enumerate(WORDING, 1))
SPITZER_2006 = "Spitzer 2006 Arch Intern Med 166:1092"
BANDS = (
    Band("minimal", 0, 4, "Minimal", SPITZER_2006),
    Band("mild", 5, 9, "Mild", SPITZER_2006),
    Band("moderate", 10, 14, "Moderate", SPITZER_2006),
    Band("severe", 15, 21, "Severe", SPITZER_2006),
)
MISSING_RULE = MissingRule(0, "none found for GAD-7", higher_is_better=False)

INSTRUMENT = Instrument(
    id="gad7", name="Generalised Anxiety Disorder-7 (GAD-7)", version="GAD-7 (Spitzer 2006)",
    licence=LICENCE, wording_redistributable=True, items=ITEMS, preamble=PREAMBLE,
    scale_ids=("total",), primary_scale="total",
    higher_is_better={"total": False}, range={"total": (0, 21)},
    scoring_source=SPITZER_2006,
    missing_rule="No published missing-item rule: any unanswered item gives no score.",
    mid={"total": Threshold(4, "Toussaint 2020 J Affect Disord 265:395")},
    reliable_change={"total": Threshold(4, "NHS Talking Therapies (IAPT) manual, reliable improvement",
                                        "secondary page quoting the manual")},
    bands={"total": BANDS},
    codes={"panel": loinc("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
           "total": loinc("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score")},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the seven answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Score one GAD-7 response."""
    return summed_result(INSTRUMENT, validate(answers), MISSING_RULE)


def interpret(value: float | None, scale: str = "total") -> str | None:
    """Return the severity band of a total."""
    return band_for(INSTRUMENT.bands[scale], value)


def score_columns(responses: Responses) -> ScoreBatch:
    """Score many GAD-7 responses at once (see :func:`scoring.score_many`)."""
    return summed_batch(INSTRUMENT, responses.values, responses.missing, MISSING_RULE)

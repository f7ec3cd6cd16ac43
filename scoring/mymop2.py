"""MYMOP2, Measure Yourself Medical Outcome Profile (version 2).

Paterson C. Measuring outcomes in primary care: a patient generated measure, MYMOP.
BMJ 1996;312:1016-1020.  Symptom 1, an optional symptom 2, activity and wellbeing, each
0 (as good as it could be) to 6 (as bad as it could be) over the past week.  Profile = the
mean of the completed items: all four, or three when no second symptom is named (MYMOP
scoring notes).  Our rule where the notes are silent: symptom 1, activity and wellbeing
are required; without any of them there is no profile.  The mean is not rounded.
"""
from __future__ import annotations

from statistics import fmean

from scoring.answers import Answers, read_answers
from scoring.instrument import Instrument, Item, Threshold, options
from scoring.result import Result, build_result

ITEMS = (
    Item("symptom1", None, 0, 6, options(0, 6)),
    Item("symptom2", None, 0, 6, options(0, 6), optional=True),
    Item("activity", None, 0, 6, options(0, 6)),
    Item("wellbeing", None, 0, 6, options(0, 6)),
)
ITEM_SCALES = tuple(item.id for item in ITEMS)
SCALES = ("profile", *ITEM_SCALES)
REQUIRED = tuple(item.id for item in ITEMS if not item.optional)

INSTRUMENT = Instrument(
    id="mymop2", name="Measure Yourself Medical Outcome Profile 2 (MYMOP2)", version="MYMOP2",
    licence="Managed by Meaningful Measures Ltd; a licence is required and the wording must not "
            "be modified. Wording (and the person's own symptom names) are not shipped.",
    wording_redistributable=False, items=ITEMS, scale_ids=SCALES, primary_scale="profile",
    higher_is_better={scale: False for scale in SCALES}, range={scale: (0, 6) for scale in SCALES},
    scoring_source="Paterson 1996 BMJ 312:1016",
    missing_rule="Profile = mean of the answered items; symptom1, activity and wellbeing required.",
    mid={"profile": Threshold(1.0, "Paterson 1996 BMJ 312:1016 (via Physiopedia)",
                              "a change over 1.0 is clinically significant; MCID 0.5-1.0")},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the four answers in item order (``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Report each answered item and, when the required ones are there, the profile."""
    scales = {item_id: value for item_id, value in zip(ITEM_SCALES, validate(answers)) if value is not None}
    missing = [item_id for item_id in REQUIRED if item_id not in scales]
    if missing:
        reason = f"{', '.join(missing)} unanswered; the profile needs symptom1, activity and wellbeing"
        return build_result(INSTRUMENT, scales, reason=reason)
    return build_result(INSTRUMENT, {"profile": fmean(scales.values()), **scales})


def interpret(value: float | None, scale: str = "profile") -> str | None:
    """MYMOP2 has no bands; change (baseline minus follow-up) is what is interpreted."""
    return None

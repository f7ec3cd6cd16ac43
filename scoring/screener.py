"""The two-item screeners PHQ-2 and GAD-2: the first two items of PHQ-9 / GAD-7, summed.

Both screen positive at a total of 3 or more (PHQ-2: Kroenke 2003 Med Care 41:1284;
GAD-2: Kroenke 2007 Ann Intern Med 146:317).  No missing-item rule is published for a
two-item screen, so either item missing refuses the total.  No bands are published for
the totals (awell's GAD-2 bands are unsourced), so only the ``screen_positive`` flag is raised.
"""
from __future__ import annotations

import numpy as np

from scoring.instrument import Instrument
from scoring.result import Result, build_result
from scoring.summed import MissingRule, summed_total

SCREEN_CUT_OFF = 3
MISSING_RULE = MissingRule(0, "none published for a two-item screen", higher_is_better=False)


def screen(instrument: Instrument, answers: tuple[int | None, ...]) -> Result:
    """Sum the two items and flag a positive screen (total >= 3)."""
    summed = summed_total(instrument, answers, MISSING_RULE)
    if summed.total is None:
        return build_result(instrument, {}, reason=summed.reason)
    flags = ("screen_positive",) if summed.total >= SCREEN_CUT_OFF else ()
    return build_result(instrument, {"total": summed.total}, flags=flags)


def screen_flags(totals: np.ndarray) -> dict[str, np.ndarray]:
    """Column form of the ``screen_positive`` flag (NaN totals compare false)."""
    return {"screen_positive": totals >= SCREEN_CUT_OFF}

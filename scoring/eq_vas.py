"""EQ VAS: the EQ-5D visual analogue scale, 0 (worst imaginable health) to 100 (best), reported as is.

EuroQol user guides (EQ-5D-5L and -3L): an integer 0-100 read off the scale.  A missing
mark gives no value.
"""
from __future__ import annotations

import numpy as np

from scoring import eq5d
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, Item, snomed
from scoring.result import Result, build_result

ITEMS = (Item("vas", None, 0, 100),)
REASON = "the VAS was not marked"

INSTRUMENT = Instrument(
    id="eq_vas", name="EQ visual analogue scale (EQ VAS)", version="EQ VAS (EuroQol)",
    licence=eq5d.LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("vas",), primary_scale="vas",
    higher_is_better={"vas": True}, range={"vas": (0, 100)},
    scoring_source="EuroQol EQ-5D user guide: the marked value, 0-100",
    missing_rule="No mark: no value.",
    codes={"vas": snomed("736535009", "EQ VAS score (code seen in implementations; verify)")},
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the VAS as a one-element tuple (``None`` when missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers) -> Result:
    """Report the VAS."""
    (vas,) = validate(answers)
    if vas is None:
        return build_result(INSTRUMENT, {}, reason=REASON)
    return build_result(INSTRUMENT, {"vas": vas})


def interpret(value: float | None, scale: str = "vas") -> str | None:
    """The EQ VAS has no bands."""
    return None


def score_columns(responses: Responses) -> ScoreBatch:
    """Report many VAS marks at once (see :func:`scoring.score_many`)."""
    vas = responses.values[:, 0].astype(np.float64)
    reasons = None
    if responses.missing is not None:
        vas[responses.missing[:, 0]] = np.nan
        reasons = np.where(responses.missing[:, 0], REASON, None).astype(object)
    return ScoreBatch(INSTRUMENT, {"vas": vas}, reasons=reasons, integer_scales=frozenset({"vas"}))

"""EQ-5D-3L index values with the UK time trade-off value set (Dolan 1997).

Dolan P. Modeling valuations for EuroQol health states. Med Care 1997;35(11):1095-1108.
For 11111 the index is 1; otherwise
``index = 1 - constant - N3 * [any dimension at level 3] - sum_d decrement(d, level_d)``
with constant 0.081 and N3 0.269 (table ``eq5d3l_uk_tto_dolan1997.csv``).
"""
from __future__ import annotations

import functools

import numpy as np

from scoring import eq5d
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, Threshold
from scoring.result import Result

ITEMS = eq5d.items(3)
TABLE = "eq5d3l_uk_tto_dolan1997"

INSTRUMENT = Instrument(
    id="eq5d3l", name="EQ-5D-3L", version="EQ-5D-3L (EuroQol, 1990)",
    licence=eq5d.LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("index", "profile"), primary_scale="index",
    higher_is_better={"index": True}, range={"index": (-0.594, 1.0)},
    scoring_source="Dolan 1997 Med Care 35:1095 (UK TTO)",
    missing_rule="Any dimension missing: no index (value sets cover complete states only).",
    mid={"index": Threshold(0.074, "Walters & Brazier 2005 Qual Life Res 14:1523",
                            "mean of UK-index MIDs; range -0.011 to 0.140")},
    value_sets=("uk_tto_1997",), default_value_set="uk_tto_1997",
)


@functools.cache
def index_table() -> np.ndarray:
    """The index of every one of the 243 states, built once from Dolan's coefficients."""
    coefficient = eq5d.decrements(TABLE)
    constant, n3 = coefficient[("constant", 0)], coefficient[("n3", 0)]

    def dolan(state: tuple[int, ...]) -> float:
        """Dolan 1997: 1 - constant - N3 (if any level 3) - sum of dimension decrements."""
        if max(state) == 1:
            return 1.0
        dimension_sum = sum(coefficient.get((d, level), 0.0) for d, level in zip(eq5d.DIMENSIONS, state))
        return 1 - constant - (n3 if 3 in state else 0.0) - dimension_sum
    return eq5d.index_array(3, dolan)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the five levels (MO, SC, UA, PD, AD; ``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers, value_set: str | None = None) -> Result:
    """Score one EQ-5D-3L state with the UK TTO value set."""
    chosen = eq5d.check_value_set(INSTRUMENT, value_set)
    return eq5d.index_result(INSTRUMENT, validate(answers), index_table(), chosen)


def interpret(value: float | None, scale: str = "index") -> str | None:
    """EQ-5D indices have no bands."""
    return None


def score_columns(responses: Responses, value_set: str | None = None) -> ScoreBatch:
    """Score many EQ-5D-3L states at once (see :func:`scoring.score_many`)."""
    chosen = eq5d.check_value_set(INSTRUMENT, value_set)
    return eq5d.index_batch(INSTRUMENT, responses, index_table(), chosen)

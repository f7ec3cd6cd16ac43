"""EQ-5D-5L index values: England 2018, UK 2026, and the van Hout 2012 crosswalk to UK 3L values.

* ``england_2018`` (default): Devlin NJ et al., Health Econ 2018;27:7, doi:10.1002/hec.3564.
* ``uk_2026``: Rowen D et al., Value Health 2026, doi:10.1016/j.jval.2026.03.008.
  Both are additive without a constant: ``index = 1 - sum_d decrement(d, level_d)``,
  with decrement 0 at level 1 (tables ``eq5d5l_england_2018.csv``, ``eq5d5l_uk_2026.csv``).
* ``crosswalk_uk``: van Hout B et al., Value Health 2012;15:708 - not a formula but a
  probability-weighted lookup of each 5L state onto Dolan's 3L values; shipped as the
  3,125-row table ``eq5d5l_crosswalk_uk.csv``.  NICE's 2019 position statement names it
  (and asks not to use Devlin 2018 for its reference case).
"""
from __future__ import annotations

import functools

import numpy as np

from scoring import eq5d
from scoring.answers import Answers, read_answers
from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.instrument import Instrument, snomed
from scoring.result import Result
from scoring.tables import load

ITEMS = eq5d.items(5)
ADDITIVE_TABLES = {"england_2018": "eq5d5l_england_2018", "uk_2026": "eq5d5l_uk_2026"}
CROSSWALK_TABLE = "eq5d5l_crosswalk_uk"

INSTRUMENT = Instrument(
    id="eq5d5l", name="EQ-5D-5L", version="EQ-5D-5L (EuroQol, 2009)",
    licence=eq5d.LICENCE, wording_redistributable=False, items=ITEMS,
    scale_ids=("index", "profile"), primary_scale="index",
    higher_is_better={"index": True}, range={"index": (-0.594, 1.0)},
    scoring_source="Devlin 2018 Health Econ 27:7 (england_2018); Rowen 2026 Value Health (uk_2026); "
                   "van Hout 2012 Value Health 15:708 (crosswalk_uk)",
    missing_rule="Any dimension missing: no index (value sets cover complete states only).",
    codes={"index": snomed("736534008", "EQ-5D-5L index value")},
    value_sets=("england_2018", "uk_2026", "crosswalk_uk"), default_value_set="england_2018",
)


@functools.cache
def index_table(value_set: str) -> np.ndarray:
    """The index of every one of the 3,125 states under ``value_set``, built once."""
    if value_set == "crosswalk_uk":
        table = load(CROSSWALK_TABLE)
        by_state = dict(zip(table.column("state", str), table.column("index")))
        return eq5d.index_array(5, lambda state: by_state["".join(map(str, state))])
    decrement = eq5d.decrements(ADDITIVE_TABLES[value_set])

    def additive(state: tuple[int, ...]) -> float:
        """Devlin 2018 / Rowen 2026: 1 minus the decrement of each dimension's level."""
        return 1 - sum(decrement.get((d, level), 0.0) for d, level in zip(eq5d.DIMENSIONS, state))
    return eq5d.index_array(5, additive)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the five levels (MO, SC, UA, PD, AD; ``None`` where missing), or raise."""
    return read_answers(INSTRUMENT, answers)


def score(answers: Answers, value_set: str | None = None) -> Result:
    """Score one EQ-5D-5L state with the chosen value set (England 2018 by default)."""
    chosen = eq5d.check_value_set(INSTRUMENT, value_set)
    return eq5d.index_result(INSTRUMENT, validate(answers), index_table(chosen), chosen)


def interpret(value: float | None, scale: str = "index") -> str | None:
    """EQ-5D indices have no bands."""
    return None


def score_columns(responses: Responses, value_set: str | None = None) -> ScoreBatch:
    """Score many EQ-5D-5L states at once (see :func:`scoring.score_many`)."""
    chosen = eq5d.check_value_set(INSTRUMENT, value_set)
    return eq5d.index_batch(INSTRUMENT, responses, index_table(chosen), chosen)

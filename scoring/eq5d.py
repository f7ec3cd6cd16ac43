"""The EQ-5D descriptive system shared by EQ-5D-5L and EQ-5D-3L.

Five dimensions in this order: mobility (MO), self-care (SC), usual activities (UA),
pain/discomfort (PD), anxiety/depression (AD); a health state is the 5-digit profile of
their levels ("23245").  Every state is numbered ``0 .. levels**5 - 1`` so an index value
set can be held as one array, built once, and shared by the scalar and the numpy paths
(which therefore agree to the last bit).  A missing dimension gives no index: the EuroQol
value sets are defined only for complete states (eq5d / eq5dsuite return NA).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from scoring.batch import Responses
from scoring.columns import ScoreBatch
from scoring.errors import UnknownValueSet
from scoring.instrument import Instrument, Item, options
from scoring.result import Result, build_result
from scoring.tables import load

DIMENSIONS = ("mo", "sc", "ua", "pd", "ad")
LICENCE = ("EQ-5D (c) EuroQol Research Foundation. Use requires registration with EuroQol and a "
           "licence (fees for commercial use); item wording is supplied by EuroQol and not shipped. "
           "Value-set coefficients are published facts.")
DECIMALS = 3  # eq5d rounds indices to 3 dp; every coefficient has 3 dp, so this removes float noise


def items(levels: int) -> tuple[Item, ...]:
    """The five dimension items with unlabelled levels ``1..levels`` (wording is licensed)."""
    return tuple(Item(dimension, None, 1, levels, options(1, levels)) for dimension in DIMENSIONS)


def state_number(levels_of_state: tuple[int, ...], levels: int) -> int:
    """Number a complete state: the profile read as a base-``levels`` number of ``level - 1`` digits."""
    number = 0
    for level in levels_of_state:
        number = number * levels + (level - 1)
    return number


def all_states(levels: int) -> list[tuple[int, ...]]:
    """Every health state, in state-number order (11111, 11112, ...)."""
    states = [()]
    for _ in DIMENSIONS:
        states = [state + (level,) for state in states for level in range(1, levels + 1)]
    return states


def decrements(table_name: str) -> dict[tuple[str, int], float]:
    """Read a value-set table as ``{(dimension, level): decrement}``."""
    table = load(table_name)
    return {(dimension, int(level)): float(decrement) for dimension, level, decrement in table.rows}


def index_array(levels: int, index_of: Callable[[tuple[int, ...]], float]) -> np.ndarray:
    """Tabulate an index function over every state, rounded to 3 dp."""
    return np.array([round(index_of(state), DECIMALS) for state in all_states(levels)])


def check_value_set(instrument: Instrument, value_set: str | None) -> str:
    """Return the value set to use (the default for ``None``), or raise :class:`UnknownValueSet`."""
    chosen = instrument.default_value_set if value_set is None else value_set
    if chosen not in instrument.value_sets:
        raise UnknownValueSet(instrument.id, value_set, instrument.value_sets)
    return chosen


def index_result(instrument: Instrument, answers: tuple[int | None, ...], table: np.ndarray,
                 value_set: str) -> Result:
    """Look up the index of a complete state; refuse with a reason when a dimension is missing."""
    missing = [item.id for item, answer in zip(instrument.items, answers) if answer is None]
    if missing:
        return build_result(instrument, {}, reason=refusal(missing), value_set=value_set)
    levels = instrument.items[0].max
    scales = {"index": float(table[state_number(answers, levels)]),
              "profile": "".join(str(level) for level in answers)}
    return build_result(instrument, scales, value_set=value_set)


def refusal(missing: list[str]) -> str:
    """Explain why a state with missing dimensions has no index."""
    return (f"{len(missing)} dimension(s) unanswered ({', '.join(missing)}); "
            "EQ-5D value sets are defined only for complete health states")


def index_batch(instrument: Instrument, responses: Responses, table: np.ndarray,
                value_set: str) -> ScoreBatch:
    """Column form of :func:`index_result`."""
    levels = instrument.items[0].max
    digits = responses.values.astype(np.int64)
    number = (digits - 1) @ (levels ** np.arange(4, -1, -1))
    profile = (digits @ (10 ** np.arange(4, -1, -1))).astype(np.float64)
    index = table[np.clip(number, 0, len(table) - 1)]
    reasons = None
    if responses.missing is not None:
        refused = responses.missing.any(axis=1)
        index, profile = np.where(refused, np.nan, index), np.where(refused, np.nan, profile)
        reasons = np.full(len(refused), None, dtype=object)
        for row in np.flatnonzero(refused):
            reasons[row] = refusal([DIMENSIONS[j] for j in np.flatnonzero(responses.missing[row])])
    return ScoreBatch(instrument, {"index": index, "profile": profile}, reasons=reasons,
                      value_set=value_set, text_scales=frozenset({"profile"}))

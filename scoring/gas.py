"""Goal Attainment Scaling (GAS): the Kiresuk-Sherman T-score over a person's own goals.

Kiresuk TJ, Sherman RE. Community Ment Health J 1968;4:443-453; formula as corrected in
Turner-Stokes L. Clin Rehabil 2009;23:362-370:

    T = 50 + 10 * sum(w_i * x_i) / sqrt((1 - rho) * sum(w_i**2) + rho * (sum(w_i))**2)

x_i  attainment of goal i, -2 (much less than expected) .. 0 (expected) .. +2 (much more);
w_i  weight of goal i (Turner-Stokes: importance x difficulty, each 0-3); 1 when unweighted;
rho  the assumed inter-goal correlation, 0.3.
A response is one attainment per goal (1-10 goals, a sequence or a mapping ``goalN -> x``).
An unrated goal (``None``) refuses the score: the formula has no rule for a missing goal.
The T-score is not rounded.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Mapping, Sequence

from scoring.answers import Answers, read_value
from scoring.errors import InvalidOption, UnknownItem, WrongLength
from scoring.instrument import Instrument, Item, Option
from scoring.result import Result, build_result

RHO = 0.3
MAX_GOALS = 10
ATTAINMENT = (
    Option(-2, "Much less than expected"), Option(-1, "Somewhat less than expected"),
    Option(0, "Expected level"), Option(1, "Somewhat more than expected"),
    Option(2, "Much more than expected"),
)
ITEMS = tuple(Item(f"goal{n}", None, -2, 2, ATTAINMENT, optional=n > 1) for n in range(1, MAX_GOALS + 1))
T_LIMIT = 20 / math.sqrt(RHO)  # |T - 50| can reach 10 * 2 * sum(w) / sqrt(rho * sum(w)**2)

INSTRUMENT = Instrument(
    id="gas", name="Goal Attainment Scaling (GAS)", version="Kiresuk-Sherman T (rho = 0.3)",
    licence="A method, not a licensed instrument: no licence needed. Goals are written with the person.",
    wording_redistributable=True, items=ITEMS, scale_ids=("t_score",), primary_scale="t_score",
    higher_is_better={"t_score": True}, range={"t_score": (50 - T_LIMIT, 50 + T_LIMIT)},
    scoring_source="Kiresuk & Sherman 1968 Community Ment Health J 4:443; Turner-Stokes 2009 Clin Rehabil 23:362",
    missing_rule="Every listed goal must be rated; an unrated goal gives no score.",
)


def validate(answers: Answers) -> tuple[int | None, ...]:
    """Return the attainment of each listed goal (``None`` where unrated), or raise."""
    pairs = _goal_pairs(answers)
    if not 1 <= len(pairs) <= MAX_GOALS:
        raise WrongLength(INSTRUMENT.id, len(pairs), f"1 to {MAX_GOALS} goals")
    return tuple(read_value(INSTRUMENT, item, value) for item, value in pairs)


def _goal_pairs(answers: Answers) -> list[tuple[Item, Any]]:
    """Pair each given attainment with its goal item (a mapping is read in goal order)."""
    if isinstance(answers, Mapping):
        unknown = [key for key in answers if key not in INSTRUMENT.item_ids]
        if unknown:
            raise UnknownItem(INSTRUMENT.id, unknown[0], INSTRUMENT.item_ids)
        return [(item, answers[item.id]) for item in ITEMS if item.id in answers]
    if isinstance(answers, (str, bytes)) or not hasattr(answers, "__iter__"):
        raise WrongLength(INSTRUMENT.id, 1, f"a sequence of 1 to {MAX_GOALS} attainments")
    values = tuple(answers)
    return [(Item(f"goal{n}", None, -2, 2, ATTAINMENT), value) for n, value in enumerate(values, 1)]


def check_weights(weights: Sequence[Any] | None, goals: int) -> tuple[float, ...]:
    """Return one non-negative weight per goal (all 1 when unweighted), or raise."""
    if weights is None:
        return (1.0,) * goals
    allowed = f"{goals} non-negative numbers, not all zero"
    values = tuple(weights) if hasattr(weights, "__iter__") and not isinstance(weights, str) else ()
    usable = len(values) == goals and all(
        isinstance(w, numbers.Real) and not isinstance(w, bool) and math.isfinite(w) and w >= 0 for w in values)
    if not usable or sum(values) == 0:
        raise InvalidOption(INSTRUMENT.id, "weights", weights, allowed)
    return tuple(float(w) for w in values)


def t_score(attainment: tuple[int, ...], weights: tuple[float, ...]) -> float:
    """Kiresuk-Sherman T: 50 + 10 * sum(w x) / sqrt((1 - rho) sum(w^2) + rho (sum w)^2)."""
    weighted_sum = sum(w * x for w, x in zip(weights, attainment))
    spread = math.sqrt((1 - RHO) * sum(w * w for w in weights) + RHO * sum(weights) ** 2)
    return 50 + 10 * weighted_sum / spread


def score(answers: Answers, weights: Sequence[Any] | None = None) -> Result:
    """Score one set of goal attainments, optionally weighted."""
    attainment = validate(answers)
    chosen = check_weights(weights, len(attainment))
    unrated = [item.id for item, x in zip(ITEMS, attainment) if x is None]
    if unrated:
        return build_result(INSTRUMENT, {}, reason=f"unrated goal(s): {', '.join(unrated)}")
    return build_result(INSTRUMENT, {"t_score": t_score(attainment, chosen)})


def interpret(value: float | None, scale: str = "t_score") -> str | None:
    """GAS has no bands: 50 means goals were met as expected."""
    return None

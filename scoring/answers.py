"""Reading one response: a sequence in item order or a mapping ``item id -> value``.

Missing answers are ``None`` (a float NaN, as a numpy batch carries it, counts as missing
too, so :func:`scoring.score_many` and :func:`scoring.score` agree).  An answer must be an
integer in the item's range; an integral float such as ``2.0`` is accepted because JSON and
numpy both produce them, but ``2.5``, ``"2"`` and ``True`` are refused: silently coercing a
string or a boolean into a clinical score is the kind of wrongness this library exists to stop.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Mapping, Sequence

from scoring.errors import InvalidAnswer, UnknownItem, WrongLength
from scoring.instrument import Instrument, Item

Answers = Sequence[Any] | Mapping[str, Any]


def read_answers(instrument: Instrument, answers: Answers, row: int | None = None) -> tuple[int | None, ...]:
    """Return the answers as a tuple in item order, ``None`` where missing; raise on bad input."""
    raw = _in_item_order(instrument, answers, row)
    return tuple(read_value(instrument, item, value, row) for item, value in zip(instrument.items, raw))


def _in_item_order(instrument: Instrument, answers: Answers, row: int | None) -> tuple[Any, ...]:
    ids = instrument.item_ids
    if isinstance(answers, Mapping):
        unknown = [key for key in answers if key not in ids]
        if unknown:
            raise UnknownItem(instrument.id, unknown[0], ids, row)
        return tuple(answers.get(item_id) for item_id in ids)
    if isinstance(answers, (str, bytes)) or not hasattr(answers, "__iter__"):
        raise WrongLength(instrument.id, 1, f"a sequence of {len(ids)} answers or a mapping", row)
    values = tuple(answers)
    if len(values) != len(ids):
        raise WrongLength(instrument.id, len(values), f"{len(ids)} ({', '.join(ids)})", row)
    return values


def is_missing(value: Any) -> bool:
    """Say whether an answer counts as missing (``None`` or a float NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def read_value(instrument: Instrument, item: Item, value: Any, row: int | None = None) -> int | None:
    """Return one answer as an ``int`` (or ``None`` when missing), checking it against the item."""
    if is_missing(value):
        return None
    number = _as_int(value)
    if number is None or not item.allows(number):
        raise InvalidAnswer(instrument.id, item.id, value, item.describe_allowed(), row)
    return number


def _as_int(value: Any) -> int | None:
    """Return an integer answer, or ``None`` for a boolean, string, fraction or anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    return None

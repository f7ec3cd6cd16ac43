"""Scoring many responses at once with numpy.

Rows arrive as a 2-D integer or float array (NaN = missing; the fast path), or as any
iterable of sequences or mappings (each read exactly as :func:`scoring.score` reads one,
then stacked).  Validation is vectorised for arrays: an out-of-range, fractional or
boolean value raises the same :class:`~scoring.errors.InvalidAnswer` as ``score``, naming
the first offending row and item.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np

from scoring.answers import read_answers
from scoring.errors import InvalidAnswer, WrongLength
from scoring.instrument import Instrument


@dataclass(frozen=True)
class Responses:
    """Validated answers: integer ``values`` (0 where missing) and a ``missing`` mask or ``None``."""

    values: np.ndarray
    missing: np.ndarray | None

    def __len__(self) -> int:
        return self.values.shape[0]


def read_rows(instrument: Instrument, rows: Any) -> Responses:
    """Validate a batch of rows and return it as :class:`Responses`."""
    if isinstance(rows, np.ndarray) and rows.dtype.kind in "iuf":
        return _read_array(instrument, rows)
    return _read_python(instrument, rows)


def _read_python(instrument: Instrument, rows: Iterable[Any]) -> Responses:
    read = [read_answers(instrument, row, index) for index, row in enumerate(rows)]
    matrix = np.array(read, dtype=np.float64).reshape(len(read), len(instrument.items))
    return _read_array(instrument, matrix)


def _read_array(instrument: Instrument, rows: np.ndarray) -> Responses:
    if rows.ndim != 2 or rows.shape[1] != len(instrument.items):
        got = rows.shape[1] if rows.ndim == 2 else rows.ndim
        raise WrongLength(instrument.id, got, f"a 2-D array with {len(instrument.items)} columns")
    if rows.dtype.kind in "iu":
        _check_range(instrument, rows)
        return Responses(rows, None)
    missing = np.isnan(rows)
    values = np.where(missing, 0.0, rows)
    _check_integral(instrument, rows, values)
    _check_range(instrument, values, missing)
    return Responses(values.astype(np.int64), missing if missing.any() else None)


def _check_integral(instrument: Instrument, rows: np.ndarray, values: np.ndarray) -> None:
    bad = values != np.floor(values)
    if bad.any():
        _raise_first(instrument, rows, bad)


def _check_range(instrument: Instrument, values: np.ndarray, missing: np.ndarray | None = None) -> None:
    low = np.array([item.min for item in instrument.items])
    high = np.array([item.max for item in instrument.items])
    if values.size and values.min() >= low.max() and values.max() <= high.min():
        return  # every column shares one range that holds everything: the common case
    bad = (values < low) | (values > high)
    if missing is not None:
        bad &= ~missing
    if bad.any():
        _raise_first(instrument, values, bad)


def _raise_first(instrument: Instrument, values: np.ndarray, bad: np.ndarray) -> None:
    row, column = (int(axis[0]) for axis in np.nonzero(bad))
    item = instrument.items[column]
    value = values[row, column].item()
    raise InvalidAnswer(instrument.id, item.id, value, item.describe_allowed(), row)

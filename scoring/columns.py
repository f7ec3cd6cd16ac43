"""The batch result: scores held as numpy columns, readable row by row as :class:`Result`.

``score_many`` returns a :class:`ScoreBatch`.  It is a ``Sequence[Result]`` (``batch[i]``
equals ``score(instrument, rows[i])``), but nothing is built per row until a row is read,
so a million responses cost a few numpy passes.  Callers that want arrays read
``batch.values`` (the primary scale, NaN where refused), ``batch.band``, ``batch.scales``,
``batch.bands``, ``batch.flags`` and ``batch.reasons`` directly.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring.instrument import Band, Instrument
from scoring.result import Result


def band_column(bands: tuple[Band, ...], values: np.ndarray) -> np.ndarray:
    """Band every value (object array of band ids, ``None`` where unscored or unbanded)."""
    labels = np.array([None] + [band.id for band in bands], dtype=object)
    lows = np.array([band.low for band in bands], dtype=np.float64)
    index = np.searchsorted(lows, values, side="right")
    return labels[np.where(np.isnan(values), 0, index)]


def none_column(length: int) -> np.ndarray:
    """An object column of ``None`` (no band, no reason)."""
    return np.full(length, None, dtype=object)


@dataclass(frozen=True, eq=False)
class ScoreBatch(Sequence):
    """Scores of many responses to one instrument, as columns.

    ``scales`` map each scale id to a float64 array (NaN = not scored).  Scales listed in
    ``integer_scales`` are read back as ``int`` and those in ``text_scales`` (the EQ-5D
    profile, stored as its 5-digit number) as ``str``, so rows equal scalar results exactly.
    """

    instrument: Instrument
    scales: dict[str, np.ndarray]
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    imputed: np.ndarray | None = None
    reasons: np.ndarray | None = None
    instrument_version: str = ""
    value_set: str | None = None
    integer_scales: frozenset[str] = frozenset()
    text_scales: frozenset[str] = frozenset()
    bands: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.bands:
            banded = {scale: band_column(self.instrument.bands[scale], self.scales[scale])
                      for scale in self.instrument.bands if scale in self.scales}
            object.__setattr__(self, "bands", banded)

    @property
    def values(self) -> np.ndarray:
        """The primary scale of every row (NaN where the response could not be scored)."""
        return self.scales[self.instrument.primary_scale]

    @property
    def band(self) -> np.ndarray:
        """The primary scale's band of every row (``None`` where unbanded)."""
        return self.bands.get(self.instrument.primary_scale, none_column(len(self)))

    def __len__(self) -> int:
        return len(next(iter(self.scales.values())))

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.row(i) for i in range(*index.indices(len(self)))]
        length = len(self)
        if not -length <= index < length:
            raise IndexError(index)
        return self.row(index % length)

    def row(self, i: int) -> Result:
        """Build the :class:`Result` of row ``i``."""
        scales = {scale: self._read(scale, column[i]) for scale, column in self.scales.items()
                  if not math.isnan(column[i])}
        bands = {scale: column[i] for scale, column in self.bands.items() if column[i] is not None}
        primary = self.instrument.primary_scale
        return Result(
            instrument=self.instrument.id, value=scales.get(primary), band=bands.get(primary),
            flags=tuple(flag for flag, column in self.flags.items() if column[i]),
            scales=scales, bands=bands, imputed_items=self._imputed(i),
            reason=None if self.reasons is None else self.reasons[i],
            instrument_version=self.instrument_version or self.instrument.version,
            algorithm_version=self.instrument.algorithm_version, value_set=self.value_set,
        )

    def _read(self, scale: str, value: np.floating) -> float | int | str:
        if scale in self.text_scales:
            return str(int(value))
        if scale in self.integer_scales:
            return int(value)
        return float(value)

    def _imputed(self, i: int) -> tuple[str, ...]:
        if self.imputed is None:
            return ()
        ids = self.instrument.item_ids
        return tuple(ids[j] for j in np.flatnonzero(self.imputed[i]))


class ResultBatch(ScoreBatch):
    """A batch scored row by row (instruments whose rules are not vectorised), as columns too."""

    def __init__(self, instrument: Instrument, results: list[Result]):
        numeric = [scale for scale in instrument.scale_ids if scale in instrument.range]
        scales = {scale: np.array([_number(r.scales.get(scale)) for r in results], dtype=np.float64)
                  for scale in numeric}
        bands = {scale: np.array([r.bands.get(scale) for r in results], dtype=object)
                 for scale in instrument.bands}
        names = sorted({flag for r in results for flag in r.flags})
        flags = {flag: np.array([flag in r.flags for r in results], dtype=bool) for flag in names}
        super().__init__(instrument, scales, flags=flags, bands=bands,
                         reasons=np.array([r.reason for r in results], dtype=object))
        object.__setattr__(self, "results", tuple(results))

    def __len__(self) -> int:
        return len(self.results)

    def row(self, i: int) -> Result:
        return self.results[i]


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)

"""The result of scoring one response, with the provenance needed to reproduce it years later."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scoring.instrument import Instrument, band_for


@dataclass(frozen=True)
class Result:
    """One scored response.

    ``value`` is the primary scale (``None`` when the instrument's own rules cannot score
    the response; ``reason`` then says why).  ``reason`` also names any secondary scale
    that was withheld, so it may be set while ``value`` is not ``None``.
    ``flags`` are raised from the answers themselves and survive a refusal (a PHQ-9 item 9
    answer above zero is flagged even when too many other items are missing).
    """

    instrument: str
    value: float | int | str | None
    band: str | None = None
    flags: tuple[str, ...] = ()
    scales: dict[str, Any] = field(default_factory=dict)
    bands: dict[str, str] = field(default_factory=dict)
    imputed_items: tuple[str, ...] = ()
    reason: str | None = None
    instrument_version: str = ""
    algorithm_version: str = ""
    value_set: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary (lists for tuples)."""
        return {
            "instrument": self.instrument, "value": self.value, "band": self.band,
            "flags": list(self.flags), "scales": dict(self.scales), "bands": dict(self.bands),
            "imputed_items": list(self.imputed_items), "reason": self.reason,
            "instrument_version": self.instrument_version,
            "algorithm_version": self.algorithm_version, "value_set": self.value_set,
        }


def build_result(
    instrument: Instrument,
    scales: dict[str, Any],
    *,
    flags: tuple[str, ...] = (),
    imputed_items: tuple[str, ...] = (),
    reason: str | None = None,
    value_set: str | None = None,
    version: str | None = None,
) -> Result:
    """Assemble a result from the scales that could be scored, banding each from the metadata."""
    bands = {
        scale: band
        for scale, value in scales.items()
        if (band := band_for(instrument.bands.get(scale, ()), value)) is not None
    }
    primary = instrument.primary_scale
    return Result(
        instrument=instrument.id,
        value=scales.get(primary),
        band=bands.get(primary),
        flags=tuple(flags),
        scales=dict(scales),
        bands=bands,
        imputed_items=tuple(imputed_items),
        reason=reason,
        instrument_version=version or instrument.version,
        algorithm_version=instrument.algorithm_version,
        value_set=value_set,
    )

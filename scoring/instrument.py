"""Immutable metadata describing an instrument: its items, scales, bands, thresholds and codes.

The service layer builds questionnaires, FHIR resources and Life Improver Score
definitions from these objects, so they carry everything a caller needs to know
without reading the scoring code: what may be shown (wording only where the licence
allows), how each scale runs, and where every number came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Option:
    """One response option: the stored value and, where redistributable, its label."""

    value: int
    label: str | None = None


@dataclass(frozen=True)
class Item:
    """One question.  ``min``/``max`` bound the integer answer; ``options`` list them when labelled.

    Numeric items (EQ VAS 0-100, a 0-10 pain rating) have no options, only ``min`` and ``max``.
    """

    id: str
    text: str | None
    min: int
    max: int
    options: tuple[Option, ...] = ()
    optional: bool = False

    def allows(self, value: int) -> bool:
        """Say whether an integer answer lies in this item's range."""
        return self.min <= value <= self.max

    def describe_allowed(self) -> str:
        """Describe the allowed answers for an error message."""
        if self.options:
            return ", ".join(str(option.value) for option in self.options)
        return f"integers {self.min} to {self.max}"


def options(low: int, high: int, labels: tuple[str, ...] | None = None) -> tuple[Option, ...]:
    """Build the options ``low..high``, labelled only when the wording may be redistributed."""
    values = range(low, high + 1)
    if labels is None:
        return tuple(Option(value) for value in values)
    return tuple(Option(value, label) for value, label in zip(values, labels, strict=True))


@dataclass(frozen=True)
class Band:
    """A named interval of a scale: a value belongs to the last band whose ``low`` it reaches."""

    id: str
    low: float
    high: float
    label: str
    source: str


@dataclass(frozen=True)
class Threshold:
    """A change threshold (MID or reliable change) on a scale, with the source it came from."""

    value: float
    source: str
    note: str | None = None


def band_for(bands: tuple[Band, ...], value: float | None) -> str | None:
    """Return the id of the band holding ``value`` (bands are ordered by ``low``)."""
    if value is None or not bands:
        return None
    chosen = None
    for band in bands:
        if value >= band.low:
            chosen = band.id
    return chosen


def loinc(code: str, display: str) -> Mapping[str, str]:
    """A LOINC coding as FHIR writes it."""
    return MappingProxyType({"system": "http://loinc.org", "code": code, "display": display})


def snomed(code: str, display: str) -> Mapping[str, str]:
    """A SNOMED CT coding as FHIR writes it."""
    return MappingProxyType({"system": "http://snomed.info/sct", "code": code, "display": display})


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Instrument:
    """Everything a caller may know about an instrument without scoring anything."""

    id: str
    name: str
    version: str
    licence: str
    wording_redistributable: bool
    items: tuple[Item, ...]
    scale_ids: tuple[str, ...]
    primary_scale: str
    higher_is_better: Mapping[str, bool]
    range: Mapping[str, tuple[float, float]]
    scoring_source: str
    missing_rule: str
    mid: Mapping[str, Threshold] = field(default_factory=dict)
    reliable_change: Mapping[str, Threshold] = field(default_factory=dict)
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    value_sets: tuple[str, ...] = ()
    default_value_set: str | None = None
    preamble: str | None = None
    algorithm_version: str = "1"

    def __post_init__(self) -> None:
        for name in ("higher_is_better", "range", "mid", "reliable_change", "bands", "codes"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        unknown = set(self.higher_is_better) | set(self.range) | set(self.bands) | set(self.mid)
        if not unknown <= set(self.scale_ids) or self.primary_scale not in self.scale_ids:
            raise ValueError(f"{self.id}: metadata names scales outside scale_ids")

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The item ids, in questionnaire order (the order a sequence of answers is read in)."""
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> Item:
        """Return the item with this id."""
        return next(item for item in self.items if item.id == item_id)

"""What a domain is measured by: an instrument scale, a single item, days at home, or personal goals.

Measure references are text in the outcome-set files (`eq5d5l`, `kccq12.summary`, `phq9.q9`,
`days_at_home`, `personal_goals`). They are resolved against the scoring library's instrument catalogue
so a typo fails when the file is loaded, not months later when the first score does not arrive.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

#: The shape of `scoring.instruments`: no argument → ids; an id → that instrument's metadata.
InstrumentCatalogue = Callable[..., Any]

DAYS_AT_HOME = "days_at_home"
PERSONAL_GOALS = "personal_goals"
GOAL_ATTAINMENT_INSTRUMENT = "gas"


class MeasureKind(enum.Enum):
    INSTRUMENT_SCALE = "instrument_scale"
    INSTRUMENT_ITEM = "instrument_item"
    DAYS_AT_HOME = "days_at_home"
    PERSONAL_GOALS = "personal_goals"


class MeasureError(ValueError):
    """A measure reference that names no instrument, scale or item the scoring library knows."""


@dataclass(frozen=True)
class Measure:
    """One resolved measure reference.

    `part` is the scale or item id; `over_days` is the look-back period of `days_at_home`; `options`
    are passed to `scoring.score` as keyword arguments (e.g. an EQ-5D value set).
    """

    kind: MeasureKind
    instrument: str | None = None
    part: str | None = None
    over_days: int | None = None
    options: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def reference(self) -> str:
        """The canonical text of the measure, as a score is matched to it (`eq5d5l.index`)."""
        if self.kind is MeasureKind.DAYS_AT_HOME:
            return DAYS_AT_HOME
        if self.kind is MeasureKind.PERSONAL_GOALS:
            return PERSONAL_GOALS
        return f"{self.instrument}.{self.part}"

    @property
    def is_asked(self) -> bool:
        """Whether a patient answers it in a questionnaire (others come from activity or the care team)."""
        return self.kind in (MeasureKind.INSTRUMENT_SCALE, MeasureKind.INSTRUMENT_ITEM)


def days_at_home(over_days: int) -> Measure:
    """Days at home over the last `over_days` days, computed from activity data."""
    if isinstance(over_days, bool) or not isinstance(over_days, int) or over_days <= 0:
        raise MeasureError(f"days_at_home needs a whole number of days > 0, got {over_days!r}")
    return Measure(MeasureKind.DAYS_AT_HOME, over_days=over_days)


def resolve_measure(text: str, catalogue: InstrumentCatalogue, **options: str) -> Measure:
    """Resolve `<instrument>`, `<instrument>.<scale>` or `<instrument>.<item>` against the catalogue."""
    if text == PERSONAL_GOALS:
        metadata = _metadata(GOAL_ATTAINMENT_INSTRUMENT, catalogue)
        return Measure(MeasureKind.PERSONAL_GOALS, GOAL_ATTAINMENT_INSTRUMENT, metadata.primary_scale)
    instrument, _, part = text.partition(".")
    metadata = _metadata(instrument, catalogue)
    _check_value_set(metadata, options.get("value_set"))
    if not part or part in metadata.scale_ids:
        scale = part or metadata.primary_scale
        return Measure(MeasureKind.INSTRUMENT_SCALE, instrument, scale, options=dict(options))
    if part in metadata.item_ids:
        return Measure(MeasureKind.INSTRUMENT_ITEM, instrument, part, options=dict(options))
    known = ", ".join([*metadata.scale_ids, *metadata.item_ids])
    raise MeasureError(f"{instrument!r} has no scale or item {part!r} (known: {known})")


def measure_range(measure: Measure, catalogue: InstrumentCatalogue) -> tuple[float, float] | None:
    """The lowest and highest value the measure can take, or None where the catalogue does not say."""
    if measure.kind is MeasureKind.DAYS_AT_HOME:
        return (0.0, float(measure.over_days))
    metadata = catalogue(measure.instrument)
    if measure.kind is MeasureKind.INSTRUMENT_ITEM:
        item = metadata.item(measure.part)
        return (float(item.min), float(item.max))
    bounds = metadata.range.get(measure.part)
    return None if bounds is None else (float(bounds[0]), float(bounds[1]))


def higher_is_better(measure: Measure, catalogue: InstrumentCatalogue) -> bool | None:
    """The measure's direction, or None where the catalogue does not say (single items)."""
    if measure.kind is MeasureKind.DAYS_AT_HOME:
        return True
    if measure.kind is MeasureKind.INSTRUMENT_ITEM:
        return None
    return catalogue(measure.instrument).higher_is_better.get(measure.part)


def _check_value_set(metadata: Any, value_set: str | None) -> None:
    """A value set the instrument does not have would fail at the first score; fail at load instead."""
    if value_set is not None and value_set not in metadata.value_sets:
        known = ", ".join(metadata.value_sets) or "none"
        raise MeasureError(f"{metadata.id!r} has no value set {value_set!r} (known: {known})")


def _metadata(instrument: str, catalogue: InstrumentCatalogue) -> Any:
    known = list(catalogue())
    if instrument not in known:
        raise MeasureError(f"unknown instrument {instrument!r} (known: {', '.join(known)})")
    return catalogue(instrument)


def scoring_catalogue() -> InstrumentCatalogue:
    """The real catalogue, imported late so the domain can be imported before `scoring` is installed."""
    from scoring import instruments

    return instruments

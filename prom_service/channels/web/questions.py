"""What one question page shows: the item's words in the best language we may show, and its options.

Wording comes, in order, from a licensed translation loaded for the person's language, then from English:
the instrument's own wording where it may be redistributed, else English wording an organisation loaded.
A licensed instrument without loaded wording shows clearly marked placeholders, never invented words,
because a validated questionnaire is only valid in its validated wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from scoring import instruments
from prom_service.services.instrument_wording import Wording

ENGLISH = "en"
# Items with at most this many whole-number answers and no labels are shown as numbered radios
# (ONS4's 0–10); wider ranges (EQ VAS 0–100) get a number box.
MAX_NUMBERED_RADIOS = 11


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class Question:
    """One item as a page: `number` of `total`, the words, the choices (empty: a number box)."""

    number: int
    total: int
    instrument: str
    instrument_name: str
    item_id: str
    text: str
    preamble: str | None
    choices: tuple[Choice, ...]
    minimum: int
    maximum: int
    optional: bool
    wording_language: str
    placeholder: bool
    translation_missing: bool

    @property
    def field(self) -> str:
        return f"{self.instrument}-{self.item_id}"


def steps(instrument_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Every (instrument, item) of an invitation, in the order the person is asked."""
    return [(name, item_id) for name in instrument_ids for item_id in instruments(name).item_ids]


def build_question(
    instrument_ids: Sequence[str], number: int, wordings: Mapping[tuple, Wording], language: str,
) -> Question:
    """The question at 1-based position `number`, worded for `language` where a translation was loaded."""
    order = steps(instrument_ids)
    name, item_id = order[number - 1]
    instrument = instruments(name)
    item = instrument.item(item_id)
    loaded = wordings.get((name, language, item_id))
    translation_missing = language != ENGLISH and loaded is None
    if loaded is None:
        loaded = wordings.get((name, ENGLISH, item_id))
    shipped = instrument.wording_redistributable and item.text is not None
    placeholder = loaded is None and not shipped
    text = loaded.text if loaded else item.text if shipped else placeholder_text(instrument.name, item_id)
    return Question(
        number=number, total=len(order), instrument=name, instrument_name=instrument.name, item_id=item_id,
        text=text, preamble=instrument.preamble if shipped and loaded is None else None,
        choices=_choices(item, loaded, placeholder), minimum=item.min, maximum=item.max, optional=item.optional,
        wording_language=loaded.language if loaded else ENGLISH, placeholder=placeholder,
        translation_missing=translation_missing,
    )


def placeholder_text(instrument_name: str, item_id: str) -> str:
    return (f"[Licensed wording for {instrument_name} item {item_id.upper()} — "
            "load it with `prom instruments load-wording`]")


def _choices(item, loaded: Wording | None, placeholder: bool) -> tuple[Choice, ...]:
    if item.options:
        labels = loaded.option_labels if loaded and loaded.option_labels else None
        return tuple(Choice(option.value, _label(option, labels, index, placeholder))
                     for index, option in enumerate(item.options))
    if item.max - item.min + 1 <= MAX_NUMBERED_RADIOS:
        return tuple(Choice(value, str(value)) for value in range(item.min, item.max + 1))
    return ()


def _label(option, labels: Sequence[str] | None, index: int, placeholder: bool) -> str:
    if labels:
        return labels[index]
    if option.label:
        return option.label
    return f"[Licensed wording for option {option.value}]" if placeholder else str(option.value)

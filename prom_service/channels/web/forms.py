"""Reading what a person typed or chose; a problem comes back as a code the page words in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from prom_service.channels.web.questions import Question


@dataclass(frozen=True)
class Read:
    """A value read from a form, or the problem with it (`problem` None means the value stands)."""

    value: object = None
    problem: str | None = None
    field: str | None = None


def read_answer(question: Question, form: Mapping[str, str]) -> Read:
    """The chosen option or typed number; nothing chosen is a problem unless the item is optional."""
    raw = (form.get("answer") or "").strip()
    if not raw:
        return Read(None, None if question.optional else "missing")
    try:
        value = int(raw)
    except ValueError:
        return Read(None, "missing" if question.choices else "not_a_number")
    if question.choices and value not in {choice.value for choice in question.choices}:
        return Read(None, "missing")
    if not question.minimum <= value <= question.maximum:
        return Read(None, "out_of_range")
    return Read(value)


def read_date_of_birth(form: Mapping[str, str], today: date) -> Read:
    """A date from the day, month and year boxes; the field named is the first box to fix."""
    parts = {name: (form.get(f"dob-{name}") or "").strip() for name in ("day", "month", "year")}
    if not any(parts.values()):
        return Read(None, "dob_missing", "dob-day")
    empty = next((name for name, text in parts.items() if not text), None)
    if empty:
        return Read(None, f"dob_missing_{empty}", f"dob-{empty}")
    if not all(text.isdigit() for text in parts.values()) or len(parts["year"]) != 4:
        return Read(None, "dob_not_real", "dob-day")
    try:
        born = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return Read(None, "dob_not_real", "dob-day")
    if born >= today:
        return Read(None, "dob_in_future", "dob-day")
    return Read(born)

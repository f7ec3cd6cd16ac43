"""Reading a patient's text as an answer to one question, forgivingly, and showing the options compactly.

People type "2", " 2.", "2)", "two" or "TWO!" and all mean 2. Anything we cannot read with confidence is
None, so the conversation asks again kindly rather than record a guess; an opt-out word is never an
answer, even where a number would fit. Digits in any script count ("২" and "٢" are 2), because Python
reads Unicode decimal digits, which matters for people answering in Bengali or Arabic.
"""

from __future__ import annotations

import re
import string
from typing import Sequence

from prom_service.channels.sms import keywords

Option = tuple[int, str]

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
# A number alone, perhaps in brackets, perhaps followed by punctuation: "2", "(2)", "2.", "-1", "+2!".
_NUMBER = re.compile(r"\(?\s*([+-]?\d{1,3})\s*\)?[.!?,;:]*")
_EDGES = string.punctuation + string.whitespace


def parse_answer(text: str, options: Sequence[Option]) -> int | None:
    """The value of the option `text` names, or None when it names none of them."""
    if keywords.classify(text, opted_out=False) is not None:
        return None
    value = _read_value(text.strip())
    if value is None:
        value = _label_value(text, options)
    return value if value in {option_value for option_value, _ in options} else None


def _read_value(text: str) -> int | None:
    match = _NUMBER.fullmatch(text)
    if match:
        return int(match.group(1))
    return NUMBER_WORDS.get(text.strip(_EDGES).casefold())


def _label_value(text: str, options: Sequence[Option]) -> int | None:
    """Someone who types the label ("not at all") has answered as clearly as with its number."""
    said = " ".join(text.strip(_EDGES).casefold().split())
    for value, label in options:
        if said and said == " ".join(label.casefold().split()):
            return value
    return None


def render_options(options: Sequence[Option], *, lead: str = "Reply") -> str:
    """"Reply 0 Not at all, 1 Several days, …": the numbers to send, in one short line."""
    return f"{lead} " + ", ".join(f"{value} {label}" for value, label in options)

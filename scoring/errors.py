"""Errors raised by the scoring library.

Every error derives from :class:`ScoringError`, so a caller can catch the library's
errors in one place.  Each also derives from the built-in that says what went wrong,
so generic code does the right thing:

* bad answers and bad options are ``ValueError`` (the caller sent a wrong value);
* an unknown instrument or value set is ``LookupError`` (the caller asked for a name
  that is not in the catalogue), never ``KeyError``, whose message is only the key.
"""
from __future__ import annotations


class ScoringError(Exception):
    """Base class of every error this library raises."""


class UnknownInstrument(ScoringError, LookupError):
    """The instrument id is not one that the library ships."""

    def __init__(self, instrument: str, known: tuple[str, ...]):
        self.instrument = instrument
        self.known = known
        super().__init__(f"unknown instrument {instrument!r}; known: {', '.join(known)}")


class UnknownValueSet(ScoringError, LookupError):
    """The value set is not one the instrument can be scored with."""

    def __init__(self, instrument: str, value_set: object, known: tuple[str, ...]):
        self.instrument = instrument
        self.value_set = value_set
        self.known = known
        accepted = ", ".join(known) if known else "none (this instrument has no value sets)"
        super().__init__(f"{instrument}: unknown value set {value_set!r}; accepted: {accepted}")


class InvalidAnswer(ScoringError, ValueError):
    """An answer is not one of the values the item allows (out of range or not a number)."""

    def __init__(self, instrument: str, item: str, value: object, allowed: str, row: int | None = None):
        self.instrument = instrument
        self.item = item
        self.value = value
        self.allowed = allowed
        self.row = row
        where = f" in row {row}" if row is not None else ""
        super().__init__(f"{instrument}: item {item}{where} has {value!r}; allowed: {allowed}")


class UnknownItem(ScoringError, ValueError):
    """A mapping of answers names an item the instrument does not have."""

    def __init__(self, instrument: str, item: object, known: tuple[str, ...], row: int | None = None):
        self.instrument = instrument
        self.item = item
        self.known = known
        self.row = row
        where = f" in row {row}" if row is not None else ""
        super().__init__(f"{instrument}: unknown item {item!r}{where}; items: {', '.join(known)}")


class WrongLength(ScoringError, ValueError):
    """A sequence of answers has a different length from the instrument's item list."""

    def __init__(self, instrument: str, got: int, expected: str, row: int | None = None):
        self.instrument = instrument
        self.got = got
        self.expected = expected
        self.row = row
        where = f" in row {row}" if row is not None else ""
        super().__init__(f"{instrument}: {got} answers{where}; expected {expected}")


class InvalidOption(ScoringError, ValueError):
    """A keyword option (``version=``, ``weights=``) has a value the instrument cannot use."""

    def __init__(self, instrument: str, option: str, value: object, allowed: str):
        self.instrument = instrument
        self.option = option
        self.value = value
        self.allowed = allowed
        super().__init__(f"{instrument}: option {option}={value!r} is not usable; allowed: {allowed}")

"""How many SMS segments a text costs, and how to keep template text inside GSM-7.

Source: 3GPP TS 23.038 § 6.2.1 (GSM 7-bit default alphabet and its extension table) and Twilio's
glossary "What is the SMS character limit?" (checked 2026-11): GSM-7 fits 160 characters in one
segment and 153 per segment when split; UCS-2 fits 70 and 67. An extension character is sent as ESC
plus the character, so it takes two places and is never split across segments; an astral character
(emoji) is a UTF-16 surrogate pair, two places in UCS-2, likewise never split. One character outside
GSM-7 makes the whole message UCS-2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"

# (single-segment limit, per-segment limit when split)
LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

# Typography that word processors put in templates, and its GSM-7 spelling.
GSM7_SUBSTITUTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ",
    "\u200b": "", "\ufeff": "",
}
_SUBSTITUTION_TABLE = str.maketrans(GSM7_SUBSTITUTES)


@dataclass(frozen=True)
class SegmentCount:
    """`units` is septets for GSM-7, UTF-16 code units for UCS-2."""

    encoding: str
    units: int
    segments: int


def normalise_gsm7(text: str) -> str:
    """Replace curly quotes, dashes, ellipses and odd spaces with their GSM-7 spelling."""
    return text.translate(_SUBSTITUTION_TABLE)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def non_gsm7_characters(text: str) -> list[str]:
    """The characters that force UCS-2, in order of first appearance (to show a template author)."""
    return list(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION))


def count(text: str) -> SegmentCount:
    """Count the segments `text` is sent (and billed) as."""
    if is_gsm7(text):
        encoding, sizes = "GSM-7", [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    else:
        encoding, sizes = "UCS-2", [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    single, per_part = LIMITS[encoding]
    units = sum(sizes)
    return SegmentCount(encoding, units, 1 if units <= single else _pack(sizes, per_part))


def _pack(sizes: list[int], per_part: int) -> int:
    """Fill segments in order; a two-place character that does not fit starts the next segment."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


def cost_gbp(text: str, price_per_segment_gbp: float | Decimal) -> Decimal:
    """What sending `text` once costs: segments × price (Decimal, from the price's decimal spelling)."""
    return count(text).segments * Decimal(str(price_per_segment_gbp))

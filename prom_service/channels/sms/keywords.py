"""Opt-out, opt-in and help keywords, as Twilio's Advanced Opt-Out reads them.

Source: twilio.com/docs/messaging/tutorials/advanced-opt-out (checked 2026-11). Twilio acts on these
words itself (a number that sent STOP gets error 21610 until it sends START), so we mirror them exactly
and never read one as an answer. A keyword is the whole message: "stop." counts, "don't stop" does not.
"YES" is an opt-in word only for someone who has opted out; to anyone else it is just a (wrong) answer.
"""

from __future__ import annotations

import enum
import string


class Keyword(enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


OPT_OUT_WORDS = frozenset({"stop", "unsubscribe", "end", "quit", "stopall", "revoke", "optout", "cancel"})
OPT_IN_WORDS = frozenset({"start", "unstop"})
OPT_IN_WHEN_OPTED_OUT = frozenset({"yes"})
HELP_WORDS = frozenset({"help", "info"})

_EDGE_PUNCTUATION = string.punctuation + string.whitespace + "¡¿…“”‘’"


def normalise(text: str) -> str:
    """Case-fold and trim whitespace and punctuation at both ends, the way a keyword is compared."""
    return text.strip(_EDGE_PUNCTUATION).casefold()


def classify(text: str, *, opted_out: bool) -> Keyword | None:
    """The keyword `text` is, or None when it is anything else (an answer, a question, a greeting)."""
    word = normalise(text)
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS or (opted_out and word in OPT_IN_WHEN_OPTED_OUT):
        return Keyword.OPT_IN
    if word in HELP_WORDS:
        return Keyword.HELP
    return None


def is_opt_out(text: str) -> bool:
    return classify(text, opted_out=False) is Keyword.OPT_OUT

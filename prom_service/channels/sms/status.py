"""Twilio message statuses as a one-way ladder: callbacks arrive in any order and never move a message back.

Source: twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks (checked 2026-11)
and the `MessageInstance.Status` enum of twilio 9.13. The path is accepted/scheduled → queued →
sending → sent → delivered | undelivered, `failed` when the message never left Twilio, and `read`
after `delivered` on channels that report it. Once a final status is recorded, a different final status
arriving later is ignored: the first word on the outcome wins, so a retry decision is taken once.
"""

from __future__ import annotations

RANKS: dict[str, int] = {
    "accepted": 0, "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4, "undelivered": 4, "failed": 4, "canceled": 4, "partially_delivered": 4,
    "read": 5,
}
FINAL = frozenset(status for status, rank in RANKS.items() if rank >= RANKS["delivered"])
FAILED = frozenset({"undelivered", "failed", "canceled"})


def rank(status: str | None) -> int:
    """Position on the ladder; -1 for no status or one we do not know."""
    return RANKS.get((status or "").lower(), -1)


def advance(current: str | None, incoming: str) -> str | None:
    """The status to keep when `incoming` arrives on a message now at `current`."""
    incoming = incoming.lower()
    if rank(incoming) <= rank(current):
        return current
    if (current or "").lower() in FAILED:
        return current  # a message Twilio gave up on is never "read"
    return incoming


def is_final(status: str | None) -> bool:
    return (status or "").lower() in FINAL


def is_failure(status: str | None) -> bool:
    """Twilio gave up on the message (an ErrorCode says why)."""
    return (status or "").lower() in FAILED

"""The sender port: what the dispatcher calls to put one text on its way, whichever backend is configured.

A send either returns the provider's reference (so status callbacks can find the message) or raises
`SendFailure` saying *why* it did not happen and whether trying again can help; the dispatcher decides
what to do with each kind, the backend never retries on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

FailureKind = Literal["permanent", "transient", "rate_limited", "opted_out", "not_mobile"]
FAILURE_KINDS: tuple[FailureKind, ...] = ("permanent", "transient", "rate_limited", "opted_out", "not_mobile")


@dataclass(frozen=True)
class SendResult:
    """The provider accepted the message: `provider_ref` is its id (Twilio's "SM…" sid)."""

    provider_ref: str
    status: str
    segments: int


class SendFailure(Exception):
    """The provider did not take the message.

    `kind` tells the dispatcher what to do: `transient` and `rate_limited` may be tried again (after
    `retry_after` seconds when the provider said so); `opted_out` and `not_mobile` mark the patient's
    number; `permanent` gives up on this message. `reason` is a short log-safe word ("twilio-21610").
    `needs_ops` marks failures only a person can fix (a sending permission switched off).
    """

    def __init__(
        self,
        code: int | None,
        kind: FailureKind,
        reason: str,
        retry_after: float | None = None,
        *,
        needs_ops: bool = False,
    ) -> None:
        if kind not in FAILURE_KINDS:
            raise ValueError(f"unknown send failure kind {kind!r}")
        super().__init__(f"{kind}: {reason}")
        self.code = code
        self.kind = kind
        self.reason = reason
        self.retry_after = retry_after
        self.needs_ops = needs_ops

    @property
    def retryable(self) -> bool:
        return self.kind in ("transient", "rate_limited")


class SmsSender(Protocol):
    """Send one text; never log the number or the body."""

    def send(self, to: str, body: str, *, status_callback: str | None, idempotency_key: str) -> SendResult:
        """Hand `body` to the provider for `to` (E.164) or raise `SendFailure`."""
        ...

"""What a Twilio error code means for us, as two pure tables: errors on create, errors in status callbacks.

Sources: twilio.com/docs/api/errors/<code> (checked 2026-11 for 20429, 21211, 21408, 21610, 21611,
21614, 30001–30008) and docs/product/TECH-NOTES.md § 1. The sender and the status-callback handler
read the same tables, so a code means the same thing however it reaches us.
"""

from __future__ import annotations

from dataclasses import dataclass

from prom_service.channels.sms.sender import FailureKind, SendFailure


@dataclass(frozen=True)
class Classification:
    """`retries` is how many more attempts make sense (0 = none); `needs_ops` asks a person to look."""

    kind: FailureKind
    reason: str
    retries: int = 0
    needs_ops: bool = False


# Errors Twilio answers on POST …/Messages.json.
API_ERRORS: dict[int, Classification] = {
    21211: Classification("not_mobile", "invalid-number"),
    21614: Classification("not_mobile", "landline"),
    21610: Classification("opted_out", "opted-out"),
    # 20429 is "never processed and always safe to retry"; 21611 is the sender's 10-hour queue being full.
    20429: Classification("rate_limited", "too-many-requests", retries=5),
    21611: Classification("rate_limited", "sender-queue-full", retries=5),
    # Geo Permissions switched off for the destination: no retry helps until someone changes the console.
    21408: Classification("permanent", "region-not-permitted", needs_ops=True),
}

# ErrorCode values on status callbacks (the message left us, then failed).
CALLBACK_ERRORS: dict[int, Classification] = {
    30001: Classification("rate_limited", "queue-overflow", retries=1),
    30002: Classification("permanent", "account-suspended", needs_ops=True),
    30003: Classification("transient", "unreachable", retries=1),
    30004: Classification("permanent", "blocked"),
    30005: Classification("not_mobile", "unknown-number"),
    30006: Classification("not_mobile", "landline"),
    # A carrier filtered the text as spam: the wording needs review, not another try.
    30007: Classification("permanent", "carrier-filtered", needs_ops=True),
    30008: Classification("transient", "unknown-error", retries=1),
    21610: Classification("opted_out", "opted-out"),
}

TRANSIENT_API_RETRIES = 3


def classify_api_error(status: int | None, code: int | None) -> Classification:
    """Classify a failed create; `status` is None when no HTTP answer came back at all."""
    if code in API_ERRORS:
        return API_ERRORS[code]
    if status is None:
        return Classification("transient", "connection-error", retries=TRANSIENT_API_RETRIES)
    if status == 429:
        return API_ERRORS[20429]
    if status >= 500:
        return Classification("transient", f"twilio-{code or status}", retries=TRANSIENT_API_RETRIES)
    return Classification("permanent", f"twilio-{code or status}")


def classify_callback_error(code: int | None) -> Classification:
    """Classify the ErrorCode of an `undelivered`/`failed` status callback; unknown codes are not retried."""
    if code in CALLBACK_ERRORS:
        return CALLBACK_ERRORS[code]
    return Classification("permanent", f"twilio-{code}" if code else "undelivered")


def send_failure(status: int | None, code: int | None, retry_after: float | None = None) -> SendFailure:
    """The `SendFailure` a failed create should raise."""
    found = classify_api_error(status, code)
    return SendFailure(code, found.kind, found.reason, retry_after, needs_ops=found.needs_ops)

"""The forms Twilio POSTs to our webhooks, built in one place for the simulator and the test fake.

Field names as in twilio.com/docs/messaging/guides/webhook-request (inbound) and
…/outbound-message-status-in-status-callbacks (status), checked 2026-11. Only the fields our handlers
read plus the ones Twilio always sends; values are strings, as on the wire.
"""

from __future__ import annotations

from prom_service.channels.sms import segments

API_VERSION = "2010-04-01"


def inbound_form(*, message_sid: str, account_sid: str, from_: str, to: str, body: str) -> dict[str, str]:
    """The form of an incoming text (`POST /twilio/sms`)."""
    return {
        "MessageSid": message_sid, "SmsSid": message_sid, "SmsMessageSid": message_sid,
        "AccountSid": account_sid, "From": from_, "To": to, "Body": body,
        "NumMedia": "0", "NumSegments": str(segments.count(body).segments),
        "SmsStatus": "received", "ApiVersion": API_VERSION,
    }


def status_form(*, message_sid: str, account_sid: str, status: str, from_: str, to: str,
                error_code: int | None = None) -> dict[str, str]:
    """The form of a status callback (`POST /twilio/status`); ErrorCode only on failures, as Twilio does."""
    form = {
        "MessageSid": message_sid, "SmsSid": message_sid, "AccountSid": account_sid,
        "MessageStatus": status, "SmsStatus": status, "From": from_, "To": to, "ApiVersion": API_VERSION,
    }
    if error_code is not None:
        form["ErrorCode"] = str(error_code)
    return form

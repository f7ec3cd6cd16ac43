"""Whether a text can reach a person at all: the one rule dispatch and delivery both apply."""

from __future__ import annotations

from datetime import date, datetime


def why_no_sms(phone_e164: str | None, phone_is_mobile: bool, opted_out_at: datetime | None,
               date_of_death: date | None = None) -> str | None:
    """The reason no text may go ("opted-out", "died", "no-phone", "landline"), or None when one may."""
    if opted_out_at is not None:
        return "opted-out"
    if date_of_death is not None:
        return "died"
    if not phone_e164:
        return "no-phone"
    if not phone_is_mobile:
        return "landline"
    return None

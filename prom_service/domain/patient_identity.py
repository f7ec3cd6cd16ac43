"""Identity rules for UK patients: NHS-number check digits and mobile numbers in E.164."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

# Ofcom reserves +44 7700 900000–900999 for drama; libphonenumber calls them invalid (#1768, won't fix).
# They reach no one, so demo and test data use them as mobiles.
OFCOM_DRAMA_MOBILE = re.compile(r"^\+447700900\d{3}$")


class IdentityError(ValueError):
    """A value that cannot identify or reach a person; the message says what is wrong."""


def check_nhs_number(text: str) -> str:
    """Return the 10-digit NHS number, or raise: weights 10…2, check = 11 − (sum mod 11) (NHS Data Dictionary)."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise IdentityError("an NHS number has 10 digits")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise IdentityError("the NHS number's check digit is wrong; please check it was typed correctly")
    return digits


@dataclass(frozen=True)
class Phone:
    e164: str
    is_mobile: bool


def normalise_phone(text: str, region: str = "GB") -> Phone:
    """Parse a phone number written any common way into E.164, noting whether it can take texts."""
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException:
        raise IdentityError("not a phone number we can read; write it like 07700 900123 or +44 7700 900123") from None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if OFCOM_DRAMA_MOBILE.match(e164):
        return Phone(e164, True)
    if not phonenumbers.is_valid_number(parsed):
        raise IdentityError("this phone number is not valid; please check the digits")
    kind = phonenumbers.number_type(parsed)
    return Phone(e164, kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE))

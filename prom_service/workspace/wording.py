"""How the workspace words and colours things: dates, changes, severities and statuses."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SEVERITY_TAGS = {"urgent": "nhsuk-tag--red", "high": "nhsuk-tag--orange", "medium": "nhsuk-tag--yellow",
                 "low": "nhsuk-tag--grey"}
CHANGE_TAGS = {"improved": "nhsuk-tag--green", "stable": "nhsuk-tag--grey", "deteriorated": "nhsuk-tag--red"}
STATUS_TAGS = {"open": "nhsuk-tag--red", "acknowledged": "nhsuk-tag--yellow", "resolved": "nhsuk-tag--green",
               "completed": "nhsuk-tag--green", "partial": "nhsuk-tag--yellow", "expired": "nhsuk-tag--grey",
               "failed": "nhsuk-tag--red", "cancelled": "nhsuk-tag--grey", "planned": "nhsuk-tag--white",
               "sent": "nhsuk-tag--blue", "reminded": "nhsuk-tag--blue"}


def day(moment: datetime | None) -> str:
    """`23 Nov 2026` in UK time; empty for no date."""
    return moment.astimezone(LONDON).strftime("%-d %b %Y") if moment else ""


def moment(at: datetime | None) -> str:
    """`23 Nov 2026, 10:00` in UK time."""
    return at.astimezone(LONDON).strftime("%-d %b %Y, %H:%M") if at else ""


def signed(value: float | None, places: int = 1) -> str:
    """A change with its sign, with a true minus sign: `+4.2`, `−3.0`."""
    if value is None:
        return ""
    return f"{value:+.{places}f}".replace("-", "\u2212")


def duration(seconds: float) -> str:
    """How long something has been open, in the largest sensible unit: `3 days`, `5 hours`, `12 minutes`."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "under a minute"


def humane(code: str | None) -> str:
    """`moderately_severe` → `Moderately severe`."""
    return (code or "").replace("_", " ").capitalize()


def tag_class(kind: str, value: str | None) -> str:
    return TAGS[kind].get(value or "", "nhsuk-tag--grey")


def severity_tag(severity: str | None) -> str:
    return SEVERITY_TAGS.get(severity or "", "nhsuk-tag--grey")


def change_tag(classification: str | None) -> str:
    return CHANGE_TAGS.get(classification or "", "nhsuk-tag--grey")


TAGS = {"severity": SEVERITY_TAGS, "change": CHANGE_TAGS, "status": STATUS_TAGS}
WORDING = {"day": day, "moment": moment, "signed": signed, "duration": duration, "humane": humane,
           "tag_class": tag_class}
# The same words as filters (`{{ row.next_due|day }}`): Jinja calls a filter directly, a function through
# the context's call machinery, which cost several milliseconds over a 500-row page.
FILTERS = {"day": day, "signed": signed, "humane": humane, "severity_tag": severity_tag, "change_tag": change_tag}

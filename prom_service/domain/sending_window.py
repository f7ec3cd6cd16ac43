"""Kind hours: nothing is sent outside the programme's window in the patient's own time zone.

A message due at 03:00 goes at 08:00 local; one due on an excluded day goes at the window's start on
the next allowed day. Wall-clock times are built in the patient's zone, so a DST change moves the
UTC instant, not the local hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class SendingWindow:
    start: time
    end: time
    excluded_weekdays: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings) -> SendingWindow:
        return cls(
            time.fromisoformat(settings["sending.window_start"]), time.fromisoformat(settings["sending.window_end"]),
            frozenset(day.lower()[:3] for day in settings["sending.excluded_weekdays"]),
        )

    def allows(self, moment: datetime, zone: str) -> bool:
        """Whether `moment` (aware) falls inside the window in `zone`."""
        local = moment.astimezone(ZoneInfo(zone))
        return self._allowed_day(local) and self.start <= local.time() < self.end

    def next_allowed(self, moment: datetime, zone: str) -> datetime:
        """`moment` if it is inside the window, else the window's next opening, as an aware UTC datetime."""
        if self.allows(moment, zone):
            return moment
        tz = ZoneInfo(zone)
        local = moment.astimezone(tz)
        day = local.date() if local.time() < self.start else local.date() + timedelta(days=1)
        for _ in range(8):
            opening = datetime.combine(day, self.start, tzinfo=tz)
            if self._allowed_day(opening):
                return opening.astimezone(ZoneInfo("UTC"))
            day += timedelta(days=1)
        raise ValueError("the sending window excludes every day of the week")

    def closes_in(self, moment: datetime, zone: str) -> timedelta:
        """How long until today's window closes (for a message's ValidityPeriod)."""
        tz = ZoneInfo(zone)
        local = moment.astimezone(tz)
        return datetime.combine(local.date(), self.end, tzinfo=tz) - local

    def _allowed_day(self, local: datetime) -> bool:
        return WEEKDAYS[local.weekday()] not in self.excluded_weekdays

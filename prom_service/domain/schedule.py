"""When a community asks its questions: baseline, follow-ups, a repeating interval and event triggers.

Planning is pure and idempotent: each planned occurrence has a stable key (`baseline`,
`followup:P90D`, `interval:3`, `event:discharge:2026-01-05`) that the caller stores, so planning
again after a restart, a new event or a longer horizon adds only the occurrences not yet stored.
Offsets are ISO-8601 durations in years, months, weeks and days (`P3M`, `P6W`, `P90D`); months
are calendar months, clamped to the end of a shorter month (31 January + P1M = 28/29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


@dataclass(frozen=True)
class Duration:
    """A calendar offset: whole months (years count as 12) plus whole days (weeks count as 7)."""

    months: int = 0
    days: int = 0
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read an ISO-8601 duration with date parts only; ValueError for anything else."""
        match = _DURATION.fullmatch(text) if isinstance(text, str) else None
        if not match or not any(match.groups()):
            raise ValueError(f"must be an ISO-8601 duration such as P90D, P6W or P3M, got {text!r}")
        years, months, weeks, days = (int(part or 0) for part in match.groups())
        return cls(months=12 * years + months, days=7 * weeks + days, text=text)

    def __str__(self) -> str:
        return self.text

    def plus(self, other: Duration, times: int = 1) -> Duration:
        """This offset plus `times` × `other`, as one offset (so month clamping happens once)."""
        months, days = self.months + times * other.months, self.days + times * other.days
        return Duration(months, days, f"P{months}M{days}D")

    def after(self, moment: dt.datetime) -> dt.datetime:
        """The moment this long after `moment`, keeping the local wall-clock time."""
        month_index = moment.month - 1 + self.months
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day) + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class RepeatingInterval:
    """Ask every `every`, first at `first` after enrolment, at most `count` times (None = no limit)."""

    every: Duration
    first: Duration
    count: int | None = None


@dataclass(frozen=True)
class EventTrigger:
    """Ask `after` a recorded event of kind `event` (e.g. 14 days after discharge)."""

    event: str
    after: Duration


@dataclass(frozen=True)
class Schedule:
    baseline: bool = True
    followups: tuple[Duration, ...] = ()
    interval: RepeatingInterval | None = None
    events: tuple[EventTrigger, ...] = ()


@dataclass(frozen=True)
class RecordedEvent:
    """Something that happened to the person that may trigger a questionnaire (e.g. `discharge`)."""

    kind: str
    occurred_at: dt.datetime


@dataclass(frozen=True)
class PlannedOccurrence:
    key: str
    due_at: dt.datetime


def plan(
    schedule: Schedule,
    enrolled_at: dt.datetime,
    horizon: dt.datetime,
    events: Iterable[RecordedEvent] = (),
) -> list[PlannedOccurrence]:
    """Every occurrence due from enrolment up to and including `horizon`, earliest first.

    Event-triggered occurrences that would fall before enrolment are left out: they were due before
    the person joined.
    """
    events = tuple(events)
    for name, moment in [("enrolled_at", enrolled_at), ("horizon", horizon)]:
        _require_aware(name, moment)
    for event in events:
        _require_aware(f"event {event.kind!r} occurred_at", event.occurred_at)
    planned = [
        *_baseline(schedule, enrolled_at),
        *_followups(schedule, enrolled_at),
        *_repeats(schedule, enrolled_at, horizon),
        *_event_triggered(schedule, enrolled_at, events),
    ]
    due = [occurrence for occurrence in planned if occurrence.due_at <= horizon]
    return sorted(due, key=lambda occurrence: (occurrence.due_at, occurrence.key))


def _baseline(schedule: Schedule, enrolled_at: dt.datetime) -> list[PlannedOccurrence]:
    return [PlannedOccurrence("baseline", enrolled_at)] if schedule.baseline else []


def _followups(schedule: Schedule, enrolled_at: dt.datetime) -> list[PlannedOccurrence]:
    return [PlannedOccurrence(f"followup:{offset}", offset.after(enrolled_at)) for offset in schedule.followups]


def _repeats(schedule: Schedule, enrolled_at: dt.datetime, horizon: dt.datetime) -> list[PlannedOccurrence]:
    """Each repeat is counted from enrolment, not from the previous one, so month clamping never drifts."""
    interval, repeats, number = schedule.interval, [], 1
    while interval is not None and (interval.count is None or number <= interval.count):
        due_at = interval.first.plus(interval.every, times=number - 1).after(enrolled_at)
        if due_at > horizon:
            break
        repeats.append(PlannedOccurrence(f"interval:{number}", due_at))
        number += 1
    return repeats


def _event_triggered(
    schedule: Schedule, enrolled_at: dt.datetime, events: tuple[RecordedEvent, ...]
) -> list[PlannedOccurrence]:
    triggers = {trigger.event: trigger for trigger in schedule.events}
    occurrences = {}
    for event in sorted(events, key=lambda event: event.occurred_at):
        trigger = triggers.get(event.kind)
        if trigger is None:
            continue
        key = f"event:{event.kind}:{event.occurred_at.date().isoformat()}"
        due_at = trigger.after.after(event.occurred_at)
        if due_at >= enrolled_at:
            occurrences.setdefault(key, PlannedOccurrence(key, due_at))
    return list(occurrences.values())


def _require_aware(name: str, moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()}")

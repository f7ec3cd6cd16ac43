"""Read the `schedule` section of a community file into a `Schedule`."""

from __future__ import annotations

from prom_service.domain.located_yaml import Located
from prom_service.domain.schedule import Duration, EventTrigger, RepeatingInterval, Schedule


def read_schedule(located: Located) -> Schedule:
    """Baseline (default on), fixed follow-ups, a repeating interval and event triggers."""
    located.mapping(optional=("baseline", "followups", "interval", "events"))
    schedule = Schedule(
        baseline=located.child("baseline").optional("boolean", True),
        followups=_followups(located.child("followups")),
        interval=_interval(located.child("interval")),
        events=_events(located.child("events")),
    )
    if not (schedule.baseline or schedule.followups or schedule.interval or schedule.events):
        raise located.fail("asks nothing: give a baseline, follow-ups, an interval or event triggers")
    return schedule


def read_duration(located: Located, allow_zero: bool = False) -> Duration:
    try:
        duration = Duration.parse(located.value)
    except ValueError as error:
        raise located.fail(str(error)) from None
    if not allow_zero and duration.months == duration.days == 0:
        raise located.fail(f"must be longer than zero, got {located.value!r}")
    return duration


def _followups(located: Located) -> tuple[Duration, ...]:
    if not located.present:
        return ()
    followups = tuple(read_duration(entry) for entry in located.entries(allow_empty=True))
    for position, offset in enumerate(followups):
        if offset.text in [earlier.text for earlier in followups[:position]]:
            raise Located(located.document, (*located.path, position), offset.text).fail("is listed twice")
    return followups


def _interval(located: Located) -> RepeatingInterval | None:
    """`{every: P3M, first: P6M, count: 4}`; `first` defaults to `every`, `count` to no limit."""
    if not located.present:
        return None
    located.mapping(required=("every",), optional=("first", "count"))
    every = read_duration(located.child("every"))
    first = located.child("first")
    return RepeatingInterval(
        every=every,
        first=read_duration(first) if first.present else every,
        count=located.child("count").optional("whole_number", None, 1),
    )


def _events(located: Located) -> tuple[EventTrigger, ...]:
    """One trigger per event kind, so each event has one stable occurrence key."""
    triggers: list[EventTrigger] = []
    for entry in located.entries(allow_empty=True) if located.present else ():
        entry.mapping(required=("event", "after"))
        kind = entry.child("event").identifier()
        if kind in {trigger.event for trigger in triggers}:
            raise entry.child("event").fail(f"{kind!r} already has a trigger")
        triggers.append(EventTrigger(kind, read_duration(entry.child("after"), allow_zero=True)))
    return tuple(triggers)

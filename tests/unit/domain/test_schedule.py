import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from prom_service.domain.schedule import (
    Duration,
    EventTrigger,
    RecordedEvent,
    RepeatingInterval,
    Schedule,
    plan,
)

LONDON = ZoneInfo("Europe/London")
ENROLLED = dt.datetime(2026, 1, 31, 10, 0, tzinfo=LONDON)
FAR = dt.datetime(2030, 1, 1, tzinfo=LONDON)


def keys(occurrences):
    return [occurrence.key for occurrence in occurrences]


class TestDuration:
    @pytest.mark.parametrize(
        ("text", "months", "days"),
        [("P90D", 0, 90), ("P6W", 0, 42), ("P3M", 3, 0), ("P1Y", 12, 0), ("P1Y6M2W3D", 18, 17)],
    )
    def test_iso_8601_date_durations_are_read(self, text, months, days):
        duration = Duration.parse(text)
        assert (duration.months, duration.days, str(duration)) == (months, days, text)

    @pytest.mark.parametrize("text", ["", "P", "90D", "P1.5M", "PT12H", "p3m", 90, None])
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError, match="ISO-8601 duration"):
            Duration.parse(text)

    def test_a_month_after_31_january_is_the_end_of_february(self):
        assert Duration.parse("P1M").after(ENROLLED) == dt.datetime(2026, 2, 28, 10, 0, tzinfo=LONDON)

    def test_local_wall_clock_time_is_kept_across_a_clock_change(self):
        due = Duration.parse("P3M").after(ENROLLED)
        assert (due.hour, due.utcoffset()) == (10, dt.timedelta(hours=1))


class TestPlan:
    def test_baseline_is_due_at_enrolment(self):
        assert plan(Schedule(), ENROLLED, FAR)[0].due_at == ENROLLED

    def test_follow_ups_are_offsets_from_enrolment_with_stable_keys(self):
        schedule = Schedule(followups=(Duration.parse("P90D"), Duration.parse("P6W")))
        occurrences = plan(schedule, ENROLLED, FAR)
        assert keys(occurrences) == ["baseline", "followup:P6W", "followup:P90D"]
        assert occurrences[2].due_at == ENROLLED + dt.timedelta(days=90)

    def test_a_repeating_interval_counts_from_enrolment_without_drift(self):
        interval = RepeatingInterval(every=Duration.parse("P1M"), first=Duration.parse("P1M"), count=3)
        occurrences = plan(Schedule(baseline=False, interval=interval), ENROLLED, FAR)
        assert keys(occurrences) == ["interval:1", "interval:2", "interval:3"]
        assert [o.due_at.date().isoformat() for o in occurrences] == ["2026-02-28", "2026-03-31", "2026-04-30"]

    def test_an_unlimited_interval_stops_at_the_horizon(self):
        interval = RepeatingInterval(every=Duration.parse("P3M"), first=Duration.parse("P6M"))
        horizon = dt.datetime(2027, 1, 31, 10, 0, tzinfo=LONDON)
        occurrences = plan(Schedule(baseline=False, interval=interval), ENROLLED, horizon)
        assert keys(occurrences) == ["interval:1", "interval:2", "interval:3"]
        assert occurrences[-1].due_at == horizon

    def test_an_event_trigger_is_due_after_the_event(self):
        schedule = Schedule(events=(EventTrigger("discharge", Duration.parse("P14D")),))
        discharged = dt.datetime(2026, 3, 5, 16, 30, tzinfo=LONDON)
        occurrences = plan(schedule, ENROLLED, FAR, [RecordedEvent("discharge", discharged)])
        assert occurrences[-1].key == "event:discharge:2026-03-05"
        assert occurrences[-1].due_at == discharged + dt.timedelta(days=14)

    def test_events_without_a_trigger_or_due_before_enrolment_are_ignored(self):
        schedule = Schedule(events=(EventTrigger("discharge", Duration.parse("P14D")),))
        events = [
            RecordedEvent("birth", ENROLLED),
            RecordedEvent("discharge", ENROLLED - dt.timedelta(days=20)),
        ]
        assert keys(plan(schedule, ENROLLED, FAR, events)) == ["baseline"]

    def test_the_same_event_recorded_twice_in_a_day_plans_once(self):
        schedule = Schedule(events=(EventTrigger("discharge", Duration.parse("P14D")),))
        morning = dt.datetime(2026, 3, 5, 9, tzinfo=LONDON)
        events = [RecordedEvent("discharge", morning + dt.timedelta(hours=6)), RecordedEvent("discharge", morning)]
        occurrences = plan(schedule, ENROLLED, FAR, events)
        assert keys(occurrences) == ["baseline", "event:discharge:2026-03-05"]
        assert occurrences[-1].due_at == morning + dt.timedelta(days=14)

    def test_planning_again_with_a_longer_horizon_keeps_the_earlier_keys_and_dates(self):
        quarterly = RepeatingInterval(every=Duration.parse("P3M"), first=Duration.parse("P3M"))
        schedule = Schedule(followups=(Duration.parse("P6W"),), interval=quarterly)
        near = plan(schedule, ENROLLED, ENROLLED + dt.timedelta(days=200))
        later = plan(schedule, ENROLLED, ENROLLED + dt.timedelta(days=400))
        assert later[: len(near)] == near
        assert len(later) > len(near)

    def test_naive_datetimes_are_refused(self):
        with pytest.raises(ValueError, match="enrolled_at must be a timezone-aware datetime"):
            plan(Schedule(), ENROLLED.replace(tzinfo=None), FAR)
        with pytest.raises(ValueError, match="event 'discharge'"):
            plan(Schedule(), ENROLLED, FAR, [RecordedEvent("discharge", dt.datetime(2026, 3, 1))])

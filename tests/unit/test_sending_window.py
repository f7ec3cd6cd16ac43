"""Kind hours in the patient's own zone, across DST changes and excluded days."""

from datetime import datetime, time, timezone

import pytest

from prom_service.domain.sending_window import SendingWindow

WINDOW = SendingWindow(time(8), time(20), frozenset({"sun"}))
UTC = timezone.utc


class TestSendingWindow:
    def test_a_message_due_at_three_in_the_morning_goes_at_eight(self):
        due = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # Tuesday; London is UTC in winter
        assert WINDOW.next_allowed(due, "Europe/London") == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    def test_inside_the_window_it_goes_at_once(self):
        due = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
        assert WINDOW.next_allowed(due, "Europe/London") == due

    def test_after_the_window_closes_it_waits_for_tomorrow_morning(self):
        due = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
        assert WINDOW.next_allowed(due, "Europe/London") == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def test_an_excluded_sunday_is_skipped_to_monday(self):
        saturday_night = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)
        assert WINDOW.next_allowed(saturday_night, "Europe/London") == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)

    def test_the_local_hour_holds_across_the_spring_dst_change(self):
        # Clocks go forward on Sunday 29 March 2026; with no excluded days, 08:00 BST is 07:00 UTC.
        window = SendingWindow(time(8), time(20))
        due = datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
        assert window.next_allowed(due, "Europe/London") == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)

    def test_the_local_hour_holds_across_the_autumn_dst_change(self):
        # Clocks go back on Sunday 25 October 2026: 19:30 UTC on Saturday is 20:30 BST (closed).
        window = SendingWindow(time(8), time(20))
        due = datetime(2026, 10, 24, 19, 30, tzinfo=UTC)
        assert window.next_allowed(due, "Europe/London") == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)

    def test_the_patients_own_zone_is_used(self):
        due = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 09:00 London, 04:00 New York
        assert WINDOW.allows(due, "Europe/London")
        assert WINDOW.next_allowed(due, "America/New_York") == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)

    def test_a_window_excluding_every_day_is_an_error(self):
        never = SendingWindow(time(8), time(20), frozenset({"mon", "tue", "wed", "thu", "fri", "sat", "sun"}))
        with pytest.raises(ValueError):
            never.next_allowed(datetime(2026, 11, 24, 3, tzinfo=UTC), "Europe/London")

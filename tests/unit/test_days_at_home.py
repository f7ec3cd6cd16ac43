"""Days at home: the nights convention, overlaps, window edges and death."""

from datetime import date

import pytest

from prom_service.domain.days_at_home import DaysAtHomeError, Stay, count_days_at_home, nights_between

AS_OF = date(2026, 3, 31)  # a 31-day window is the whole of March


def days(stays, window=31, death=None):
    return count_days_at_home(stays, AS_OF, window, death)


class TestNightsConvention:
    def test_no_stays_is_the_full_window(self):
        result = days([])
        assert (result.value, result.window_start, result.window_end) == (31, date(2026, 3, 1), AS_OF)

    def test_a_stay_costs_one_day_per_night_so_the_discharge_day_is_at_home(self):
        assert days([Stay(date(2026, 3, 10), date(2026, 3, 14))]).value == 31 - 4

    def test_a_same_day_stay_costs_no_day_at_home(self):
        assert days([Stay(date(2026, 3, 10), date(2026, 3, 10))]).value == 31

    def test_nights_between_is_discharge_minus_admission(self):
        assert nights_between(date(2026, 5, 1), date(2026, 5, 5)) == 4


class TestOverlapsAndEdges:
    def test_overlapping_stays_are_counted_once(self):
        respite, admission = Stay(date(2026, 3, 5), date(2026, 3, 12)), Stay(date(2026, 3, 10), date(2026, 3, 15))
        assert days([respite, admission]).nights_away == 10

    def test_a_stay_inside_another_adds_nothing(self):
        assert days([Stay(date(2026, 3, 5), date(2026, 3, 20)), Stay(date(2026, 3, 8), date(2026, 3, 9))]).value == 16

    def test_an_admission_spanning_the_window_start_counts_only_nights_inside(self):
        assert days([Stay(date(2026, 2, 20), date(2026, 3, 3))]).nights_away == 2  # nights of 1 and 2 March

    def test_an_admission_spanning_the_window_end_counts_through_the_last_night(self):
        assert days([Stay(date(2026, 3, 29), date(2026, 4, 6))]).nights_away == 3  # 29, 30 and 31 March

    def test_a_stay_still_going_runs_to_the_window_end(self):
        assert days([Stay(date(2026, 3, 25))]).value == 24

    def test_stays_wholly_outside_the_window_are_not_used(self):
        result = days([Stay(date(2026, 1, 1), date(2026, 3, 1)), Stay(date(2026, 4, 1), date(2026, 4, 9))])
        assert (result.value, result.stays_used) == (31, ())

    def test_a_stay_ending_before_it_began_is_refused(self):
        with pytest.raises(DaysAtHomeError, match="discharged before admitted"):
            days([Stay(date(2026, 3, 10), date(2026, 3, 9), reference="cost_event:7")])


class TestDeath:
    def test_death_inside_the_window_ends_the_days_alive(self):
        result = days([], death=date(2026, 3, 21))
        assert (result.days_alive, result.value) == (20, 20)

    def test_a_stay_until_death_counts_only_the_days_alive(self):
        result = days([Stay(date(2026, 3, 15))], death=date(2026, 3, 21))
        assert (result.days_alive, result.nights_away, result.value) == (20, 6, 14)

    def test_death_before_the_window_leaves_no_days(self):
        assert days([], death=date(2026, 2, 1)).value == 0

    def test_death_after_the_window_changes_nothing(self):
        assert days([], death=date(2026, 4, 2)).value == 31


class TestWindow:
    @pytest.mark.parametrize("window", [0, -5])
    def test_a_window_must_hold_a_day(self, window):
        with pytest.raises(DaysAtHomeError):
            days([], window=window)

    def test_a_one_day_window_is_the_report_day_itself(self):
        assert days([Stay(date(2026, 3, 31), date(2026, 4, 1))], window=1).value == 0

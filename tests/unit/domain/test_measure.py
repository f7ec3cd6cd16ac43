"""Measure references resolved against the real scoring catalogue."""

import pytest

from prom_service.domain.measure import (
    MeasureError,
    MeasureKind,
    days_at_home,
    higher_is_better,
    measure_range,
    resolve_measure,
)
from prom_service.domain.what_matters import PersonalGoal, goal_weights

scoring = pytest.importorskip("scoring", reason="the scoring library is not importable yet", exc_type=ImportError)
instruments = scoring.instruments


class TestResolveMeasure:
    @pytest.mark.parametrize(
        ("text", "kind", "reference"),
        [
            ("eq5d5l", MeasureKind.INSTRUMENT_SCALE, "eq5d5l.index"),
            ("kccq12.summary", MeasureKind.INSTRUMENT_SCALE, "kccq12.summary"),
            ("ons4.anxiety", MeasureKind.INSTRUMENT_SCALE, "ons4.anxiety"),
            ("promis_global10", MeasureKind.INSTRUMENT_SCALE, "promis_global10.gph_t"),
            ("phq9.q9", MeasureKind.INSTRUMENT_ITEM, "phq9.q9"),
            ("personal_goals", MeasureKind.PERSONAL_GOALS, "personal_goals"),
        ],
    )
    def test_each_reference_form_resolves(self, text, kind, reference):
        measure = resolve_measure(text, instruments)
        assert (measure.kind, measure.reference) == (kind, reference)

    @pytest.mark.parametrize(("text", "problem"), [("phq10", "unknown instrument"), ("phq9.q10", "no scale or item")])
    def test_unknown_references_are_refused(self, text, problem):
        with pytest.raises(MeasureError, match=problem):
            resolve_measure(text, instruments)

    def test_a_value_set_the_instrument_lacks_is_refused(self):
        with pytest.raises(MeasureError, match="no value set 'mars_2030'"):
            resolve_measure("eq5d5l", instruments, value_set="mars_2030")


class TestMeasureRangeAndDirection:
    def test_an_item_ranges_over_its_answers(self):
        assert measure_range(resolve_measure("phq9.q9", instruments), instruments) == (0, 3)

    def test_a_scale_ranges_as_the_catalogue_says(self):
        assert measure_range(resolve_measure("oxford_knee", instruments), instruments) == (0, 48)

    def test_days_at_home_ranges_over_its_period(self):
        assert measure_range(days_at_home(90), instruments) == (0, 90)

    def test_direction_comes_from_the_catalogue(self):
        assert higher_is_better(resolve_measure("phq9", instruments), instruments) is False
        assert higher_is_better(resolve_measure("ons4", instruments), instruments) is True
        assert higher_is_better(resolve_measure("phq9.q9", instruments), instruments) is None

    @pytest.mark.parametrize("days", [0, -5, 1.5, True])
    def test_days_at_home_needs_a_positive_whole_number_of_days(self, days):
        with pytest.raises(MeasureError):
            days_at_home(days)


class TestPersonalGoalsWithTheScoringLibrary:
    def test_goals_met_as_expected_give_a_t_score_of_50(self):
        goals = [PersonalGoal("Walk to the shop", 3, 2), PersonalGoal("Garden again", 2, 2)]
        assert scoring.score("gas", [0, 0], weights=goal_weights(goals)).value == pytest.approx(50)

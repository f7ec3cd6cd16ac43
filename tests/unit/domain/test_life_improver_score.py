import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prom_service.domain.life_improver_score import (
    DomainMeasurement,
    life_improver_score,
    measurements_in_window,
    normalise,
)
from prom_service.domain.what_matters import PersonalWeightError

WORKED_VALUES = {
    "time_at_home": 81,
    "life_satisfaction": 6,
    "quality_of_life": 0.743,
    "anxiety": 4,
    "personal_goals": 50,
}


class TestNormalise:
    def test_worst_maps_to_0_and_best_to_100(self):
        assert normalise(0, worst=0, best=90) == 0
        assert normalise(90, worst=0, best=90) == 100

    def test_lower_is_better_when_worst_is_above_best(self):
        assert normalise(4, worst=10, best=0) == pytest.approx(60)

    def test_a_negative_worst_is_handled(self):
        assert normalise(0.743, worst=-0.285, best=1) == pytest.approx(80)

    def test_values_beyond_best_or_worst_are_clamped(self):
        assert normalise(95, worst=0, best=90) == 100
        assert normalise(-1, worst=0, best=90) == 0
        assert normalise(12, worst=10, best=0) == 0

    @given(
        raw=st.floats(-1e6, 1e6),
        worst=st.floats(-1e3, 1e3),
        span=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
    )
    def test_always_lands_between_0_and_100(self, raw, worst, span):
        assert 0 <= normalise(raw, worst, worst + span) <= 100


class TestLifeImproverScore:
    def test_worked_example_gives_71(self, worked_example):
        result = life_improver_score(worked_example, WORKED_VALUES)
        assert result.value == pytest.approx(71.0)
        assert result.coverage == pytest.approx(1.0)
        assert result.reason is None

    def test_worked_example_normalises_each_domain(self, worked_example):
        result = life_improver_score(worked_example, WORKED_VALUES)
        normalised = {name: domain_input.normalised for name, domain_input in result.inputs.items()}
        expected = {"time_at_home": 90, "life_satisfaction": 60, "quality_of_life": 80, "anxiety": 60, "personal_goals": 50}
        assert normalised == pytest.approx(expected)

    def test_worked_example_without_goals_gives_76_25_at_coverage_0_8(self, worked_example):
        values = {name: value for name, value in WORKED_VALUES.items() if name != "personal_goals"}
        result = life_improver_score(worked_example, values)
        assert result.value == pytest.approx(76.25)
        assert result.coverage == pytest.approx(0.8)
        assert result.missing == ("personal_goals",)

    def test_result_records_version_inputs_weights_and_sources(self, worked_example):
        measurements = {name: DomainMeasurement(value, f"score:{name}") for name, value in WORKED_VALUES.items()}
        measurements["time_at_home"] = DomainMeasurement(81, source="activity:days_at_home:2026-03-31")
        result = life_improver_score(worked_example, measurements)
        assert (result.community, result.outcome_set_version) == ("worked_example", 1)
        assert result.inputs["quality_of_life"].raw == 0.743
        assert result.inputs["quality_of_life"].weight == 2
        assert result.inputs["time_at_home"].source == "activity:days_at_home:2026-03-31"
        assert result.weights["time_at_home"] == 3

    def test_a_missing_domain_is_left_out_of_the_mean(self, worked_example):
        values = {name: value for name, value in WORKED_VALUES.items() if name != "anxiety"}
        result = life_improver_score(worked_example, values)
        assert result.value == pytest.approx((270 + 120 + 160 + 100) / 9)
        assert result.coverage == pytest.approx(0.9)

    def test_personal_weights_replace_the_communitys(self, worked_example):
        result = life_improver_score(worked_example, WORKED_VALUES, personal_weights={"anxiety": 5, "time_at_home": 0})
        assert result.value == pytest.approx((0 + 120 + 160 + 300 + 100) / 11)
        assert result.weights["time_at_home"] == 0

    def test_below_min_coverage_gives_no_score_and_says_why(self, worked_example):
        result = life_improver_score(worked_example, {"time_at_home": 81, "anxiety": 4})
        assert result.value is None
        assert result.coverage == pytest.approx(0.4)
        assert result.reason == "below_min_coverage"
        assert "0.40 is below the minimum 0.60" in result.explanation
        assert "life_satisfaction, quality_of_life, personal_goals" in result.explanation

    def test_exactly_min_coverage_is_enough(self, worked_example):
        result = life_improver_score(worked_example, {"time_at_home": 81, "life_satisfaction": 6, "anxiety": 4})
        assert result.coverage == pytest.approx(0.6)
        assert result.value == pytest.approx((270 + 120 + 60) / 6)

    def test_values_beyond_best_are_clamped_before_weighting(self, worked_example):
        values = WORKED_VALUES | {"personal_goals": 95, "time_at_home": -3}
        result = life_improver_score(worked_example, values)
        assert result.inputs["personal_goals"].normalised == 100
        assert result.inputs["time_at_home"].normalised == 0
        assert result.value == pytest.approx((0 + 120 + 160 + 60 + 200) / 10)

    def test_nothing_measured_gives_no_score(self, worked_example):
        result = life_improver_score(worked_example, {})
        assert (result.value, result.coverage, result.reason) == (None, 0, "nothing_measured")

    def test_only_domains_that_do_not_matter_to_me_measured_gives_no_score(self, worked_example):
        weights = {"time_at_home": 0, "anxiety": 0}
        result = life_improver_score(worked_example, {"time_at_home": 81, "anxiety": 4}, personal_weights=weights)
        assert result.reason == "nothing_measured"

    def test_a_measurement_for_an_unknown_domain_is_refused(self, worked_example):
        with pytest.raises(ValueError, match="unknown domain.*sleep"):
            life_improver_score(worked_example, WORKED_VALUES | {"sleep": 3})

    def test_invalid_personal_weights_are_refused(self, worked_example):
        with pytest.raises(PersonalWeightError):
            life_improver_score(worked_example, WORKED_VALUES, personal_weights={"anxiety": -1})


class TestMeasurementsInWindow:
    AS_OF = dt.datetime(2026, 4, 1, 12, tzinfo=dt.timezone.utc)

    def at(self, days_before: float, value: float) -> DomainMeasurement:
        return DomainMeasurement(value, f"score:{value}", self.AS_OF - dt.timedelta(days=days_before))

    def test_the_latest_value_in_the_window_is_used(self):
        observations = [("anxiety", self.at(20, 7)), ("anxiety", self.at(2, 3)), ("anxiety", self.at(10, 5))]
        assert measurements_in_window(observations, self.AS_OF, 30)["anxiety"].value == 3

    def test_values_older_than_the_window_are_not_carried_forward(self):
        observations = [("anxiety", self.at(31, 7)), ("life_satisfaction", self.at(30, 6))]
        assert set(measurements_in_window(observations, self.AS_OF, 30)) == set()

    def test_values_after_the_assessment_are_ignored(self):
        observations = [("anxiety", self.at(-1, 7)), ("anxiety", self.at(0, 4))]
        assert measurements_in_window(observations, self.AS_OF, 30)["anxiety"].value == 4

"""MYMOP2 profile and Goal Attainment Scaling."""
import math

import pytest

from scoring import InvalidOption, WrongLength, score

GAS_VECTORS = [  # [computed] from Kiresuk & Sherman 1968 / Turner-Stokes 2009 with rho = 0.3 (INSTRUMENTS.md 6)
    ([0, 0, 0], None, 50.0), ([-1], None, 40.0), ([-1, -1, -1], None, 36.31), ([-2, -2, -2], None, 22.61),
    ([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6], 55.00),  # the gasr package example
]


class TestMymop2:
    def test_the_profile_is_the_mean_of_all_four_items(self):
        assert score("mymop2", [4, 2, 3, 3]).value == 3.0

    def test_without_a_second_symptom_the_profile_is_the_mean_of_three(self):
        result = score("mymop2", {"symptom1": 4, "activity": 3, "wellbeing": 2})
        assert result.value == 3.0 and result.scales["symptom1"] == 4

    def test_a_missing_required_item_gives_no_profile(self):
        result = score("mymop2", [4, 2, None, 3])
        assert result.value is None and "activity" in result.reason


class TestGasTScore:
    @pytest.mark.parametrize(("attainment", "weights", "t_score"), GAS_VECTORS)
    def test_the_t_score_matches_the_computed_vectors(self, attainment, weights, t_score):
        assert score("gas", attainment, weights=weights).value == pytest.approx(t_score, abs=0.005)

    def test_equal_weights_give_the_unweighted_score(self):
        assert score("gas", [1, -1, 2], weights=[2, 2, 2]).value == pytest.approx(score("gas", [1, -1, 2]).value)

    def test_a_mapping_of_goals_is_accepted(self):
        assert score("gas", {"goal1": 1, "goal2": -1}).value == score("gas", [1, -1]).value

    def test_an_unrated_goal_refuses_the_score(self):
        assert "goal2" in score("gas", [1, None]).reason


class TestGasBadInput:
    @pytest.mark.parametrize("weights", [[1, 2], [1, -1, 1], [0, 0, 0], [1, math.nan, 1], ["1", 1, 1]])
    def test_unusable_weights_are_refused(self, weights):
        with pytest.raises(InvalidOption, match="weights"):
            score("gas", [1, 0, -1], weights=weights)

    @pytest.mark.parametrize("goals", [[], [0] * 11])
    def test_no_goals_or_too_many_is_a_wrong_length(self, goals):
        with pytest.raises(WrongLength):
            score("gas", goals)

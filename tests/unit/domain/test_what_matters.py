import math

import pytest

from prom_service.domain.what_matters import (
    PersonalGoal,
    PersonalGoalError,
    PersonalWeightError,
    effective_weights,
    goal_weights,
)


class TestEffectiveWeights:
    def test_without_personal_weights_the_community_weights_apply(self, worked_example):
        assert effective_weights(worked_example) == {
            "time_at_home": 3, "life_satisfaction": 2, "quality_of_life": 2, "anxiety": 1, "personal_goals": 2,
        }

    def test_personal_weights_replace_only_the_domains_they_name(self, worked_example):
        weights = effective_weights(worked_example, {"anxiety": 3, "personal_goals": 0})
        assert (weights["anxiety"], weights["personal_goals"], weights["time_at_home"]) == (3, 0, 3)

    def test_zero_means_doesnt_matter_to_me(self, worked_example):
        assert effective_weights(worked_example, {"time_at_home": 0})["time_at_home"] == 0

    def test_an_unknown_domain_is_refused(self, worked_example):
        with pytest.raises(PersonalWeightError, match="unknown domain.*sleep.*known: time_at_home"):
            effective_weights(worked_example, {"sleep": 2})

    @pytest.mark.parametrize("weight", [-1, "two", None, True, math.nan, math.inf])
    def test_a_weight_that_is_not_a_number_at_least_0_is_refused(self, worked_example, weight):
        with pytest.raises(PersonalWeightError, match="anxiety: weight must be a number ≥ 0"):
            effective_weights(worked_example, {"anxiety": weight})

    def test_at_least_one_domain_must_matter(self, worked_example):
        with pytest.raises(PersonalWeightError, match="at least one must matter"):
            effective_weights(worked_example, dict.fromkeys(worked_example.domain_names, 0))


class TestPersonalGoals:
    def test_goal_weight_is_importance_times_difficulty(self):
        goals = [PersonalGoal("Walk to the shop", 3, 2), PersonalGoal("Garden again", 1, 3), PersonalGoal("Sleep", 0, 2)]
        assert goal_weights(goals) == [6, 3, 0]

    @pytest.mark.parametrize(("importance", "difficulty"), [(4, 1), (-1, 1), (1, 1.5), (True, 1)])
    def test_ratings_outside_0_to_3_are_refused(self, importance, difficulty):
        with pytest.raises(PersonalGoalError):
            PersonalGoal("Walk to the shop", importance, difficulty)

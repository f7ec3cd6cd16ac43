"""KCCQ-12: domain formulas, domain minimums, the 'not applicable' answer and the summary."""
import pytest

from scoring import score

FULL = {"q1a": 3, "q1b": 4, "q1c": 5, "q2": 3, "q3": 5, "q4": 7, "q5": 4,
        "q6": 2, "q7": 3, "q8a": 2, "q8b": 3, "q8c": 4}


class TestKccq12Domains:
    # Spertus & Jones 2015 Circ CQO; "Scoring the KCCQ-12": 100*(mean-1)/4, q3/q4 over 6
    def test_physical_limitation_is_the_rescaled_mean(self):
        assert score("kccq12", FULL).scales["physical_limitation"] == pytest.approx(100 * (4 - 1) / 4)

    def test_symptom_frequency_rescales_seven_level_items_over_six(self):
        expected = (100 * 2 / 4 + 100 * 4 / 6 + 100 * 6 / 6 + 100 * 3 / 4) / 4
        assert score("kccq12", FULL).scales["symptom_frequency"] == pytest.approx(expected)

    def test_quality_of_life_and_social_limitation(self):
        scales = score("kccq12", FULL).scales
        assert scales["quality_of_life"] == pytest.approx(100 * 1.5 / 4)
        assert scales["social_limitation"] == pytest.approx(100 * 2 / 4)

    def test_the_summary_is_the_mean_of_the_domains(self):
        scales = score("kccq12", FULL).scales
        domains = [scales[name] for name in ("physical_limitation", "symptom_frequency",
                                             "quality_of_life", "social_limitation")]
        assert score("kccq12", FULL).value == pytest.approx(sum(domains) / 4)

    def test_best_and_worst_answers_give_100_and_0(self):
        best = {**{k: 5 for k in FULL}, "q3": 7, "q4": 7}
        assert score("kccq12", best).value == 100
        assert score("kccq12", {k: 1 for k in FULL}).value == 0


class TestKccq12Missing:
    def test_six_on_physical_items_counts_as_missing(self):
        result = score("kccq12", {**FULL, "q1a": 6, "q1b": 6})
        assert "physical_limitation" not in result.scales and "physical_limitation" in result.reason

    def test_two_of_three_physical_items_suffice(self):
        assert score("kccq12", {**FULL, "q1a": 6}).scales["physical_limitation"] == pytest.approx(100 * 3.5 / 4)

    def test_symptom_frequency_needs_two_of_four(self):
        one = {**FULL, "q2": None, "q3": None, "q4": None}
        assert "symptom_frequency" not in score("kccq12", one).scales
        assert "symptom_frequency" in score("kccq12", {**one, "q4": 7}).scales

    def test_quality_of_life_needs_one_of_two(self):
        assert score("kccq12", {**FULL, "q6": None}).scales["quality_of_life"] == pytest.approx(50)

    def test_the_summary_uses_the_domains_that_could_be_scored(self):
        result = score("kccq12", {**FULL, "q8a": 6, "q8b": None})
        assert result.value == pytest.approx((75 + result.scales["symptom_frequency"] + 37.5) / 3)

    def test_nothing_answered_gives_no_summary(self):
        result = score("kccq12", {})
        assert result.value is None and "no summary" in result.reason

    def test_six_is_not_allowed_where_it_means_nothing(self):
        from scoring import InvalidAnswer
        with pytest.raises(InvalidAnswer, match="q2"):
            score("kccq12", {**FULL, "q2": 6})

"""PHQ-9: totals, bands, the item-9 flag and the NHS Data Dictionary missing-item rule."""
import pytest

from scoring import score
from scoring.phq9 import interpret

KROENKE_2001_BANDS = [  # Kroenke 2001 J Gen Intern Med 16:606; NHS Data Dictionary (PHQ-9)
    (0, "none_minimal"), (4, "none_minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe"),
]


class TestPhq9Total:
    def test_the_api_example_totals_eight(self):
        assert score("phq9", [1, 0, 2, 3, 1, 0, 0, 1, 0]).value == 8

    def test_a_mapping_scores_like_a_sequence(self):
        answers = [1, 0, 2, 3, 1, 0, 0, 1, 0]
        mapping = {f"q{n}": value for n, value in enumerate(answers, 1)}
        assert score("phq9", mapping) == score("phq9", answers)

    def test_the_extremes_are_zero_and_twenty_seven(self):
        assert (score("phq9", [0] * 9).value, score("phq9", [3] * 9).value) == (0, 27)

    def test_the_total_is_an_int(self):
        assert type(score("phq9", [1] * 9).value) is int


class TestPhq9Bands:
    @pytest.mark.parametrize(("total", "band"), KROENKE_2001_BANDS)
    def test_each_cut_point_falls_in_its_published_band(self, total, band):
        assert interpret(total) == band

    def test_the_result_carries_the_band_of_its_total(self):
        result = score("phq9", [2, 2, 2, 2, 2, 0, 0, 0, 0])
        assert (result.value, result.band, result.bands) == (10, "moderate", {"total": "moderate"})


class TestPhq9Item9:
    def test_item_9_above_zero_raises_the_flag_whatever_the_total(self):
        assert score("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1]).flags == ("item9_positive",)

    def test_item_9_at_zero_raises_no_flag(self):
        assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == ()

    def test_the_flag_survives_a_refused_total(self):
        result = score("phq9", [None, None, None, 0, 0, 0, 0, 0, 2])
        assert result.value is None and result.flags == ("item9_positive",)

    def test_an_unanswered_item_9_raises_no_flag(self):
        assert score("phq9", [1] * 8 + [None]).flags == ()


class TestPhq9Missing:
    def test_two_missing_items_are_filled_with_the_mean(self):
        result = score("phq9", [2, 2, 2, 2, 2, 2, 2, None, None])
        assert (result.value, result.imputed_items) == (18, ("q8", "q9"))

    def test_a_prorated_total_is_rounded_to_the_nearest_integer(self):
        # INSTRUMENTS.md vector: 12 over 7 answered items -> 12 * 9 / 7 = 15.43 unrounded
        result = score("phq9", [3, 3, 3, 3, 0, 0, 0, None, None])
        assert (result.value, result.band) == (15, "moderately_severe")

    def test_an_exact_half_rounds_towards_more_severe(self):
        # 4 over 8 answered items -> 4.5; our documented rule reads a tie towards worse health
        result = score("phq9", [1, 1, 1, 1, 0, 0, 0, 0, None])
        assert (result.value, result.band) == (5, "mild")

    def test_three_missing_items_refuse_the_total_with_a_reason(self):
        result = score("phq9", [None, None, None, 1, 1, 1, 1, 1, 1])
        assert result.value is None and result.band is None
        assert "q1, q2, q3" in result.reason and "NHS Data Dictionary" in result.reason

    def test_a_complete_response_has_no_imputed_items_and_no_reason(self):
        result = score("phq9", [1] * 9)
        assert (result.imputed_items, result.reason) == ((), None)

"""SWEMWBS (Rasch table), WEMWBS and ONS4."""
import pytest

from scoring import score
from scoring.tables import load

RASCH = [  # Stewart-Brown 2009 HQLO 7:15; Warwick conversion table (INSTRUMENTS.md section 4)
    (7, 7.00), (8, 9.51), (9, 11.25), (10, 12.40), (11, 13.33), (12, 14.08), (13, 14.75), (14, 15.32),
    (15, 15.84), (16, 16.36), (17, 16.88), (18, 17.43), (19, 17.98), (20, 18.59), (21, 19.25),
    (22, 19.98), (23, 20.73), (24, 21.54), (25, 22.35), (26, 23.21), (27, 24.11), (28, 25.03),
    (29, 26.02), (30, 27.03), (31, 28.13), (32, 29.31), (33, 30.70), (34, 32.55), (35, 35.00),
]
ONS_THRESHOLDS = [  # ONS Measuring National Well-being thresholds
    ("life_satisfaction", 4, "low"), ("life_satisfaction", 5, "medium"), ("worthwhile", 7, "high"),
    ("happiness", 9, "very_high"), ("anxiety", 1, "very_low"), ("anxiety", 2, "low"),
    ("anxiety", 5, "medium"), ("anxiety", 6, "high"),
]


def summing_to(raw, items=7):
    base, extra = divmod(raw, items)
    return [base + (1 if i < extra else 0) for i in range(items)]


class TestSwemwbs:
    @pytest.mark.parametrize(("raw", "metric"), RASCH)
    def test_every_raw_score_converts_with_the_rasch_table(self, raw, metric):
        result = score("swemwbs", summing_to(raw))
        assert (result.scales["raw"], result.value) == (raw, metric)

    def test_the_table_is_not_the_wrong_one_in_circulation(self):
        # botheredbybees/thru2setsofeyes maps 8 -> 8.50; the Warwick table maps 8 -> 9.51
        assert dict(zip(load("swemwbs_rasch").column("raw", int), load("swemwbs_rasch").column("metric")))[8] == 9.51

    def test_a_missing_item_refuses_the_score(self):
        assert score("swemwbs", [3, 3, 3, 3, 3, 3, None]).value is None


class TestWemwbs:
    def test_the_total_is_the_sum_of_fourteen_items(self):
        assert score("wemwbs", [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4]).value == 40

    def test_the_range_is_14_to_70(self):
        assert (score("wemwbs", [1] * 14).value, score("wemwbs", [5] * 14).value) == (14, 70)

    def test_a_missing_item_refuses_the_total(self):
        assert "no published missing-item rule" in score("wemwbs", [3] * 13 + [None]).reason


class TestOns4:
    @pytest.mark.parametrize(("question", "answer", "band"), ONS_THRESHOLDS)
    def test_each_question_is_banded_with_the_ons_thresholds(self, question, answer, band):
        result = score("ons4", {question: answer})
        assert (result.scales[question], result.bands[question]) == (answer, band)

    def test_the_value_is_life_satisfaction(self):
        result = score("ons4", [8, 7, 6, 2])
        assert (result.value, result.band) == (8, "high")
        assert result.scales == {"life_satisfaction": 8, "worthwhile": 7, "happiness": 6, "anxiety": 2}

    def test_an_unanswered_life_satisfaction_leaves_the_others(self):
        result = score("ons4", [None, 7, 6, 2])
        assert result.value is None and "life_satisfaction" in result.reason and len(result.scales) == 3

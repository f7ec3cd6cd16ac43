"""PHQ-2, GAD-2 and GAD-7: totals, the positive-screen flag, bands, no invented missing rule."""
import pytest

from scoring import score
from scoring.gad7 import interpret as gad7_band

SPITZER_2006_BANDS = [  # Spitzer 2006 Arch Intern Med 166:1092, cut-points 5/10/15
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "severe"), (21, "severe"),
]


class TestTwoItemScreens:
    @pytest.mark.parametrize("instrument", ["phq2", "gad2"])
    @pytest.mark.parametrize(("answers", "positive"), [([1, 1], False), ([2, 1], True), ([3, 3], True), ([0, 0], False)])
    def test_a_total_of_three_or_more_screens_positive(self, instrument, answers, positive):
        # PHQ-2: Kroenke 2003 Med Care 41:1284; GAD-2: Kroenke 2007 Ann Intern Med 146:317
        result = score(instrument, answers)
        assert result.value == sum(answers)
        assert ("screen_positive" in result.flags) is positive

    @pytest.mark.parametrize("instrument", ["phq2", "gad2"])
    def test_either_item_missing_refuses_the_total(self, instrument):
        result = score(instrument, [3, None])
        assert result.value is None and result.flags == () and "q2" in result.reason

    def test_phq2_shares_the_phq9_wording(self):
        from scoring import instruments
        assert instruments("phq2").items == instruments("phq9").items[:2]


class TestGad7:
    @pytest.mark.parametrize(("total", "band"), SPITZER_2006_BANDS)
    def test_each_cut_point_falls_in_its_published_band(self, total, band):
        assert gad7_band(total) == band

    def test_the_total_is_the_sum_of_the_seven_items(self):
        result = score("gad7", [3, 2, 1, 0, 1, 2, 3])
        assert (result.value, result.band) == (12, "moderate")

    def test_one_missing_item_refuses_the_total_because_no_rule_is_published(self):
        result = score("gad7", [3, 2, 1, 0, 1, 2, None])
        assert result.value is None and "no published missing-item rule" in result.reason

"""Oxford Knee and Hip Scores: totals, the OUI missing-item rule and knee bands."""
import pytest

from scoring import score

OKS_BANDS = [  # awell OKS README (secondary source)
    (19, "severe"), (20, "moderate_severe"), (29, "moderate_severe"), (30, "mild_moderate"),
    (39, "mild_moderate"), (40, "satisfactory"), (48, "satisfactory"),
]


def summing_to(total, items=12):
    base, extra = divmod(total, items)
    return [base + (1 if i < extra else 0) for i in range(items)]


class TestOxfordTotals:
    @pytest.mark.parametrize("instrument", ["oxford_knee", "oxford_hip"])
    def test_the_total_runs_0_to_48(self, instrument):
        # Murray 2007 J Bone Joint Surg Br 89:1010
        assert (score(instrument, [0] * 12).value, score(instrument, [4] * 12).value) == (0, 48)

    @pytest.mark.parametrize(("total", "band"), OKS_BANDS)
    def test_knee_totals_fall_in_their_bands(self, total, band):
        assert score("oxford_knee", summing_to(total)).band == band

    def test_hip_totals_carry_no_band(self):
        assert score("oxford_hip", [3] * 12).bands == {}


class TestOxfordMissing:
    @pytest.mark.parametrize("instrument", ["oxford_knee", "oxford_hip"])
    def test_two_missing_items_are_each_filled_with_the_mean_of_the_others(self, instrument):
        # OUI scoring guide 2018: 10 answers of 3 -> mean 3 -> total 36
        result = score(instrument, [3] * 10 + [None, None])
        assert (result.value, result.imputed_items) == (36, ("q11", "q12"))

    def test_a_prorated_total_is_rounded_to_the_nearest_integer(self):
        # 31 over 10 answered items -> 37.2 -> 37
        assert score("oxford_knee", [3, 3, 3, 3, 3, 3, 3, 3, 4, 3, None, None]).value == 37

    def test_three_missing_items_refuse_the_total(self):
        result = score("oxford_hip", [4] * 9 + [None] * 3)
        assert result.value is None and "at most 2" in result.reason

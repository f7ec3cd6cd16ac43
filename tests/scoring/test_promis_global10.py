"""PROMIS Global-10: pain recode, v1.1 reversal, the Hays 2009 T-score table, no prorating."""
import pytest

from scoring import InvalidOption, score
from scoring.promis_global10 import recode_pain

# Hays 2009 Qual Life Res 18:873 / HealthMeasures scoring manual: raw -> (GPH T, SE, GMH T, SE)
HAYS_2009 = [
    (4, 16.2, 4.8, 21.2, 4.6), (8, 29.6, 4.2, 33.8, 3.7), (12, 39.8, 4.1, 43.5, 3.6),
    (13, 42.3, 4.2, 45.8, 3.6), (16, 50.8, 4.6, 53.3, 3.7), (20, 67.7, 5.9, 67.6, 5.3),
]


PAIN_FOR = {5: 0, 4: 2, 3: 5, 2: 8, 1: 10}  # a pain rating that recodes to each level


def split(raw):
    """Four item levels (1-5) summing to ``raw``."""
    base, extra = divmod(raw, 4)
    return [base + (1 if i < extra else 0) for i in range(4)]


def answers(gph_raw, gmh_raw):
    """global01..10 whose physical and mental summaries sum to the given raw scores."""
    g03, g06, pain, g08 = split(gph_raw)
    g02, g04, g05, g10 = split(gmh_raw)
    return {"global01": 3, "global02": g02, "global03": g03, "global04": g04, "global05": g05,
            "global06": g06, "global07": PAIN_FOR[pain], "global08": g08, "global09": 3, "global10": g10}


class TestPromisPainRecode:
    @pytest.mark.parametrize(("pain", "recoded"), [(0, 5), (1, 4), (3, 4), (4, 3), (6, 3), (7, 2), (9, 2), (10, 1)])
    def test_pain_is_recoded_onto_one_to_five(self, pain, recoded):
        # awell; Stanford CHOIR GlobalHealthScore.java
        assert recode_pain(pain) == recoded


class TestPromisTScores:
    @pytest.mark.parametrize(("raw", "gph_t", "gph_se", "gmh_t", "gmh_se"), HAYS_2009)
    def test_raw_scores_convert_with_the_published_table(self, raw, gph_t, gph_se, gmh_t, gmh_se):
        scales = score("promis_global10", answers(raw, raw)).scales
        assert (scales["gph_raw"], scales["gph_t"], scales["gph_se"]) == (raw, gph_t, gph_se)
        assert (scales["gmh_raw"], scales["gmh_t"], scales["gmh_se"]) == (raw, gmh_t, gmh_se)

    def test_the_primary_value_is_the_physical_t_score(self):
        result = score("promis_global10", answers(20, 20))
        assert result.value == result.scales["gph_t"] == 67.7

    def test_version_1_1_reverses_fatigue_and_emotional_problems(self):
        v12 = answers(13, 17)
        v11 = {**v12, "global08": 6 - v12["global08"], "global10": 6 - v12["global10"]}
        assert score("promis_global10", v11, version="1.1").scales == score("promis_global10", v12).scales
        assert score("promis_global10", v11, version="1.1").instrument_version == "1.1"

    def test_an_unknown_version_is_refused(self):
        with pytest.raises(InvalidOption, match="version"):
            score("promis_global10", answers(12, 12), version="2.0")


class TestPromisMissing:
    def test_a_missing_physical_item_withholds_only_the_physical_summary(self):
        result = score("promis_global10", {**answers(12, 12), "global06": None})
        assert result.value is None and "gph_t" not in result.scales
        assert result.scales["gmh_t"] == 43.5 and "global06" in result.reason

    def test_a_missing_mental_item_is_never_prorated(self):
        result = score("promis_global10", {**answers(12, 12), "global10": None})
        assert result.value == 39.8 and "gmh_raw" not in result.scales and "never prorated" in result.reason

    def test_items_outside_the_summaries_are_not_needed(self):
        assert score("promis_global10", {**answers(12, 12), "global01": None, "global09": None}).reason is None

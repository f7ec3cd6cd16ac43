"""EQ-5D-5L: the three value sets against their published vectors."""
import pytest

from scoring import UnknownValueSet, score


def levels(profile):
    return [int(digit) for digit in profile]


ENGLAND_2018 = [  # Devlin 2018 Health Econ 27:7; vectors from fragla/eq5d tests/testthat/test-eq5d5l.R
    ("11111", 1.0), ("11112", 0.922), ("11121", 0.937), ("11211", 0.950), ("12111", 0.950),
    ("21111", 0.942), ("23245", 0.247), ("55555", -0.285),
    ("51112", 0.648),  # sheejamk/valueEQ5D tests
]
UK_2026 = [  # Rowen 2026 Value Health; fragla/eq5d tests; 55555 also MathsinHealth/eq5dsuite-r "5L GB"
    ("11111", 1.0), ("22222", 0.784), ("33333", 0.604), ("44444", -0.209), ("55555", -0.567),
]
CROSSWALK_UK = [  # van Hout 2012 Value Health 15:708; fragla/eq5d test-eq5dcw.R and data-raw/CW.csv
    ("11111", 1.0), ("11221", 0.795), ("44441", 0.226), ("44525", 0.004), ("55555", -0.594),
    ("22222", 0.592), ("33333", 0.516), ("44444", 0.036), ("12345", 0.063),
]


class TestEq5d5lValueSets:
    @pytest.mark.parametrize(("profile", "index"), ENGLAND_2018)
    def test_england_2018_is_the_default_and_matches_devlin(self, profile, index):
        assert score("eq5d5l", levels(profile)).value == pytest.approx(index, abs=0.0005)

    @pytest.mark.parametrize(("profile", "index"), UK_2026)
    def test_uk_2026_matches_rowen(self, profile, index):
        assert score("eq5d5l", levels(profile), value_set="uk_2026").value == pytest.approx(index, abs=0.0005)

    @pytest.mark.parametrize(("profile", "index"), CROSSWALK_UK)
    def test_crosswalk_uk_matches_van_hout(self, profile, index):
        result = score("eq5d5l", levels(profile), value_set="crosswalk_uk")
        assert result.value == pytest.approx(index, abs=0.0005)

    def test_indices_are_rounded_to_three_decimals(self):
        assert score("eq5d5l", levels("11112")).value == 0.922

    def test_the_result_names_its_value_set(self):
        assert score("eq5d5l", [1] * 5, value_set="uk_2026").value_set == "uk_2026"
        assert score("eq5d5l", [1] * 5).value_set == "england_2018"

    def test_an_unknown_value_set_raises_a_specific_error(self):
        with pytest.raises(UnknownValueSet, match="england_2018, uk_2026, crosswalk_uk"):
            score("eq5d5l", [1] * 5, value_set="france_2020")


class TestEq5d5lProfile:
    def test_the_profile_is_the_five_digit_state(self):
        assert score("eq5d5l", [2, 3, 2, 4, 5]).scales["profile"] == "23245"

    def test_a_missing_dimension_gives_no_index_and_says_which(self):
        result = score("eq5d5l", [2, 3, None, 4, 5])
        assert result.value is None and result.scales == {} and "ua" in result.reason

"""EQ-5D-3L UK TTO (Dolan 1997) and the EQ VAS."""
import pytest

from scoring import InvalidAnswer, score

DOLAN_1997 = [  # Dolan 1997 Med Care 35:1095
    ("33333", -0.594),  # fragla/eq5d tests; also MathsinHealth/eq5dsuite-r
    ("11221", 0.760), ("33221", -0.037), ("12321", 0.329),  # fragla/eq5d tests
    ("11112", 0.848), ("11121", 0.796), ("11211", 0.883), ("12111", 0.815), ("21111", 0.850),  # valueEQ5D
    ("11111", 1.0),
]


class TestEq5d3l:
    @pytest.mark.parametrize(("profile", "index"), DOLAN_1997)
    def test_the_uk_tto_index_matches_the_published_vectors(self, profile, index):
        result = score("eq5d3l", [int(digit) for digit in profile])
        assert result.value == pytest.approx(index, abs=0.0005)
        assert result.scales["profile"] == profile

    def test_level_four_is_out_of_range(self):
        with pytest.raises(InvalidAnswer, match="mo"):
            score("eq5d3l", [4, 1, 1, 1, 1])


class TestEqVas:
    @pytest.mark.parametrize("vas", [0, 55, 100])
    def test_the_vas_is_reported_as_marked(self, vas):
        assert score("eq_vas", [vas]).value == vas

    def test_an_unmarked_vas_gives_no_value(self):
        assert score("eq_vas", {"vas": None}).reason is not None

    def test_101_is_refused(self):
        with pytest.raises(InvalidAnswer, match="0 to 100"):
            score("eq_vas", [101])

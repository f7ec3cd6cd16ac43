"""Bad input raises specific errors that name the item and what is allowed."""
import pytest

from scoring import (InvalidAnswer, ScoringError, UnknownInstrument, UnknownItem, UnknownValueSet,
                     WrongLength, instruments, score, score_many)


class TestBadAnswers:
    @pytest.mark.parametrize("bad", [4, -1, 2.5, "2", True, [1], float("inf")])
    def test_an_unusable_answer_is_a_value_error_naming_the_item_and_allowed_values(self, bad):
        with pytest.raises(InvalidAnswer, match=r"item q3 has .*allowed: 0, 1, 2, 3") as caught:
            score("phq9", [0, 0, bad, 0, 0, 0, 0, 0, 0])
        assert isinstance(caught.value, ValueError) and caught.value.item == "q3"

    def test_an_integral_float_is_read_as_its_integer(self):
        assert score("phq9", [1.0] * 9).value == 9

    def test_nan_counts_as_missing(self):
        assert score("phq9", [float("nan")] + [1] * 8).imputed_items == ("q1",)

    def test_a_wrong_length_sequence_is_a_specific_error(self):
        with pytest.raises(WrongLength, match="8 answers; expected 9"):
            score("phq9", [0] * 8)

    def test_a_string_is_not_a_sequence_of_answers(self):
        with pytest.raises(WrongLength):
            score("phq2", "12")

    def test_an_unknown_item_in_a_mapping_is_refused(self):
        with pytest.raises(UnknownItem, match="q10"):
            score("phq9", {"q10": 1})


class TestUnknownNames:
    def test_an_unknown_instrument_is_a_lookup_error_listing_the_known_ones(self):
        with pytest.raises(UnknownInstrument, match="phq9") as caught:
            score("phq10", [0])
        assert isinstance(caught.value, LookupError) and not isinstance(caught.value, KeyError)

    def test_metadata_of_an_unknown_instrument_raises_the_same_error(self):
        with pytest.raises(UnknownInstrument):
            instruments("nope")

    def test_a_value_set_on_an_instrument_without_value_sets_is_refused(self):
        with pytest.raises(UnknownValueSet, match="no value sets"):
            score("phq9", [0] * 9, value_set="england_2018")

    def test_value_set_none_is_always_accepted(self):
        assert score("phq9", [0] * 9, value_set=None).value == 0

    def test_every_library_error_shares_one_base(self):
        for error in (InvalidAnswer, UnknownInstrument, UnknownItem, UnknownValueSet, WrongLength):
            assert issubclass(error, ScoringError)


class TestBadBatches:
    def test_a_bad_value_in_an_array_names_the_row_and_item(self):
        import numpy as np
        rows = np.zeros((5, 9), dtype=np.int8)
        rows[3, 8] = 7
        with pytest.raises(InvalidAnswer, match="item q9 in row 3"):
            score_many("phq9", rows)

    def test_a_bad_value_in_a_list_names_the_row(self):
        with pytest.raises(InvalidAnswer, match="row 1"):
            score_many("gad7", [[0] * 7, [0] * 6 + ["x"]])

    def test_a_ragged_row_is_a_wrong_length(self):
        with pytest.raises(WrongLength, match="row 1"):
            score_many("gad7", [[0] * 7, [0] * 6])

    def test_an_array_with_the_wrong_width_is_a_wrong_length(self):
        import numpy as np
        with pytest.raises(WrongLength):
            score_many("phq9", np.zeros((3, 8), dtype=np.int8))

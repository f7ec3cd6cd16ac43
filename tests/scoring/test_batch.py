"""score_many agrees with score row by row, whatever form the rows take."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import ScoreBatch, instruments, score, score_many
from tests.scoring.test_properties import FIXED_ITEMS, answer_strategy

BOUNDED = settings(max_examples=25, derandomize=True, deadline=None)


def as_float_array(rows):
    return np.array([[math.nan if a is None else a for a in row] for row in rows], dtype=np.float64)


class TestScoreManyEqualsScore:
    @pytest.mark.parametrize("instrument_id", FIXED_ITEMS)
    @BOUNDED
    @given(data=st.data())
    def test_each_row_equals_its_scalar_result_including_missing_answers(self, instrument_id, data):
        rows = data.draw(st.lists(answer_strategy(instrument_id), min_size=1, max_size=12))
        value_sets = instruments(instrument_id).value_sets or (None,)
        value_set = data.draw(st.sampled_from(value_sets))
        expected = [score(instrument_id, row, value_set=value_set) for row in rows]
        assert list(score_many(instrument_id, rows, value_set=value_set)) == expected
        assert list(score_many(instrument_id, as_float_array(rows), value_set=value_set)) == expected

    def test_gas_rows_may_differ_in_length(self):
        rows = [[1], [0, -1, 2], [None, 1]]
        assert list(score_many("gas", rows, weights=None)) == [score("gas", row) for row in rows]


class TestColumnarForm:
    def test_the_batch_is_a_sequence_of_results_with_numpy_columns(self):
        rows = np.array([[1, 0, 2, 3, 1, 0, 0, 1, 0], [3] * 9], dtype=np.int8)
        batch = score_many("phq9", rows)
        assert isinstance(batch, ScoreBatch) and len(batch) == 2
        assert batch.values.tolist() == [8.0, 27.0] and batch.band.tolist() == ["mild", "severe"]
        assert batch.flags["item9_positive"].tolist() == [False, True]
        assert batch[-1] == score("phq9", [3] * 9) and batch[0:1] == [score("phq9", rows[0])]

    def test_refused_rows_are_nan_with_a_reason(self):
        batch = score_many("phq9", [[None] * 3 + [1] * 6])
        assert math.isnan(batch.values[0]) and batch.reasons[0] and batch.band[0] is None

    def test_eq5d_profiles_come_back_as_strings(self):
        batch = score_many("eq5d5l", np.array([[5, 1, 1, 1, 2]], dtype=np.int8))
        assert batch[0].scales["profile"] == "51112" and batch.values[0] == 0.648

    def test_an_empty_batch_is_empty(self):
        assert len(score_many("phq9", [])) == 0

    def test_an_index_past_the_end_raises_index_error(self):
        with pytest.raises(IndexError):
            score_many("phq9", [[0] * 9])[1]

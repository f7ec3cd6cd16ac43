"""Properties every instrument keeps: results in range, worse answers never score better."""
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import instruments, score

BOUNDED = settings(max_examples=60, derandomize=True, deadline=None)
FIXED_ITEMS = [i for i in instruments() if i != "gas"]
# Items on which a higher answer means better health; everywhere else higher means worse.
HIGHER_IS_BETTER = {
    "oxford_knee": "all", "oxford_hip": "all", "wemwbs": "all", "swemwbs": "all", "kccq12": "all",
    "eq_vas": "all", "promis_global10": "all but global07", "ons4": "all but anxiety",
}


def answer_strategy(instrument_id, allow_missing=True):
    items = instruments(instrument_id).items
    def one(item):
        high = 5 if instrument_id == "kccq12" and item.max == 6 else item.max  # 6 = not applicable
        value = st.integers(item.min, high)
        return st.one_of(st.none(), value) if allow_missing else value
    return st.tuples(*(one(item) for item in items))


def higher_is_better(instrument_id, item_id):
    rule = HIGHER_IS_BETTER.get(instrument_id, "none")
    return rule == "all" or (rule.startswith("all but") and not rule.endswith(item_id))


def assert_in_range(instrument_id, result):
    ranges = instruments(instrument_id).range
    for scale, value in result.scales.items():
        if scale in ranges and value is not None:
            low, high = ranges[scale]
            assert low - 1e-9 <= value <= high + 1e-9, (scale, value)


class TestResultsStayInRange:
    @pytest.mark.parametrize("instrument_id", FIXED_ITEMS)
    @BOUNDED
    @given(data=st.data())
    def test_every_scale_stays_within_its_declared_range(self, instrument_id, data):
        answers = data.draw(answer_strategy(instrument_id))
        result = score(instrument_id, answers)
        assert_in_range(instrument_id, result)
        assert set(result.scales) <= set(instruments(instrument_id).scale_ids)
        if result.value is not None:
            assert result.scales[instruments(instrument_id).primary_scale] == result.value

    @BOUNDED
    @given(st.lists(st.integers(-2, 2), min_size=1, max_size=10), st.data())
    def test_gas_stays_within_its_range_for_any_weights(self, attainment, data):
        weights = data.draw(st.lists(st.integers(1, 9), min_size=len(attainment), max_size=len(attainment)))
        assert_in_range("gas", score("gas", attainment, weights=weights))


class TestWorseAnswersNeverScoreBetter:
    @pytest.mark.parametrize("instrument_id", FIXED_ITEMS)
    @pytest.mark.parametrize("value_set", [None, "uk_2026", "crosswalk_uk"])
    @BOUNDED
    @given(data=st.data())
    def test_one_answer_moved_towards_worse_health_never_raises_the_primary_health(self, instrument_id, value_set, data):
        instrument = instruments(instrument_id)
        if value_set and value_set not in instrument.value_sets:
            return
        answers = list(data.draw(answer_strategy(instrument_id, allow_missing=False)))
        position = data.draw(st.integers(0, len(answers) - 1))
        item = instrument.items[position]
        step = -1 if higher_is_better(instrument_id, item.id) else 1
        worse = answers[position] + step
        if not item.min <= worse <= (5 if instrument_id == "kccq12" and item.max == 6 else item.max):
            return
        before = score(instrument_id, answers, value_set=value_set).value
        answers[position] = worse
        after = score(instrument_id, answers, value_set=value_set).value
        if before is None or after is None:
            return
        sign = 1 if instrument.higher_is_better[instrument.primary_scale] else -1
        assert sign * after <= sign * before + 1e-9

    @BOUNDED
    @given(st.lists(st.integers(-2, 1), min_size=1, max_size=10), st.data())
    def test_a_better_goal_attainment_never_lowers_the_gas_t_score(self, attainment, data):
        position = data.draw(st.integers(0, len(attainment) - 1))
        better = attainment.copy()
        better[position] += 1
        assert score("gas", better).value >= score("gas", attainment).value - 1e-9
        assert not math.isnan(score("gas", better).value)

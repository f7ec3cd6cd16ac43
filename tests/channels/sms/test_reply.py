"""Reading a text as an answer to one question, and showing that question's options."""

import pytest

from prom_service.channels.sms.reply import parse_answer, render_options

PHQ = [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]
GAS = [(-2, "Much less than expected"), (-1, "Less"), (0, "As expected"), (1, "More"), (2, "Much more")]
ZERO_TO_TEN = [(value, str(value)) for value in range(11)]


class TestForgivingAnswers:
    @pytest.mark.parametrize("text", ["2", " 2.", "2)", "(2)", "two", "Two", "TWO!", "2!", " 2 ", "২", "٢"])
    def test_the_ways_people_write_two_all_mean_two(self, text):
        assert parse_answer(text, PHQ) == 2

    @pytest.mark.parametrize("word, value", [("zero", 0), ("one", 1), ("five", 5), ("ten", 10), ("Seven.", 7)])
    def test_number_words_zero_to_ten(self, word, value):
        assert parse_answer(word, ZERO_TO_TEN) == value

    def test_typing_an_options_label_answers_with_it(self):
        assert parse_answer("  nearly every DAY ", PHQ) == 3

    def test_signed_values_answer_scales_that_go_below_zero(self):
        assert parse_answer("-1", GAS) == -1
        assert parse_answer("+2", GAS) == 2


class TestAnswersWeCannotRead:
    @pytest.mark.parametrize("text", ["4", "-1", "eleven", "10"])
    def test_a_number_outside_the_options_is_none(self, text):
        assert parse_answer(text, PHQ) is None

    @pytest.mark.parametrize("text", ["yes", "", "   ", "2 or 3", "23", "2.5", "about 2", "ok"])
    def test_text_that_is_not_one_option_is_none(self, text):
        assert parse_answer(text, PHQ) is None

    @pytest.mark.parametrize("text", ["END", "cancel", "STOP", "quit"])
    def test_an_opt_out_word_is_never_an_answer(self, text):
        options = [(0, "End"), (1, "Cancel"), (2, "Stop"), (3, "Quit")]
        assert parse_answer(text, options) is None


class TestOptionRendering:
    def test_options_render_as_one_compact_line(self):
        assert render_options(PHQ) == (
            "Reply 0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day")

    def test_the_lead_word_follows_the_language(self):
        assert render_options([(1, "Haa"), (0, "Maya")], lead="Ku jawaab") == "Ku jawaab 1 Haa, 0 Maya"

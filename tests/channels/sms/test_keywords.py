"""Opt-out, opt-in and help keywords, read as Twilio's Advanced Opt-Out reads them."""

import pytest

from prom_service.channels.sms.keywords import Keyword, classify, is_opt_out

OPT_OUT = ["STOP", "UNSUBSCRIBE", "END", "QUIT", "STOPALL", "REVOKE", "OPTOUT", "CANCEL"]


class TestOptOut:
    @pytest.mark.parametrize("word", OPT_OUT)
    def test_every_twilio_opt_out_word_opts_out(self, word):
        assert classify(word, opted_out=False) is Keyword.OPT_OUT

    @pytest.mark.parametrize("text", ["stop", " Stop ", "STOP.", "stop!", "\tcancel\n", "Quit?"])
    def test_case_whitespace_and_end_punctuation_do_not_matter(self, text):
        assert is_opt_out(text)

    @pytest.mark.parametrize("text", ["don't stop", "stop it", "please stop me", "stopped", "end of"])
    def test_a_keyword_inside_a_longer_message_is_not_a_keyword(self, text):
        assert classify(text, opted_out=False) is None


class TestOptIn:
    @pytest.mark.parametrize("word", ["START", "unstop", "Start."])
    def test_start_and_unstop_always_opt_in(self, word):
        assert classify(word, opted_out=False) is Keyword.OPT_IN

    def test_yes_opts_in_someone_who_opted_out(self):
        assert classify("Yes", opted_out=True) is Keyword.OPT_IN

    def test_yes_from_someone_receiving_texts_is_not_a_keyword(self):
        assert classify("yes", opted_out=False) is None


class TestHelp:
    @pytest.mark.parametrize("word", ["HELP", "info", "Help?"])
    def test_help_and_info_ask_for_help(self, word):
        assert classify(word, opted_out=False) is Keyword.HELP

    def test_anything_else_is_not_a_keyword(self):
        assert classify("2", opted_out=False) is None

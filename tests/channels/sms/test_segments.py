"""Segment counts at the boundaries Twilio bills on, GSM-7 normalisation, and cost."""

from decimal import Decimal

import pytest

from prom_service.channels.sms.segments import cost_gbp, count, non_gsm7_characters, normalise_gsm7


class TestGsm7Segments:
    @pytest.mark.parametrize("length, parts", [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)])
    def test_plain_text_fits_160_in_one_part_and_153_per_part_when_split(self, length, parts):
        assert count("a" * length).segments == parts
        assert count("a" * length).encoding == "GSM-7"

    def test_an_extension_character_counts_double(self):
        assert count("€" * 80).units == 160 and count("€" * 80).segments == 1
        assert count("a" * 159 + "^").segments == 2

    @pytest.mark.parametrize("char", list("^{}\\[~]|€"))
    def test_every_extension_character_takes_two_places(self, char):
        assert count(char).units == 2

    def test_an_escaped_pair_is_never_split_across_segments(self):
        # 152 single places then a pair: the pair cannot fit in the first 153, so it starts part two.
        assert count("a" * 152 + "[" + "a" * 152).segments == 3

    def test_gsm7_accented_letters_stay_gsm7(self):
        assert count("Café à Ñoño £5 é ü ß").encoding == "GSM-7"


class TestUcs2Segments:
    @pytest.mark.parametrize("length, parts", [(70, 1), (71, 2), (134, 2), (135, 3)])
    def test_ucs2_fits_70_in_one_part_and_67_per_part(self, length, parts):
        assert count("ক" * length).segments == parts

    def test_one_non_gsm_character_makes_the_whole_message_ucs2(self):
        text = "a" * 69 + "’"
        assert (count(text).encoding, count(text).segments) == ("UCS-2", 1)
        assert count("a" * 70 + "’").segments == 2

    def test_an_emoji_is_two_code_units(self):
        assert count("🙂").units == 2
        assert count("a" * 68 + "🙂").segments == 1
        assert count("a" * 69 + "🙂").segments == 2

    def test_the_characters_that_force_ucs2_can_be_shown_to_an_author(self):
        assert non_gsm7_characters("It’s fine — really 🙂 ’") == ["’", "—", "🙂"]


class TestNormalisation:
    def test_curly_quotes_dashes_ellipsis_and_odd_spaces_become_gsm7(self):
        assert normalise_gsm7("‘It’s’ “fine” – ok — well…\u00a0yes") == "'It's' \"fine\" - ok - well... yes"

    def test_a_normalised_template_costs_one_segment_not_two(self):
        text = "It’s time for your questions – reply when you can…" + "a" * 100
        assert count(text).segments == 3
        assert count(normalise_gsm7(text)).segments == 1

    def test_text_outside_gsm7_that_has_no_equivalent_is_left_alone(self):
        assert normalise_gsm7("আপনি কেমন আছেন") == "আপনি কেমন আছেন"


class TestCost:
    def test_cost_is_segments_times_the_price_per_segment(self):
        assert cost_gbp("a" * 161, 0.04) == Decimal("0.08")
        assert cost_gbp("a" * 160, Decimal("0.0400")) == Decimal("0.0400")

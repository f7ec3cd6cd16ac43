"""NHS numbers and phone numbers (TECH-NOTES § 6; NHS Data Dictionary, NHS number check digit)."""

import pytest

from prom_service.domain.patient_identity import IdentityError, check_nhs_number, normalise_phone


class TestNhsNumber:
    @pytest.mark.parametrize("text", ["9434765919", "943 476 5919", "943-476-5919"])
    def test_a_valid_number_is_accepted_in_any_common_spacing(self, text):
        assert check_nhs_number(text) == "9434765919"

    @pytest.mark.parametrize("text", ["9434765918", "943476591", "94347659190", "abcdefghij", ""])
    def test_a_wrong_check_digit_or_length_is_refused(self, text):
        with pytest.raises(IdentityError):
            check_nhs_number(text)

    def test_a_number_whose_check_would_be_ten_is_refused(self):
        # 1000000010: 1·10 + 1·2 = 12 → 11 − 1 = 10, which no valid number can have.
        with pytest.raises(IdentityError, match="check digit"):
            check_nhs_number("1000000010")


class TestPhone:
    @pytest.mark.parametrize("text", ["07700 900123", "+44 7700 900123", "+447700900123", "(07700) 900-123"])
    def test_the_ofcom_drama_range_normalises_to_a_mobile(self, text):
        phone = normalise_phone(text)
        assert phone.e164 == "+447700900123" and phone.is_mobile

    def test_a_real_format_mobile_is_a_mobile(self):
        assert normalise_phone("07911 123456").is_mobile

    def test_a_landline_is_valid_but_cannot_take_texts(self):
        phone = normalise_phone("020 7946 0000")
        assert phone.e164 == "+442079460000" and not phone.is_mobile

    @pytest.mark.parametrize("text", ["hello", "123", "+44 1"])
    def test_nonsense_is_refused_with_advice(self, text):
        with pytest.raises(IdentityError):
            normalise_phone(text)

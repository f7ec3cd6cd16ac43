"""Licensed instruments: placeholders until an organisation loads wording, then that wording, per language."""

from __future__ import annotations

import json

import pytest

from prom_service.commands.instruments import instruments
from prom_service.db.models import InstrumentWording
from tests.channels.web.conftest import answer, pass_identity
from tests.channels.web.invitations import invite

EQ5D_MO_EN = ("eq5d5l,en,mo,Your mobility TODAY,"
              "No problems|Slight problems|Moderate problems|Severe problems|Unable")
EQ5D_MO_AR = "eq5d5l,ar,mo,قدرتك على الحركة اليوم,لا مشاكل|مشاكل طفيفة|مشاكل متوسطة|مشاكل شديدة|غير قادر"
HEADER = "instrument,language,item_id,text,option_labels"


@pytest.fixture
def load(app, tmp_path):
    def load(*rows: str, name="wording.csv"):
        path = tmp_path / name
        path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
        return app.test_cli_runner().invoke(instruments, ["load-wording", str(path)])
    return load


def first_question(client, parts, **patient):
    invited = invite(parts, instruments=("eq5d5l", "eq_vas"), **patient)
    pass_identity(client, invited.path)
    return invited, client.get(f"{invited.path}/questions/1").get_data(as_text=True)


class TestLoadWordingCommand:
    def test_a_csv_loads_and_reports_what_it_added(self, load, parts):
        result = load(EQ5D_MO_EN, EQ5D_MO_AR)
        assert result.exit_code == 0, result.output
        assert "eq5d5l: ar, en" in result.output and "2 added, 0 replaced" in result.output

    def test_loading_again_replaces(self, load):
        load(EQ5D_MO_EN)
        assert "0 added, 1 replaced" in load(EQ5D_MO_EN).output

    def test_a_bad_row_is_named_and_nothing_is_loaded(self, load, parts):
        result = load(EQ5D_MO_EN, "eq5d5l,en,zz,Text,a|b", "eq5d5l,en,sc,Washing,only one")
        assert result.exit_code != 0
        assert "row 2: item_id: eq5d5l has no item 'zz'" in result.output
        assert "row 3: option_labels: eq5d5l sc has 5 options, got 1 labels" in result.output
        with parts.uow() as uow:
            assert uow.session.query(InstrumentWording).count() == 0

    def test_json_is_read_too(self, app, tmp_path):
        path = tmp_path / "wording.json"
        path.write_text(json.dumps([{"instrument": "eq_vas", "language": "en", "item_id": "vas",
                                     "text": "Your health today, 0 to 100", "option_labels": []}]))
        result = app.test_cli_runner().invoke(instruments, ["load-wording", str(path)])
        assert result.exit_code == 0 and "1 added" in result.output


class TestLicensedWordingOnPages:
    def test_without_loaded_wording_the_page_shows_marked_placeholders(self, client, parts, communities):
        _, text = first_question(client, parts)
        assert "[Licensed wording for EQ-5D-5L item MO — load it with `prom instruments load-wording`]" in text
        assert "prom-placeholder" in text

    def test_loaded_wording_replaces_the_placeholder(self, client, parts, communities, load):
        load(EQ5D_MO_EN)
        _, text = first_question(client, parts)
        assert "Your mobility TODAY" in text and "Slight problems" in text and "[Licensed" not in text

    def test_without_a_translation_the_page_says_so_and_offers_english(self, client, parts, communities, load):
        load(EQ5D_MO_EN)
        _, text = first_question(client, parts, language="ar")
        assert '<html lang="ar" dir="rtl">' in text
        assert "هذه الأسئلة غير متوفرة بلغتك بعد" in text and "?lang=en" in text
        assert 'lang="en" dir="ltr">Your mobility TODAY' in text

    def test_a_loaded_translation_is_shown_in_the_patients_language(self, client, parts, communities, load):
        load(EQ5D_MO_EN, EQ5D_MO_AR)
        _, text = first_question(client, parts, language="ar")
        assert "قدرتك على الحركة اليوم" in text and "غير متوفرة" not in text

    def test_a_wide_numeric_item_takes_a_typed_number_and_checks_its_range(self, client, parts, communities):
        invited, _ = first_question(client, parts)
        for number in range(1, 6):
            answer(client, invited.path, number, 1)
        text = client.get(f"{invited.path}/questions/6").get_data(as_text=True)
        assert 'inputmode="numeric"' in text and "nhsuk-radios" not in text
        refused = answer(client, invited.path, 6, "150").get_data(as_text=True)
        assert "Enter a whole number from 0 to 100" in refused


class TestLanguages:
    @pytest.mark.parametrize("language, words", [("bn", "আপনার জন্মতারিখ কী?"),
                                                 ("so", "Waa maxay taariikhda dhalashadaadu?"),
                                                 ("ar", "ما تاريخ ميلادك؟")])
    def test_the_page_is_in_the_patients_language(self, client, parts, communities, language, words):
        text = client.get(invite(parts, language=language).path).get_data(as_text=True)
        assert words in text and f'<html lang="{language}"' in text

    def test_a_link_switches_the_language_and_it_is_remembered(self, client, parts, communities):
        invited = invite(parts, language="ar")
        assert '<html lang="en" dir="ltr">' in client.get(f"{invited.path}?lang=en").get_data(as_text=True)
        assert '<html lang="en" dir="ltr">' in client.get(invited.path).get_data(as_text=True)

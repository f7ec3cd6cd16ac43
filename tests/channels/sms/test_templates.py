"""SMS templates: every language loads, every template renders, and we know what each costs."""

from __future__ import annotations

from pathlib import Path

import pytest

from prom_service.channels.sms import segments
from prom_service.channels.sms.reply import render_options
from prom_service.channels.sms.templates import SPECS, TemplateError, load_templates, placeholders
from prom_service.settings import CONFIG_DIR

TEMPLATES = load_templates(CONFIG_DIR)
LANGUAGES = sorted(TEMPLATES.languages)
PHQ = [(0, "Not at all"), (1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")]
# Realistic values: a long-ish link and the longest PHQ-9 option set.
SAMPLE = {"programme": "Knee Care", "link": "https://prom.example.nhs.uk/s/AbCdEfGhIjKlMnOpQrSt",
          "count": 9, "number": 3, "total": 9, "text": "Little interest or pleasure in doing things?",
          "contact": "0300 123 4567"}
MOST_SEGMENTS = {"GSM-7": 2, "UCS-2": 3}


def render(name, language):
    lead = TEMPLATES.render("reply_lead", language)
    return TEMPLATES.render(name, language, options=render_options(PHQ, lead=lead), **SAMPLE)


class TestShippedTemplates:
    def test_english_bengali_somali_and_arabic_ship(self):
        assert {"en", "bn", "so", "ar"} <= set(LANGUAGES)

    def test_every_translation_says_whether_a_native_speaker_has_reviewed_it(self):
        assert all(TEMPLATES.review[language] for language in LANGUAGES)

    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("name", sorted(SPECS))
    def test_every_template_renders_within_its_segment_budget(self, language, name, record_property):
        text = render(name, language)
        counted = segments.count(text)
        record_property("segments", f"{language}/{name}: {counted.encoding} {counted.segments}")
        assert "{" not in text and counted.segments <= MOST_SEGMENTS[counted.encoding]

    @pytest.mark.parametrize("name", sorted(SPECS))
    def test_english_and_somali_stay_in_gsm7(self, name):
        assert segments.count(render(name, "en")).encoding == "GSM-7"
        assert segments.count(render(name, "so")).encoding == "GSM-7"

    def test_english_invitation_and_safety_text_read_as_agreed(self):
        assert render("invitation", "en") == ("Knee Care: please answer a few short questions about how you are: "
                                              "https://prom.example.nhs.uk/s/AbCdEfGhIjKlMnOpQrSt Reply STOP to stop")
        assert render("safety", "en") == ("If you are in danger now call 999. For urgent help call NHS 111 or "
                                          "Samaritans 116 123")


class TestRendering:
    def test_a_language_we_do_not_have_falls_back_to_english(self):
        assert TEMPLATES.render("safety", "fr") == TEMPLATES.render("safety", "en")

    def test_values_are_normalised_to_gsm7_too(self):
        text = TEMPLATES.render("complete", "en", programme="St Mary’s – Knee")
        assert "St Mary's - Knee" in text and segments.count(text).encoding == "GSM-7"

    def test_a_missing_value_names_the_placeholder(self):
        with pytest.raises(TemplateError, match=r"invitation: .*\{link\}"):
            TEMPLATES.render("invitation", "en", programme="Knee Care")

    def test_an_unknown_template_name_is_an_error(self):
        with pytest.raises(TemplateError, match="no SMS template"):
            TEMPLATES.render("farewell", "en")


def write_language(tmp_path: Path, language: str, **changes: str) -> Path:
    source = (CONFIG_DIR / "sms_templates" / "en.toml").read_text()
    for name, text in changes.items():
        source = "\n".join(f'{name} = "{text}"' if line.startswith(f"{name} =") else line
                           for line in source.splitlines())
    directory = tmp_path / "sms_templates"
    directory.mkdir(exist_ok=True)
    (directory / f"{language}.toml").write_text(source)
    return tmp_path


class TestLoadingChecksTheFiles:
    def test_a_misspelt_placeholder_fails_naming_file_and_template(self, tmp_path):
        write_language(tmp_path, "en", invitation="{programe}: {link} Reply STOP to stop")
        with pytest.raises(TemplateError, match=r"en\.toml: invitation: missing placeholder \{programme\}"):
            load_templates(tmp_path)

    def test_an_invitation_that_does_not_say_how_to_stop_fails(self, tmp_path):
        write_language(tmp_path, "en", invitation="{programme}: {link}")
        with pytest.raises(TemplateError, match="must contain 'STOP'"):
            load_templates(tmp_path)

    def test_a_language_missing_a_template_fails(self, tmp_path):
        write_language(tmp_path, "en")
        (tmp_path / "sms_templates" / "xx.toml").write_text('[templates]\nsafety = "Call 999"\n')
        with pytest.raises(TemplateError, match=r"xx\.toml: .*invitation: missing"):
            load_templates(tmp_path)

    def test_without_english_nothing_loads(self, tmp_path):
        write_language(tmp_path, "so")
        with pytest.raises(TemplateError, match="no en.toml"):
            load_templates(tmp_path)

    @pytest.mark.parametrize("text", ["{0}", "{a.b}", "{a:>5}", "{a!r}"])
    def test_only_plain_named_placeholders_are_allowed(self, text):
        with pytest.raises(ValueError):
            placeholders(text)

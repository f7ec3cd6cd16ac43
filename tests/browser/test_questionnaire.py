"""A person answers a PHQ-9 in a real browser: on a phone, in stages, with mistakes, without JS, by keyboard."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.journey import choose, pass_identity, progress

NO_RED_FLAG = [1, 0, 2, 1, 1, 0, 1, 1, 0]


def answer_all(page, values, start=1):
    for number, value in enumerate(values, start=start):
        assert progress(page) == f"Question {number} of 9"
        choose(page, value)


class TestOnAPhone:
    def test_a_patient_completes_a_phq9(self, phone, invite_patient, server):
        pass_identity(phone, invite_patient())
        answer_all(phone, NO_RED_FLAG)
        assert phone.inner_text("h1") == "Check your answers before sending them"
        assert phone.locator(".nhsuk-summary-list__row").count() == 9
        phone.click("button[type=submit]")
        assert phone.inner_text(".nhsuk-panel__heading") == "Answers sent"
        assert phone.locator("#safety").count() == 0

    def test_nothing_is_fetched_from_another_origin_and_nothing_breaks_the_policy(self, phone, invite_patient,
                                                                                  server):
        pass_identity(phone, invite_patient())
        choose(phone, 1)
        assert all(url.startswith(server) for url in phone.requests), phone.requests
        assert not [text for text in phone.console if "Content Security Policy" in text]

    def test_the_page_fits_the_screen_without_sideways_scrolling(self, phone, invite_patient):
        pass_identity(phone, invite_patient())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360


class TestSaveAndResume:
    def test_leaving_half_way_and_coming_back_resumes_at_the_next_question(self, chromium, invite_patient):
        link = invite_patient()
        first = chromium.new_context(viewport={"width": 360, "height": 740})
        page = first.new_page()
        pass_identity(page, link)
        answer_all(page, [1, 2, 0, 1])
        first.close()
        later = chromium.new_context(viewport={"width": 360, "height": 740})
        page = later.new_page()
        pass_identity(page, link)
        assert progress(page) == "Question 5 of 9"
        page.click(".nhsuk-back-link")
        assert progress(page) == "Question 4 of 9" and page.is_checked("input[value='1']")
        later.close()


class TestValidation:
    def test_no_option_chosen_shows_the_error_summary_and_focuses_it(self, phone, invite_patient):
        pass_identity(phone, invite_patient())
        choose(phone, 2)
        phone.click("button[type=submit]")
        summary = phone.locator(".nhsuk-error-summary")
        assert summary.is_visible() and "Select how often you have been bothered by" in summary.inner_text()
        assert phone.evaluate("document.activeElement.classList.contains('nhsuk-error-summary')")
        summary.locator("a").click()
        assert phone.evaluate("document.activeElement.id") == "phq9-q2-1"
        screenshot(phone, "en-question-error-phone")


class TestWithoutJavaScript:
    def test_every_step_works_with_javascript_switched_off(self, chromium, invite_patient):
        context = chromium.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        page = context.new_page()
        pass_identity(page, invite_patient())
        choose(page, 1)
        page.click("button[type=submit]")
        assert page.locator(".nhsuk-error-summary").is_visible()
        answer_all(page, [0, 1, 1, 0, 0, 1, 0, 0], start=2)
        page.click("a:has-text('Change') >> nth=2")
        assert progress(page) == "Question 3 of 9"
        choose(page, 3)
        assert "Nearly every day" in page.inner_text(".nhsuk-summary-list")
        page.click("button[type=submit]")
        assert page.inner_text(".nhsuk-panel__heading") == "Answers sent"
        context.close()


class TestKeyboardOnly:
    def tab_to(self, page, selector: str) -> None:
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        pytest.fail(f"Tab never reached {selector}")

    def submit(self, page) -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def test_the_whole_questionnaire_can_be_done_with_the_keyboard(self, chromium, invite_patient):
        context = chromium.new_context()
        page = context.new_page()
        page.goto(invite_patient())
        self.tab_to(page, "#dob-day")
        page.keyboard.type("27")
        page.keyboard.press("Tab")
        page.keyboard.type("3")
        page.keyboard.press("Tab")
        page.keyboard.type("1980")
        self.submit(page)
        for number in range(1, 10):
            assert progress(page) == f"Question {number} of 9"
            self.tab_to(page, "input[name=answer]")
            page.keyboard.press("ArrowDown")
            self.tab_to(page, "button[type=submit]")
            self.submit(page)
        self.tab_to(page, "button[type=submit]")
        self.submit(page)
        assert page.inner_text(".nhsuk-panel__heading") == "Answers sent"
        assert re.search(r"/done$", page.url)
        context.close()

"""Answering on the web: one question a page, save and resume, validation, check and submit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from prom_service.db.models import Alert, Invitation, Score
from tests.channels.web.conftest import answer, form_token, pass_identity

NO_RED_FLAG = [1, 1, 2, 1, 1, 0, 1, 1, 0]
ITEM9_POSITIVE = [1, 1, 2, 1, 1, 0, 1, 1, 1]


@pytest.fixture
def checked(client, invited):
    """The invited patient's browser, past the identity check."""
    pass_identity(client, invited.path)
    return invited


def status_of(parts, invitation_id):
    with parts.uow() as uow:
        return uow.session.get(Invitation, invitation_id).status


def answer_all(client, path, values):
    for number, value in enumerate(values, start=1):
        answer(client, path, number, value)


class TestQuestionPage:
    def test_it_shows_progress_the_question_and_its_options_as_radios(self, client, checked):
        text = client.get(f"{checked.path}/questions/1").get_data(as_text=True)
        assert "Question 1 of 9" in text and "Little interest or pleasure in doing things" in text
        assert text.count('class="nhsuk-radios__input"') == 4 and "More than half the days" in text
        assert "Over the last 2 weeks" in text

    def test_later_questions_have_a_back_link_to_the_one_before(self, client, checked):
        answer(client, checked.path, 1, 0)
        text = client.get(f"{checked.path}/questions/2").get_data(as_text=True)
        assert f'class="nhsuk-back-link" href="{checked.path}/questions/1"' in text

    def test_skipping_ahead_goes_to_the_first_unanswered_question(self, client, checked):
        page = client.get(f"{checked.path}/questions/5")
        assert page.headers["Location"].endswith(f"{checked.path}/questions/1")


class TestSaveAndResume:
    def test_each_answer_is_stored_and_the_invitation_shows_partial(self, client, checked, parts):
        answered = answer(client, checked.path, 1, 2)
        assert answered.status_code == 302
        assert status_of(parts, checked.invitation_id) == "partial"

    def test_coming_back_resumes_at_the_first_unanswered_question(self, client, checked, app):
        answer_all(client, checked.path, [0, 1, 2])
        later = app.test_client()
        pass_identity(later, checked.path)
        assert later.get(checked.path).headers["Location"].endswith(f"{checked.path}/questions/4")

    def test_going_back_shows_the_answer_already_given(self, client, checked):
        answer_all(client, checked.path, [0, 2])
        text = client.get(f"{checked.path}/questions/2").get_data(as_text=True)
        assert 'value="2" checked' in text


class TestValidation:
    def test_no_option_chosen_shows_the_error_summary_saying_what_to_do(self, client, checked):
        page = answer(client, checked.path, 1, None)
        text = page.get_data(as_text=True)
        assert "There is a problem" in text and "nhsuk-form-group--error" in text
        assert "Select how often you have been bothered by “little interest or pleasure in doing things”" in text
        assert f'href="#phq9-q1-1"' in text and "<title>Error:" in text

    def test_a_rejected_answer_loses_nothing_already_given(self, client, checked, parts):
        answer_all(client, checked.path, [1, 2])
        answer(client, checked.path, 3, "7")
        assert client.get(checked.path).headers["Location"].endswith("/questions/3")
        assert 'value="2" checked' in client.get(f"{checked.path}/questions/2").get_data(as_text=True)

    def test_a_post_without_the_form_token_is_refused_and_stores_nothing(self, client, checked, parts):
        refused = client.post(f"{checked.path}/questions/1", data={"answer": "1"})
        assert refused.status_code == 400
        assert status_of(parts, checked.invitation_id) == "planned"


class TestCheckAndSubmit:
    def test_the_last_answer_leads_to_check_your_answers_with_change_links(self, client, checked, parts):
        answer_all(client, checked.path, NO_RED_FLAG)
        page = client.get(f"{checked.path}/check")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "nhsuk-summary-list" in text
        assert text.count(">Change<") == 9 and "Several days" in text
        assert status_of(parts, checked.invitation_id) == "partial"

    def test_changing_an_answer_returns_to_check_your_answers(self, client, checked):
        answer_all(client, checked.path, NO_RED_FLAG)
        changed = answer(client, checked.path, 2, 3)
        assert client.get(changed.headers["Location"]).headers["Location"].endswith("/check")
        assert "Nearly every day" in client.get(f"{checked.path}/check").get_data(as_text=True)

    def test_submitting_scores_at_once_and_confirms(self, client, checked, parts):
        answer_all(client, checked.path, NO_RED_FLAG)
        check = client.get(f"{checked.path}/check")
        sent = client.post(f"{checked.path}/check", data={"form_token": form_token(check)})
        text = client.get(sent.headers["Location"]).get_data(as_text=True)
        assert "Answers sent" in text and "nhsuk-panel" in text and 'id="safety"' not in text
        assert status_of(parts, checked.invitation_id) == "completed"
        with parts.uow() as uow:
            phq9 = uow.session.scalar(select(Score).where(Score.patient_id == checked.patient_id,
                                                          Score.instrument == "phq9"))
        assert phq9.value == 8

    def test_a_red_flag_answer_shows_the_safety_text(self, client, checked, parts):
        answer_all(client, checked.path, ITEM9_POSITIVE)
        check = client.get(f"{checked.path}/check")
        client.post(f"{checked.path}/check", data={"form_token": form_token(check)})
        text = client.get(f"{checked.path}/done").get_data(as_text=True)
        assert 'id="safety"' in text and "Samaritans" in text
        with parts.uow() as uow:
            alerts = uow.session.scalars(select(Alert).where(Alert.patient_id == checked.patient_id)).all()
        assert [alert.severity for alert in alerts] == ["urgent"]

    def test_the_link_then_says_it_was_used_in_another_browser(self, client, checked, app):
        answer_all(client, checked.path, NO_RED_FLAG)
        client.post(f"{checked.path}/check", data={"form_token": form_token(client.get(f"{checked.path}/check"))})
        assert app.test_client().get(checked.path).status_code == 410

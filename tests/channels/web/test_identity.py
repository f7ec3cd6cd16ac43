"""The date-of-birth check before any question, its rate limit and its audit trail."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from prom_service import create_app
from prom_service.db.models import AuditEvent, LinkAttempt
from prom_service.settings import load_settings
from tests.channels.web.conftest import form_token, pass_identity
from tests.channels.web.invitations import invite


def guess(client, path, day="1", month="1", year="1990"):
    page = client.get(path)
    return client.post(path, data={"form_token": form_token(page), "dob-day": day, "dob-month": month,
                                   "dob-year": year})


def audit_actions(parts, patient_id):
    with parts.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.patient_id == patient_id)
                                        .order_by(AuditEvent.id)))


class TestIdentityCheck:
    def test_the_first_page_asks_for_the_date_of_birth_not_a_question(self, client, invited):
        text = client.get(invited.path).get_data(as_text=True)
        assert "What is your date of birth?" in text and "Question 1" not in text

    def test_questions_are_not_shown_before_the_check(self, client, invited):
        page = client.get(f"{invited.path}/questions/1")
        assert page.status_code == 302 and page.headers["Location"].endswith(invited.path)

    def test_the_right_date_opens_the_first_question_and_is_audited(self, client, invited, parts):
        passed = pass_identity(client, invited.path)
        assert passed.status_code == 302
        assert client.get(invited.path).headers["Location"].endswith(f"{invited.path}/questions/1")
        assert audit_actions(parts, invited.patient_id)[-1] == "patient_link.identity_passed"

    def test_a_wrong_date_says_so_and_how_many_tries_are_left(self, client, invited, parts):
        text = guess(client, invited.path).get_data(as_text=True)
        assert "nhsuk-error-summary" in text and "you have 4 more tries" in text
        assert audit_actions(parts, invited.patient_id)[-1] == "patient_link.identity_failed"

    def test_an_impossible_date_is_an_error_that_costs_no_try(self, client, invited, parts):
        text = guess(client, invited.path, day="31", month="2").get_data(as_text=True)
        assert "Date of birth must be a real date" in text
        with parts.uow() as uow:
            assert uow.session.scalars(select(LinkAttempt)).all() == []

    def test_a_missing_month_names_the_month(self, client, invited):
        text = guess(client, invited.path, month="").get_data(as_text=True)
        assert "Date of birth must include a month" in text and 'href="#dob-month"' in text

    def test_the_form_without_its_token_is_refused(self, client, invited):
        client.get(invited.path)
        refused = client.post(invited.path, data={"dob-day": "27", "dob-month": "3", "dob-year": "1980"})
        assert refused.status_code == 400 and "This page was open for too long" in refused.get_data(as_text=True)


class TestRateLimit:
    def test_five_wrong_answers_lock_the_link_for_an_hour(self, client, invited, parts):
        for _ in range(4):
            guess(client, invited.path)
        locked = guess(client, invited.path)
        assert locked.status_code == 429 and "This link is locked for now" in locked.get_data(as_text=True)
        right_but_locked = pass_identity(client, invited.path)
        assert right_but_locked.status_code == 429
        actions = audit_actions(parts, invited.patient_id)
        assert actions.count("patient_link.identity_failed") == 5
        assert actions[-1] == "patient_link.identity_locked"

    def test_the_lock_lifts_after_the_hour(self, client, invited, clock):
        for _ in range(5):
            guess(client, invited.path)
        clock.advance(hours=1, minutes=1)
        assert pass_identity(client, invited.path).status_code == 302

    def test_wrong_answers_spread_over_hours_do_not_lock(self, client, invited, clock):
        for _ in range(5):
            guess(client, invited.path)
            clock.advance(minutes=20)
        assert pass_identity(client, invited.path).status_code == 302


class TestConfiguration:
    @pytest.fixture
    def open_client(self, parts, database, tmp_path):
        settings = load_settings({"environment": "test", "database.url": database.url, "secret_key": "k",
                                  "var_dir": str(tmp_path), "web.identity_check": "none"}, environ={})
        return create_app({"PARTS": dataclasses.replace(parts, settings=settings), "TESTING": True}).test_client()

    def test_with_no_identity_check_the_link_opens_the_first_question(self, open_client, invited):
        assert open_client.get(invited.path).headers["Location"].endswith(f"{invited.path}/questions/1")

    def test_a_patient_without_a_date_of_birth_is_sent_to_the_care_team(self, client, parts, communities):
        invited = invite(parts, date_of_birth=None)
        page = client.get(invited.path)
        assert page.status_code == 403 and "We cannot check it is you" in page.get_data(as_text=True)

    def test_an_unknown_identity_check_stops_start_up(self, parts, database, tmp_path):
        from prom_service.settings import ConfigError

        settings = load_settings({"environment": "test", "database.url": database.url, "secret_key": "k",
                                  "var_dir": str(tmp_path), "web.identity_check": "postcode"}, environ={})
        with pytest.raises(ConfigError, match="PROM_WEB_IDENTITY_CHECK"):
            create_app({"PARTS": dataclasses.replace(parts, settings=settings)})

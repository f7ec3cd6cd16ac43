"""Link states and security headers: a link that cannot be used gets a kind page, never an error page."""

from __future__ import annotations

from flask import Response

from prom_service.channels.web.headers import secure
from prom_service.db.models import Invitation
from prom_service.services.invitation_planning import record_transition
from tests.channels.web.conftest import pass_identity


def set_status(parts, invitation_id: int, status: str) -> None:
    with parts.uow() as uow:
        invitation = uow.session.get(Invitation, invitation_id)
        record_transition(uow, invitation, invitation.status, status, "test", parts.clock.now())
        uow.commit()


class TestLinkStates:
    def test_an_unknown_token_gets_a_kind_404_saying_what_to_do(self, client):
        page = client.get("/s/not-a-real-token")
        assert page.status_code == 404
        text = page.get_data(as_text=True)
        assert "This link does not work" in text and "contact your care team" in text
        assert "Traceback" not in text

    def test_an_expired_invitation_gets_a_410_page(self, client, invited, clock):
        clock.advance(days=30)
        page = client.get(invited.path)
        assert page.status_code == 410 and "This questionnaire has closed" in page.get_data(as_text=True)

    def test_an_expired_status_gets_the_same_page(self, client, invited, parts):
        set_status(parts, invited.invitation_id, "expired")
        assert "This questionnaire has closed" in client.get(invited.path).get_data(as_text=True)

    def test_a_cancelled_invitation_says_it_is_no_longer_needed(self, client, invited, parts):
        set_status(parts, invited.invitation_id, "cancelled")
        page = client.get(invited.path)
        assert page.status_code == 410
        assert "You do not need to answer this questionnaire" in page.get_data(as_text=True)

    def test_a_used_link_says_it_was_already_answered(self, client, invited, parts):
        set_status(parts, invited.invitation_id, "completed")
        page = client.get(f"{invited.path}/questions/1")
        assert page.status_code == 410
        assert "You have already answered this questionnaire" in page.get_data(as_text=True)

    def test_the_kind_page_speaks_the_language_asked_for(self, client):
        page = client.get("/s/not-a-real-token?lang=ar")
        text = page.get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in text and "هذا الرابط لا يعمل" in text


class TestSecurityHeaders:
    def test_patient_pages_send_the_strict_headers(self, client, invited):
        headers = client.get(invited.path).headers
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "Strict-Transport-Security" not in headers

    def test_error_and_redirect_responses_carry_them_too(self, client, invited):
        assert client.get("/s/nope").headers["Cache-Control"] == "no-store"
        pass_identity(client, invited.path)
        assert client.get(invited.path).headers["Referrer-Policy"] == "no-referrer"

    def test_production_adds_hsts(self):
        assert "max-age=" in secure(Response(), production=True).headers["Strict-Transport-Security"]

    def test_pages_load_nothing_from_another_origin(self, client):
        text = client.get("/s/not-a-real-token").get_data(as_text=True)
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in text and "<script>" not in text

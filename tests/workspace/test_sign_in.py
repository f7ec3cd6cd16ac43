"""Signing in: argon2 passwords, lock-out, sessions, CSRF on every form, and the `prom user` command."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from prom_service.cli import cli
from prom_service.db.models import User
from prom_service.services.demo import DEMO_EMAIL
from tests.workspace.conftest import PASSWORD, audit_rows, csrf, sign_in


class TestSignIn:
    def test_the_right_password_starts_a_session_and_goes_to_the_caseload(self, client, world):
        response = sign_in(client)
        assert response.status_code == 302 and response.headers["Location"] == "/team/"
        assert client.get("/team/").status_code == 200

    def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(self, client, world):
        wrong = sign_in(client, password="not the password")
        unknown = sign_in(client, email="nobody@example.org")
        assert wrong.status_code == unknown.status_code == 401
        assert "Enter the email address and password" in wrong.get_data(as_text=True)
        assert "Enter the email address and password" in unknown.get_data(as_text=True)

    def test_every_attempt_is_audited_with_where_it_came_from(self, client, parts, world):
        sign_in(client, password="not the password")
        sign_in(client)
        actions = [row.action for row in audit_rows(parts, actor_id=str(world.north_user_id))]
        assert actions[:2] == ["sign_in.refused", "sign_in.succeeded"]
        assert audit_rows(parts, action="sign_in.succeeded")[0].remote_addr == "127.0.0.1"

    def test_the_session_cookie_is_http_only_and_same_site_lax(self, client, world):
        cookie = sign_in(client).headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    def test_after_signing_in_the_user_goes_back_to_the_page_they_asked_for(self, client, world):
        asked = client.get("/team/alerts")
        assert asked.status_code == 302 and "/team/sign-in?next=/team/alerts" in asked.headers["Location"]
        assert sign_in(client, next="/team/alerts").headers["Location"] == "/team/alerts"

    def test_a_next_address_on_another_site_is_ignored(self, client, world):
        assert sign_in(client, next="//evil.example/team/").headers["Location"] == "/team/"


class TestLockOut:
    def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(self, client, world):
        for _ in range(4):
            assert sign_in(client, password="wrong password").status_code == 401
        assert sign_in(client, password="wrong password").status_code == 429
        locked = sign_in(client)
        assert locked.status_code == 429 and "locked for 15 minutes" in locked.get_data(as_text=True)

    def test_the_lock_lifts_after_fifteen_minutes(self, client, clock, world):
        for _ in range(5):
            sign_in(client, password="wrong password")
        clock.advance(minutes=15, seconds=1)
        assert sign_in(client).status_code == 302

    def test_a_successful_sign_in_resets_the_count_of_failures(self, client, parts, world):
        for _ in range(4):
            sign_in(client, password="wrong password")
        sign_in(client)
        with parts.uow() as uow:
            assert uow.session.scalar(select(User.failed_logins).where(User.email == DEMO_EMAIL)) == 0


class TestSession:
    def test_signing_out_ends_the_session(self, client, world):
        sign_in(client)
        assert client.post("/team/sign-out", data={"csrf_token": csrf(client)}).status_code == 302
        assert client.get("/team/").status_code == 302

    def test_a_session_idle_for_over_an_hour_ends(self, client, clock, world):
        sign_in(client)
        clock.advance(minutes=61)
        assert client.get("/team/").headers["Location"].startswith("/team/sign-in")

    def test_a_deactivated_account_loses_access_at_its_next_request(self, client, parts, world):
        sign_in(client)
        with parts.uow() as uow:
            uow.session.execute(update(User).where(User.id == world.north_user_id).values(is_active=False))
            uow.commit()
        assert client.get("/team/").status_code == 302


class TestCsrf:
    def test_a_form_posted_without_the_token_is_refused_and_changes_nothing(self, client, world):
        sign_in(client)
        response = client.post(f"/team/alerts/{_north_alert(client)}/acknowledge")
        assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
        assert "Open" in client.get(f"/team/alerts/{_north_alert(client)}").get_data(as_text=True)

    def test_a_token_from_another_session_is_refused(self, app, client, world):
        other = app.test_client()
        sign_in(other)
        sign_in(client)
        response = client.post(f"/team/alerts/{_north_alert(client)}/acknowledge", data={"csrf_token": csrf(other)})
        assert response.status_code == 400

    def test_signing_in_needs_the_token_too(self, client, world):
        client.get("/team/sign-in")
        response = client.post("/team/sign-in", data={"email": DEMO_EMAIL, "password": PASSWORD})
        assert response.status_code == 400

    def test_signing_in_issues_a_new_token(self, client, world):
        client.get("/team/sign-in")
        before = csrf(client)
        sign_in(client)
        assert csrf(client) != before


class TestUserCommand:
    def test_prom_user_create_prints_a_password_once_that_signs_in(self, app, client, world):
        result = app.test_cli_runner().invoke(cli, args=[
            "user", "create", "--email", "Nurse@Example.org", "--name", "Nia Nurse", "--role", "coordinator",
            "--team", "camden_north"])
        assert result.exit_code == 0, result.output
        password = next(line.split()[-1] for line in result.output.splitlines() if line.startswith("password:"))
        assert sign_in(client, email="nurse@example.org", password=password).status_code == 302

    def test_an_unknown_role_is_refused(self, app, world):
        result = app.test_cli_runner().invoke(cli, args=[
            "user", "create", "--email", "x@example.org", "--name", "X", "--role", "superuser", "--team", "t"])
        assert result.exit_code != 0 and "superuser" in result.output

    def test_a_typed_password_is_not_printed(self, app, world):
        result = app.test_cli_runner().invoke(cli, args=[
            "user", "create", "--email", "y@example.org", "--name", "Y", "--role", "admin", "--team", "t",
            "--prompt-password"], input="a long enough password\na long enough password\n")
        assert result.exit_code == 0 and "a long enough password" not in result.output


def _north_alert(client) -> int:
    page = client.get("/team/alerts").get_data(as_text=True)
    return int(re.search(r'data-alert-id="(\d+)"', page).group(1))

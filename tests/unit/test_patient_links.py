"""Patient links as a service: unguessable, stored hashed, one invitation each, and rate-limited checks."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from prom_service.db.models import Invitation, LinkAttempt
from prom_service.services import patient_links
from prom_service.services.errors import Conflict, NotFound
from tests.channels.web.invitations import BORN, invite


def token_of(link: str) -> str:
    return urlsplit(link).path.rsplit("/", 1)[1]


def issue(parts, invitation_id, **kwargs) -> str:
    with parts.uow() as uow:
        link = patient_links.issue_link(uow, invitation_id, parts.clock.now(), "https://proms.example.org/", **kwargs)
        uow.commit()
    return link


def opened(parts, token):
    with parts.uow() as uow:
        return patient_links.open_link(uow, token, parts.clock.now())


@pytest.fixture
def invitation_id(parts, communities):
    return invite(parts).invitation_id


class TestIssueLink:
    def test_the_link_is_built_on_the_public_url_with_a_long_random_token(self, parts, invitation_id):
        link = issue(parts, invitation_id)
        assert link.startswith("https://proms.example.org/s/")
        assert len(token_of(link)) >= 32  # 24 random bytes: 192 bits, base64url

    def test_only_the_sha256_of_the_token_is_stored(self, parts, invitation_id):
        token = token_of(issue(parts, invitation_id))
        with parts.uow() as uow:
            stored = uow.session.get(Invitation, invitation_id).token_hash
        assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored

    def test_issuing_again_replaces_the_old_token(self, parts, invitation_id):
        old, new = token_of(issue(parts, invitation_id)), token_of(issue(parts, invitation_id))
        assert old != new
        assert opened(parts, old).reason == "unknown" and opened(parts, new).is_open

    def test_a_secret_gives_the_same_link_every_time_so_reminders_keep_it(self, parts, invitation_id):
        first = issue(parts, invitation_id, link_secret="s3cret")
        assert issue(parts, invitation_id, link_secret="s3cret") == first and len(token_of(first)) >= 32

    def test_it_works_inside_the_callers_unit_of_work_and_commits_nothing_itself(self, parts, invitation_id):
        with parts.uow() as uow:
            token = token_of(patient_links.issue_link(uow, invitation_id, parts.clock.now(), "http://x"))
        assert opened(parts, token).reason == "unknown"

    def test_closed_or_missing_invitations_get_no_link(self, parts, invitation_id):
        with parts.uow() as uow:
            with pytest.raises(NotFound):
                patient_links.issue_link(uow, 10**9, parts.clock.now(), "http://x")
            uow.session.get(Invitation, invitation_id).status = "completed"
            with pytest.raises(Conflict):
                patient_links.issue_link(uow, invitation_id, parts.clock.now(), "http://x")


class TestOpenLink:
    def test_an_open_invitation_opens(self, parts, invitation_id):
        state = opened(parts, token_of(issue(parts, invitation_id)))
        assert state.is_open and state.invitation.id == invitation_id

    def test_a_link_opens_only_its_own_invitation(self, parts, communities):
        first, second = invite(parts), invite(parts)
        assert opened(parts, token_of(first.path)).invitation.id == first.invitation_id
        assert opened(parts, token_of(second.path)).invitation.id == second.invitation_id

    def test_past_its_expiry_the_link_is_expired(self, parts, invitation_id, clock):
        token = token_of(issue(parts, invitation_id))
        clock.advance(days=30)
        assert opened(parts, token).reason == "expired"

    @pytest.mark.parametrize("status, reason", [("completed", "completed"), ("cancelled", "cancelled"),
                                                ("expired", "expired"), ("failed", "expired")])
    def test_a_closed_invitation_gives_its_reason(self, parts, invitation_id, status, reason):
        token = token_of(issue(parts, invitation_id))
        with parts.uow() as uow:
            uow.session.get(Invitation, invitation_id).status = status
            uow.commit()
        assert opened(parts, token).reason == reason


class TestCheckIdentity:
    def check(self, parts, invitation_id, born=date(1990, 1, 1)):
        return patient_links.check_identity(parts.uow(), invitation_id, born, parts.clock.now(), "127.0.0.1")

    def test_the_right_date_passes_and_is_recorded(self, parts, invitation_id):
        assert self.check(parts, invitation_id, BORN).passed
        with parts.uow() as uow:
            assert [a.succeeded for a in uow.session.scalars(select(LinkAttempt))] == [True]

    def test_wrong_dates_count_down_then_lock_for_an_hour(self, parts, invitation_id, clock):
        results = [self.check(parts, invitation_id) for _ in range(5)]
        assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
        assert results[-1].reason == "locked" and results[-1].locked_until == clock.now() + patient_links.LOCKED_FOR
        assert self.check(parts, invitation_id, BORN).reason == "locked"

    def test_a_right_answer_resets_the_count(self, parts, invitation_id):
        for _ in range(4):
            self.check(parts, invitation_id)
        self.check(parts, invitation_id, BORN)
        assert self.check(parts, invitation_id).attempts_left == 4

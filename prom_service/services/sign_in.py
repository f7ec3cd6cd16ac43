"""Care-team sign-in: argon2 passwords, lock-out after repeated failures, and who a signed-in user is.

A wrong password and an unknown email give the same answer and take the same time (a dummy hash is
checked), so the form never tells anyone which emails have accounts. Every attempt is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from prom_service.db.models import TeamMembership, User
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import audit
from prom_service.services.access import Actor
from prom_service.services.care_team import password_hasher

# Checked when the email is unknown, so that answer takes as long as a wrong password.
_DUMMY_HASH = password_hasher.hash("not a password anyone has")
ANONYMOUS = Actor(kind="anonymous", id="-", team_ids=frozenset())


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong passwords in a row lock an account, and for how long."""

    max_failures: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_settings(cls, settings) -> "LockoutPolicy":
        return cls(settings["workspace.max_failed_sign_ins"], settings["workspace.lock_minutes"])


@dataclass(frozen=True)
class SignIn:
    """The user signed in (`reason` None), or why not: `refused` (email or password) or `locked`."""

    user_id: int | None
    reason: str | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class WorkspaceUser:
    """A signed-in care-team member: who they are, their role, and the teams whose patients they see."""

    id: int
    name: str
    email: str
    role: str
    team_ids: frozenset[int]

    @property
    def actor(self) -> Actor:
        return Actor(kind="user", id=str(self.id), team_ids=self.team_ids, scopes=frozenset({self.role}))


def sign_in(
    uow: UnitOfWork, email: str, password: str, now: datetime, policy: LockoutPolicy, remote_addr: str | None = None,
) -> SignIn:
    """Check the password; count failures, lock after `policy.max_failures`, and audit the attempt."""
    with uow:
        user = uow.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None or not user.is_active:
            _verify(_DUMMY_HASH, password)
            audit.record(uow, ANONYMOUS, "sign_in.refused", now, target=f"email:{email.strip().lower()[:190]}",
                         remote_addr=remote_addr)
            uow.commit()
            return SignIn(None, "refused")
        result = _attempt(uow, user, password, now, policy)
        actor = Actor(kind="user", id=str(user.id), team_ids=frozenset())
        audit.record(uow, actor, "sign_in." + (result.reason or "succeeded"), now, target=f"user:{user.id}",
                     remote_addr=remote_addr)
        uow.commit()
        return result


def _attempt(uow: UnitOfWork, user: User, password: str, now: datetime, policy: LockoutPolicy) -> SignIn:
    if user.locked_until is not None and user.locked_until > now:
        return SignIn(None, "locked", user.locked_until)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= policy.max_failures:
            user.failed_logins, user.locked_until = 0, now + timedelta(minutes=policy.lock_minutes)
            return SignIn(None, "locked", user.locked_until)
        return SignIn(None, "refused")
    user.failed_logins, user.locked_until = 0, None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
    return SignIn(user.id)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def workspace_user(uow: UnitOfWork, user_id: int) -> WorkspaceUser | None:
    """The user with their teams, or None when the account no longer exists or was deactivated."""
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.is_active:
            return None
        teams = uow.session.scalars(select(TeamMembership.team_id).where(TeamMembership.user_id == user_id)).all()
        return WorkspaceUser(user.id, user.name, user.email, user.role, frozenset(teams))


def record_sign_out(uow: UnitOfWork, user: WorkspaceUser, now: datetime, remote_addr: str | None = None) -> None:
    with uow:
        audit.record(uow, user.actor, "sign_out", now, target=f"user:{user.id}", remote_addr=remote_addr)
        uow.commit()

"""Care teams and their members: creation, passwords hashed with argon2."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from argon2 import PasswordHasher
from sqlalchemy import select

from prom_service.db.models import Team, TeamMembership, User
from prom_service.db.models.team import ROLES
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.errors import Conflict, InvalidInput

password_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12


def ensure_team(uow: UnitOfWork, code: str, name: str, now: datetime) -> Team:
    """Return the team with `code`, creating it if new (inside the caller's unit of work)."""
    team = uow.session.scalar(select(Team).where(Team.code == code))
    if team is None:
        team = Team(code=code, name=name, created_at=now)
        uow.session.add(team)
        uow.session.flush()
    return team


def create_user(
    uow: UnitOfWork, *, email: str, name: str, role: str, password: str, team_codes: Sequence[str], now: datetime
) -> int:
    """Create a workspace user in the given teams; refuse weak passwords and unknown roles."""
    _check_new_user(email, role, password)
    with uow:
        if uow.session.scalar(select(User).where(User.email == email.lower())):
            raise Conflict(f"a user with email {email.lower()} already exists")
        user = User(email=email.lower(), name=name, role=role, password_hash=password_hasher.hash(password),
                    created_at=now)
        uow.session.add(user)
        uow.session.flush()
        for code in team_codes:
            team = ensure_team(uow, code, code.replace("_", " ").title(), now)
            uow.session.add(TeamMembership(team_id=team.id, user_id=user.id))
        uow.commit()
        return user.id


def _check_new_user(email: str, role: str, password: str) -> None:
    errors = {}
    if "@" not in email:
        errors["email"] = "must be an email address"
    if role not in ROLES:
        errors["role"] = f"must be one of {', '.join(ROLES)}"
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if errors:
        raise InvalidInput(errors)

"""API keys for other systems: shown once, stored as a hash, scoped, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select

from prom_service.db.models import ApiClient, Team
from prom_service.db.models.api_client import SCOPES
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.errors import InvalidInput, NotFound

KEY_PREFIX = "prom"


@dataclass(frozen=True)
class IssuedKey:
    client_id: int
    key: str
    scopes: tuple[str, ...]


def hash_key(key: str) -> str:
    """SHA-256 suffices: keys carry 190 random bits, so there is nothing to brute-force."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    uow: UnitOfWork, name: str, scopes: Sequence[str], now, team_code: str | None = None
) -> IssuedKey:
    """Issue a key; the plain key exists only in the return value."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput({"scopes": f"unknown or missing scopes {unknown}; choose from {', '.join(SCOPES)}"})
    if not name.strip():
        raise InvalidInput({"name": "a name is required so the key can be recognised and revoked"})
    with uow:
        team_id = _team_id(uow, team_code)
        prefix = secrets.token_hex(4)
        key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(24)}"
        client = ApiClient(
            name=name.strip(), key_prefix=prefix, key_hash=hash_key(key), scopes=sorted(set(scopes)),
            team_id=team_id, created_at=now,
        )
        uow.session.add(client)
        uow.commit()
        return IssuedKey(client.id, key, tuple(client.scopes))


def _team_id(uow: UnitOfWork, team_code: str | None) -> int | None:
    if team_code is None:
        return None
    team = uow.session.scalar(select(Team).where(Team.code == team_code))
    if team is None:
        raise NotFound(f"no team with code {team_code!r}")
    return team.id


def authenticate(uow: UnitOfWork, key: str) -> ApiClient | None:
    """Return the live client owning `key`, or None; constant-time on the hash."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    client = uow.session.scalar(select(ApiClient).where(ApiClient.key_prefix == parts[1]))
    if client is None or client.revoked_at is not None:
        return None
    return client if hmac.compare_digest(client.key_hash, hash_key(key)) else None


def revoke_api_key(uow: UnitOfWork, client_id: int, now) -> None:
    with uow:
        client = uow.session.get(ApiClient, client_id)
        if client is None:
            raise NotFound(f"no API client {client_id}")
        client.revoked_at = client.revoked_at or now
        uow.commit()

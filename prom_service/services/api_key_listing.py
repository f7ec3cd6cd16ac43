"""What an operator sees of the issued API keys: who they are for, what they may do, whether they are used.

Never the key or its hash: the key exists only when it is issued, and the hash is of no use to a reader.
"Last used" is the newest audit row of the client (every API call is audited), or `last_used_at` when
something has stamped it, whichever is later; so it needs no write on the request path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from prom_service.db.models import ApiClient, AuditEvent, Team
from prom_service.db.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ListedKey:
    id: int
    name: str
    scopes: tuple[str, ...]
    team: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_api_keys(uow: UnitOfWork, *, include_revoked: bool = True) -> list[ListedKey]:
    """Every API client, oldest first, with its team code and when it was last used."""
    last_call = (select(AuditEvent.actor_id, func.max(AuditEvent.at).label("at"))
                 .where(AuditEvent.actor_type == "api_client").group_by(AuditEvent.actor_id).subquery())
    query = (select(ApiClient.id, ApiClient.name, ApiClient.scopes, Team.code, ApiClient.created_at,
                    ApiClient.last_used_at, last_call.c.at, ApiClient.revoked_at)
             .outerjoin(Team, Team.id == ApiClient.team_id)
             .outerjoin(last_call, last_call.c.actor_id == func.cast(ApiClient.id, AuditEvent.actor_id.type))
             .order_by(ApiClient.id))
    if not include_revoked:
        query = query.where(ApiClient.revoked_at.is_(None))
    with uow:
        rows = uow.session.execute(query).all()
    return [ListedKey(row[0], row[1], tuple(row[2] or ()), row[3], row[4], _later(row[5], row[6]), row[7])
            for row in rows]


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    known = [moment for moment in (first, second) if moment is not None]
    return max(known, key=_comparable) if known else None


def _comparable(moment: datetime) -> datetime:
    """A value the column type did not convert may come back naive; ours are all UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

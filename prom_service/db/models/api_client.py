"""Other systems that call the API, each with a hashed key and scopes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import created_at_column, id_column

SCOPES = ("read:scores", "write:patients", "write:responses", "write:costs", "read:reports", "admin")


class ApiClient(Base):
    __tablename__ = "api_clients"

    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(200))
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[Any]]
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

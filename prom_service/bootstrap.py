"""The one place where concrete parts are built from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from prom_service.clock import Clock, SystemClock
from prom_service.db.engine import build_engine
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.settings import Settings


@dataclass
class Parts:
    """Everything a service needs from the outside world, chosen by configuration."""

    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    clock: Clock = field(default_factory=SystemClock)

    def uow(self) -> UnitOfWork:
        """Start a new unit of work; nothing is written unless it commits."""
        return UnitOfWork(self.session_factory)


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: Callable[[], Session] | None = None,
    clock: Clock | None = None,
) -> Parts:
    """Build the parts; tests pass their own engine, session factory or clock."""
    engine = engine or build_engine(
        settings["database.url"],
        echo=settings["database.echo"],
        busy_timeout_ms=settings["database.sqlite_busy_timeout_ms"],
        pool_size=settings["database.pool_size"],
    )
    factory = session_factory or sessionmaker(bind=engine, expire_on_commit=False)
    return Parts(settings=settings, engine=engine, session_factory=factory, clock=clock or SystemClock())

"""A unit of work per use case: it rolls back unless the service says commit."""

from __future__ import annotations

from types import TracebackType
from typing import Callable

from sqlalchemy.orm import Session


class UnitOfWork:
    """Wrap one session; `with uow:` begins, `uow.commit()` commits, leaving without it rolls back."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.session is not None
        try:
            # Detach first so rows read here keep their loaded values for the caller to present.
            self.session.expunge_all()
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        assert self.session is not None, "commit() outside `with uow:`"
        self.session.commit()

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()

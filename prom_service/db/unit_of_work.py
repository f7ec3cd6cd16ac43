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


class JoinedUnitOfWork:
    """A unit of work already begun by its owner (an API request's, see `api.auth`), lent to a service.

    `with` neither begins nor ends it, and leaving it without error leaves the transaction to the owner,
    who commits or rolls back. So lend it only to services that write nothing of their own (a read whose
    audit row the owner commits with it); leaving on an error rolls the whole transaction back, so
    nothing a failed service did can be committed with what the owner writes next.
    """

    def __init__(self, owner: UnitOfWork) -> None:
        self._owner = owner

    @property
    def session(self) -> Session | None:
        return self._owner.session

    def __enter__(self) -> "JoinedUnitOfWork":
        assert self._owner.session is not None, "the owner's unit of work has not begun"
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self._owner.session.rollback()

    def commit(self) -> None:
        self._owner.commit()

    def flush(self) -> None:
        self._owner.flush()

"""What a use case can refuse, in words every entry point (API, SMS, pages, CLI) can translate."""

from __future__ import annotations

from typing import Mapping, Sequence


class ServiceError(Exception):
    """A use case refused; the message is safe to show to the caller."""


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Bad values, with a message per field so callers can say exactly what to fix."""

    def __init__(self, errors: Mapping[str, Sequence[str] | str], message: str | None = None) -> None:
        self.errors = {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()}
        super().__init__(message or "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(self.errors.items())))

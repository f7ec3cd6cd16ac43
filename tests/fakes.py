"""Fakes that record what they did, for driving services in tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at or datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


class FakeSmsSender:
    """An SMS sender that records what it sent and fails as a test programs it to; safe to call from the
    several threads a worker sends in."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (to, body, idempotency_key)
        self.failures: list = []
        self._lock = threading.Lock()

    def fail_next(self, failure) -> None:
        self.failures.append(failure)

    def send(self, to, body, *, status_callback, idempotency_key):
        from prom_service.channels.sms.segments import count
        from prom_service.channels.sms.sender import SendResult

        with self._lock:
            if self.failures:
                raise self.failures.pop(0)
            self.sent.append((to, body, idempotency_key))
            reference = f"SM{len(self.sent):032x}"
        return SendResult(provider_ref=reference, status="queued", segments=count(body).segments)

"""A token bucket: at most `rate` units per second on average, bursts up to `capacity`.

Twilio meters a sender in message segments per second, so callers take one token per segment.
"""

from __future__ import annotations

import time
from typing import Callable


class TokenBucket:
    def __init__(self, rate: float, capacity: float | None = None, clock: Callable[[], float] = time.monotonic):
        if rate <= 0:
            raise ValueError("rate must be above 0")
        self.rate, self.capacity, self._clock = rate, capacity or rate, clock
        self._tokens, self._at = self.capacity, clock()

    def take(self, amount: float = 1) -> float:
        """Take `amount` tokens; return how many seconds to wait before acting (0 when none)."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        self._at = now
        self._tokens -= amount
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

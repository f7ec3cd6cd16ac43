"""The send rate: how long a worker waits before its next text so the fleet keeps to Twilio's limit.

Twilio meters a sender in segments per second, however many of our workers send through it, so on
PostgreSQL the limit is one schedule shared by every worker: a generic cell rate algorithm (GCRA) on
one row of `send_rate`. A send of n segments reserves the next n/rate seconds of that schedule in one
short statement, ``next_slot = greatest(next_slot, now - burst) + n/rate``, and the worker sleeps
until its reservation starts. No lock is held while sleeping and workers never wait for each other
beyond that one row update. Slots nobody used are saved up for at most `burst` seconds, so a worker
delayed by a busy CPU catches up instead of losing the fleet's time, and after an idle spell the
fleet may send at most `burst` seconds' worth at once (Twilio queues that, as it does a token burst).
Database time is used on both sides of the subtraction, so the workers' own clocks do not matter.

SQLite runs one worker (it has one writer), so the process's own token bucket is exact there and costs
no round trip.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Protocol

from sqlalchemy import Engine, Interval, bindparam, func
from sqlalchemy.dialects.postgresql import insert

from prom_service.db.models.send_rate import SendRate
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.token_bucket import TokenBucket

SMS = "sms"


class SendPace(Protocol):
    def take(self, amount: float = 1) -> float:
        """Reserve `amount` segments; return the seconds to wait before sending them."""


@dataclass
class FleetSendRate:
    """`rate` segments per second across every worker sharing the database.

    One round trip reserves `reservation_seconds` of the schedule at a time (at least the segments asked
    for), handed out locally one slot after another: at a high limit a worker then pays one UPDATE per
    `reservation_seconds` rather than one per text, while a slot is still never used before its time.
    """

    make_uow: Callable[[], UnitOfWork]
    rate: float
    reservation_seconds: float = 0.05
    burst_seconds: float = 0.0
    name: str = SMS
    clock: Callable[[], float] = time.monotonic
    _reserved: float = field(default=0.0, init=False)
    _next_at: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("rate must be above 0")

    def take(self, amount: float = 1) -> float:
        if self._reserved < amount:
            self._reserved = self._stretch(amount)
            self._next_at = self.clock() + self._reserve(self._reserved)
        start = self._next_at
        self._reserved -= amount
        self._next_at += amount / self.rate
        return max(start - self.clock(), 0.0)

    def _stretch(self, amount: float) -> float:
        """Whole texts of `amount` segments filling about `reservation_seconds`, at least one: a slot left
        over that is too small for the next text would be lost to the whole fleet."""
        return amount * max(1, math.floor(self.rate * self.reservation_seconds / amount))

    def _reserve(self, segments: float) -> float:
        """Seconds until the first of `segments` newly reserved slots starts."""
        with self.make_uow() as uow:
            wait = uow.session.execute(_reserve(self.name), {
                "cost": timedelta(seconds=segments / self.rate), "burst": timedelta(seconds=self.burst_seconds)}).scalar_one()
            uow.commit()
        return max(float(wait), 0.0)


def _reserve(name: str):
    """Append `cost` to the schedule (creating its row on first use); return seconds until our slot starts."""
    now, cost, burst = func.clock_timestamp(), bindparam("cost", type_=Interval()), bindparam("burst", type_=Interval())
    statement = insert(SendRate).values(name=name, next_slot=now + cost)
    statement = statement.on_conflict_do_update(
        index_elements=[SendRate.name], set_={"next_slot": func.greatest(SendRate.next_slot, now - burst) + cost})
    return statement.returning(func.extract("epoch", SendRate.next_slot - cost - now))


def send_pace(engine: Engine, make_uow: Callable[[], UnitOfWork], settings) -> SendPace:
    """The fleet-wide schedule on PostgreSQL; the process's own bucket on SQLite, where one worker runs."""
    rate = settings["sms.max_segments_per_second"]
    if engine.dialect.name == "postgresql":
        return FleetSendRate(make_uow, rate, settings["sms.rate_reservation_seconds"], settings["sms.rate_burst_seconds"])
    return TokenBucket(rate)

"""One send rate for the whole fleet: Twilio meters the sender, not each of our worker processes.

On PostgreSQL every worker reserves its slots on one shared schedule row; four real worker processes
sending through the real twilio client to the fake Twilio keep, together, to the configured limit.
On SQLite (one worker) the process's own token bucket is kept.
"""

import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from prom_service.channels.sms import segments
from prom_service.domain.token_bucket import TokenBucket
from prom_service.services.send_rate import FleetSendRate, send_pace
from tests.fake_twilio import FakeTwilio
from tests.integration.test_dispatch_concurrency import outbox_states, seed, start_worker, worker_env


@dataclass
class ArrivalTimes(FakeTwilio):
    """The fake Twilio, noting when each request arrived."""

    arrivals: list[float] = field(default_factory=list)

    def answer(self, path, form, headers):
        self.arrivals.append(time.monotonic())
        return super().answer(path, form, headers)


class FrozenClock:
    """Local time that stands still, so only the shared schedule (database time) moves the waits."""

    def __call__(self) -> float:
        return 100.0


class TestSchedule:
    @pytest.mark.postgres_only
    def test_two_workers_share_one_schedule(self, parts):
        first, second = (FleetSendRate(parts.uow, rate=1, reservation_seconds=0, name="t1", clock=FrozenClock())
                         for _ in range(2))
        waits = [first.take(), second.take(), first.take(), second.take()]
        assert waits == pytest.approx([0.0, 1.0, 2.0, 3.0], abs=0.25), "one slot a second, taken in turn"

    @pytest.mark.postgres_only
    def test_a_long_text_takes_a_slot_per_segment(self, parts):
        rate = FleetSendRate(parts.uow, rate=1, reservation_seconds=0, name="t2", clock=FrozenClock())
        assert rate.take(3) == 0.0
        assert rate.take() == pytest.approx(3.0, abs=0.25)

    @pytest.mark.postgres_only
    def test_one_round_trip_reserves_a_stretch_the_next_worker_waits_behind(self, parts):
        first = FleetSendRate(parts.uow, rate=10, reservation_seconds=5, name="t3", clock=FrozenClock())
        second = FleetSendRate(parts.uow, rate=10, reservation_seconds=5, name="t3", clock=FrozenClock())
        assert [first.take() for _ in range(3)] == pytest.approx([0.0, 0.1, 0.2]), "handed out locally"
        assert second.take() == pytest.approx(5.0, abs=0.25), "behind the first worker's 50 reserved slots"

    @pytest.mark.postgres_only
    def test_a_reserved_stretch_holds_whole_texts_so_no_slot_is_lost(self, parts):
        rate = FleetSendRate(parts.uow, rate=50, reservation_seconds=0.05, name="t5", clock=FrozenClock())
        taken = [(rate.take(2), time.monotonic()) for _ in range(4)]
        # Each take is its own round trip, so database time moves between them: add back the time passed.
        starts = [wait + at - taken[0][1] for wait, at in taken]
        assert starts == pytest.approx([0.0, 0.04, 0.08, 0.12], abs=0.015), "two-segment texts 1/25 s apart"

    @pytest.mark.postgres_only
    def test_unused_time_is_not_saved_up_beyond_the_burst(self, parts):
        rate = FleetSendRate(parts.uow, rate=2, reservation_seconds=0, burst_seconds=0, name="t4",
                             clock=FrozenClock())
        rate.take()
        time.sleep(0.6)
        assert rate.take() == 0.0
        assert rate.take() == pytest.approx(0.5, abs=0.2)

    def test_sqlite_keeps_the_process_bucket(self, parts):
        if parts.engine.dialect.name != "sqlite":
            pytest.skip("the SQLite pass")
        assert isinstance(send_pace(parts.engine, parts.uow, parts.settings), TokenBucket)

    def test_a_rate_of_zero_is_refused(self):
        with pytest.raises(ValueError, match="rate"):
            FleetSendRate(lambda: None, rate=0)


@pytest.mark.postgres_only
class TestFleet:
    def test_four_workers_together_keep_to_the_limit(self, fresh_database_url, tmp_path):
        limit, texts = 20.0, 100
        seed(fresh_database_url, tmp_path, texts)
        with ArrivalTimes() as fake:
            env = worker_env(fresh_database_url, fake, tmp_path, PROM_SMS_MAX_SEGMENTS_PER_SECOND=str(limit))
            workers = [start_worker(env) for _ in range(4)]
            for worker in workers:
                _, err = worker.communicate(timeout=300)
                assert worker.returncode == 0, err[-2000:]
            keys = Counter(r.headers.get("I-Twilio-Idempotency-Token") for r in fake.requests)
            sent = sum(segments.count(r.form["Body"]).segments for r in fake.requests)
            arrivals = sorted(fake.arrivals)
        assert len(keys) == texts and max(keys.values()) == 1, "every text once"
        steady = arrivals[texts // 10:]  # past the start, when workers are still starting and dispatching
        achieved = (len(steady) - 1) * (sent / texts) / (steady[-1] - steady[0])
        # Never above the limit (four separate buckets would give four times it); a little below only
        # when a busy shared machine slows the workers themselves.
        assert limit * 0.9 <= achieved <= limit * 1.03, f"{achieved:.2f} segments/s for a limit of {limit}"
        assert outbox_states(fresh_database_url, tmp_path) == Counter({"sent": texts})

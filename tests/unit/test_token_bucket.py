"""The sender's rate limit."""

import pytest

from prom_service.domain.token_bucket import TokenBucket


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class TestTokenBucket:
    def test_a_burst_up_to_capacity_waits_for_nothing(self):
        bucket = TokenBucket(rate=10, clock=FakeTime())
        assert [bucket.take() for _ in range(10)] == [0.0] * 10

    def test_beyond_capacity_the_wait_grows_at_the_rate(self):
        bucket = TokenBucket(rate=10, clock=FakeTime())
        for _ in range(10):
            bucket.take()
        assert bucket.take() == pytest.approx(0.1)
        assert bucket.take(2) == pytest.approx(0.3)

    def test_tokens_refill_with_time_but_not_beyond_capacity(self):
        clock = FakeTime()
        bucket = TokenBucket(rate=5, capacity=5, clock=clock)
        for _ in range(5):
            bucket.take()
        clock.now = 100.0
        assert [bucket.take() for _ in range(5)] == [0.0] * 5
        assert bucket.take() > 0

    def test_a_rate_of_zero_is_refused(self):
        with pytest.raises(ValueError):
            TokenBucket(rate=0)

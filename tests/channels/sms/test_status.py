"""Twilio message statuses only move forward, whatever order the callbacks arrive in."""

import pytest

from prom_service.channels.sms.status import advance, is_failure, is_final


class TestAdvance:
    @pytest.mark.parametrize("current, incoming", [
        ("queued", "sending"), ("accepted", "queued"), ("sending", "sent"), ("sent", "delivered"),
        ("sent", "undelivered"), ("queued", "failed"), ("delivered", "read"), (None, "sent"),
    ])
    def test_a_later_status_replaces_an_earlier_one(self, current, incoming):
        assert advance(current, incoming) == incoming

    @pytest.mark.parametrize("current, incoming", [
        ("delivered", "sent"), ("sent", "queued"), ("delivered", "undelivered"), ("undelivered", "delivered"),
        ("failed", "read"), ("read", "delivered"), ("sent", "sent"),
    ])
    def test_an_earlier_or_competing_status_never_moves_it_back(self, current, incoming):
        assert advance(current, incoming) == current

    def test_an_unknown_status_is_ignored(self):
        assert advance("sent", "teleported") == "sent"

    def test_statuses_are_read_case_insensitively(self):
        assert advance("sent", "DELIVERED") == "delivered"


class TestFinality:
    def test_delivered_and_failures_are_final(self):
        assert all(is_final(status) for status in ("delivered", "undelivered", "failed", "read"))
        assert not is_final("sent")

    def test_only_failures_are_failures(self):
        assert is_failure("undelivered") and is_failure("failed") and not is_failure("delivered")

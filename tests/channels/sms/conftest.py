"""Fixtures for the SMS channel: a running fake Twilio and a real Twilio sender pointed at it."""

from __future__ import annotations

import pytest

from prom_service.channels.sms.twilio_sender import TwilioSmsSender
from tests.fake_twilio import FakeTwilio

FROM_NUMBER = "+447700900001"
STATUS_CALLBACK = "https://prom.example.org/twilio/status"


@pytest.fixture
def fake_twilio():
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def make_twilio_sender(fake_twilio):
    """Build real Twilio senders sending to the fake; their connections are closed after the test."""
    built: list[TwilioSmsSender] = []

    def make(sender: str = FROM_NUMBER, **overrides) -> TwilioSmsSender:
        options = dict(account_sid=fake_twilio.account_sid, auth_token=fake_twilio.auth_token, sender=sender,
                       validity_period_s=14400, default_status_callback=STATUS_CALLBACK,
                       api_base=fake_twilio.base_url)
        built.append(TwilioSmsSender(**{**options, **overrides}))
        return built[-1]

    yield make
    for sender in built:
        sender.close()


@pytest.fixture
def twilio_sender(make_twilio_sender):
    return make_twilio_sender()

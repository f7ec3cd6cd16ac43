"""Choosing the SMS backend from configuration, and the two URLs and one key the webhooks share with it.

`sms.backend = "twilio"` sends for real; `"simulator"` (the embedded default) keeps texts in the
database. Both sign webhooks the same way: Twilio with the account auth token, the simulator with a
key derived from `secret_key`, so one inbound code path checks both.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Callable

from sqlalchemy.orm import Session

from prom_service.channels.sms.sender import SmsSender
from prom_service.channels.sms.simulator import SimulatorSmsSender
from prom_service.channels.sms.twilio_sender import TwilioSmsSender
from prom_service.clock import Clock
from prom_service.settings import Settings

INBOUND_PATH = "/twilio/sms"


def build_sms_sender(settings: Settings, session_factory: Callable[[], Session],
                     clock: Clock | None = None) -> SmsSender:
    """The sender `sms.backend` names."""
    if settings["sms.backend"] == "twilio":
        return TwilioSmsSender(
            account_sid=settings["twilio.account_sid"],
            auth_token=settings["twilio.auth_token"],
            sender=settings["twilio.from"],
            validity_period_s=int(settings["twilio.validity_period_s"]),
            default_status_callback=status_callback_url(settings),
            api_base=settings["twilio.api_base"] or None,
            connections=texts_in_flight(settings),
        )
    return SimulatorSmsSender(session_factory, clock)


def texts_in_flight(settings: Settings) -> int:
    """How many texts a worker sends at once: `sms.texts_in_flight` through Twilio, where each call waits
    on the network; one with the simulator, whose every send is a write to our own database."""
    return max(1, int(settings["sms.texts_in_flight"])) if settings["sms.backend"] == "twilio" else 1


def status_callback_url(settings: Settings) -> str:
    """Where Twilio reports delivery: the public base URL plus `twilio.status_callback_path`."""
    return settings["public_base_url"].rstrip("/") + settings["twilio.status_callback_path"]


def inbound_url(settings: Settings) -> str:
    """Where replies arrive (configured on the Twilio number or Messaging Service; used by the simulator)."""
    return settings["public_base_url"].rstrip("/") + INBOUND_PATH


def webhook_signing_key(settings: Settings) -> str:
    """The key X-Twilio-Signature is checked with: Twilio's auth token, or the simulator's own key."""
    if settings["sms.backend"] == "twilio":
        return settings["twilio.auth_token"]
    return hmac.new(settings["secret_key"].encode(), b"sms-simulator-webhooks", hashlib.sha256).hexdigest()

"""Keyed pseudonyms: the same person always gets the same opaque id, and only we can link it back.

HMAC-SHA256 with the `pseudonym_key` secret (PROM_PSEUDONYM_KEY). Outside production a key derived
from `secret_key` stands in, so a newcomer's checkout works without configuring one.
"""

from __future__ import annotations

import hashlib
import hmac


class PseudonymKeyMissing(RuntimeError):
    """Production needs PROM_PSEUDONYM_KEY: a key derived from secret_key would tie the two together."""


def pseudonym_key(settings) -> bytes:
    """The key from the environment, or (outside production) one derived from secret_key."""
    if settings["pseudonym_key"]:
        return settings["pseudonym_key"].encode()
    if settings.environment == "production":
        raise PseudonymKeyMissing("PROM_PSEUDONYM_KEY: needed to pseudonymise feeds in production")
    return hmac.new(settings["secret_key"].encode(), b"prom pseudonym key", hashlib.sha256).digest()


def pseudonym(key: bytes, patient_id: int) -> str:
    """A stable 32-hex-digit pseudonym for the person; not reversible without the key."""
    return hmac.new(key, f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()[:32]

"""A published outcome-set version is immutable; a content fingerprint lets storage enforce that.

The fingerprint is the SHA-256 of a canonical JSON of the parsed definition (sorted keys, durations
as written). Comments and layout in the YAML do not change it, nor does `3` against `3.0` (the loader
reads every measured quantity as a float), but any change to a domain, weight, MID, schedule or rule
does. The community's name and description are not part of the outcome set and may be edited freely.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from typing import Any, Mapping

from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.schedule import Duration


class PublicationError(ValueError):
    """An outcome set that cannot be published over what is already stored."""


class PublishedVersionChangedError(PublicationError):
    """Same community and version number as a stored version, but different content."""

    def __init__(self, community: str, version: int, stored: str, current: str) -> None:
        self.community, self.version, self.stored, self.current = community, version, stored, current
        super().__init__(
            f"{community} outcome set version {version} is already published with different content "
            f"(stored {stored[:12]}, now {current[:12]}); give the change a new version number"
        )


class Publication(enum.Enum):
    NEW_VERSION = "new_version"
    ALREADY_PUBLISHED = "already_published"


def canonical_definition(outcome_set: OutcomeSet) -> dict[str, Any]:
    """The outcome set as plain JSON-ready values (also a fair body for the outcome-set API)."""
    return _plain(outcome_set)


def fingerprint(outcome_set: OutcomeSet) -> str:
    text = json.dumps(canonical_definition(outcome_set), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_publication(outcome_set: OutcomeSet, stored: Mapping[int, str]) -> Publication:
    """Decide what storing `outcome_set` means, given the stored fingerprints by version number.

    Raises `PublishedVersionChangedError` for same version, different content, and
    `PublicationError` for a new version numbered below one already published.
    """
    current = fingerprint(outcome_set)
    version = outcome_set.version
    if version in stored:
        if stored[version] != current:
            raise PublishedVersionChangedError(outcome_set.community, version, stored[version], current)
        return Publication.ALREADY_PUBLISHED
    if stored and version < max(stored):
        raise PublicationError(
            f"{outcome_set.community} outcome set version {version} is older than the published "
            f"version {max(stored)}; a change needs a version number above {max(stored)}"
        )
    return Publication.NEW_VERSION


def _plain(value: Any) -> Any:
    if isinstance(value, Duration):
        return value.text
    if dataclasses.is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value

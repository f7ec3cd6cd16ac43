"""A community of interest and its versioned outcome set, as immutable values.

An outcome set names the domains that matter to a community, how each is measured, normalised and
weighted in the Life Improver Score, which instruments are asked and when. A published version never
changes: a change is a new version, and every score keeps the version it was computed with.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from prom_service.domain.alert_rules import AlertRule
from prom_service.domain.measure import Measure
from prom_service.domain.schedule import Schedule

DEFAULT_MIN_COVERAGE = 0.6
DEFAULT_LIS_MID = 5.0
DEFAULT_ASSESSMENT_WINDOW_DAYS = 30


class SmsMode(enum.Enum):
    """How an instrument is best asked by text: one question per message, or a link to a web form."""

    CONVERSATION = "conversation"
    LINK = "link"


@dataclass(frozen=True)
class InstrumentRequest:
    """One instrument the community asks, with the SMS mode that suits it."""

    instrument: str
    sms_mode: SmsMode


@dataclass(frozen=True)
class MinimalImportantDifference:
    """The smallest change in a domain's raw units that a person would notice, and where it comes from."""

    value: float
    source: str


@dataclass(frozen=True)
class Domain:
    """One outcome that matters, its measure, and how it enters the Life Improver Score.

    `worst` maps to 0 and `best` to 100; `worst` may be greater than `best` where a lower raw value is
    better (anxiety, PHQ-9).
    """

    name: str
    label: str
    measure: Measure
    worst: float
    best: float
    weight: float
    mid: MinimalImportantDifference

    @property
    def higher_is_better(self) -> bool:
        return self.best > self.worst


@dataclass(frozen=True)
class LifeImproverScoreSettings:
    """How the domains roll up: minimum weighted coverage, the LIS MID, and the assessment window."""

    min_coverage: float = DEFAULT_MIN_COVERAGE
    mid: float = DEFAULT_LIS_MID
    assessment_window_days: int = DEFAULT_ASSESSMENT_WINDOW_DAYS


@dataclass(frozen=True)
class OutcomeSet:
    """One published version of a community's outcome set."""

    community: str
    version: int
    published: dt.date
    instruments: tuple[InstrumentRequest, ...]
    domains: tuple[Domain, ...]
    life_improver_score: LifeImproverScoreSettings
    schedule: Schedule
    alerts: tuple[AlertRule, ...] = ()

    def domain(self, name: str) -> Domain:
        """The domain called `name`; KeyError names the known ones when there is none."""
        for domain in self.domains:
            if domain.name == name:
                return domain
        raise KeyError(f"{self.community} v{self.version} has no domain {name!r}")

    @property
    def domain_names(self) -> tuple[str, ...]:
        return tuple(domain.name for domain in self.domains)

    @property
    def instrument_ids(self) -> tuple[str, ...]:
        return tuple(request.instrument for request in self.instruments)


@dataclass(frozen=True)
class Community:
    """A community of interest: people with a shared set of needs, and its current outcome set."""

    code: str
    name: str
    description: str
    outcome_set: OutcomeSet

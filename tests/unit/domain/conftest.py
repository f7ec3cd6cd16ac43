"""Fixtures for the domain tests: a small fake instrument catalogue and the worked-example community.

The fake catalogue has the shape of `scoring.instruments` (ids with no argument, metadata with one), so
loader behaviour is tested without depending on the scoring library's tables; the tests that check
the shipped files against the real catalogue live in `test_shipped_communities.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.outcome_set_loader import read_community


@dataclass(frozen=True)
class FakeItem:
    id: str
    min: int
    max: int


@dataclass(frozen=True)
class FakeInstrument:
    id: str
    primary_scale: str
    range: dict
    items: tuple[FakeItem, ...]
    value_sets: tuple[str, ...] = ()
    lower_is_better: tuple[str, ...] = ()

    @property
    def higher_is_better(self) -> dict:
        return {scale: scale not in self.lower_is_better for scale in self.range}

    @property
    def scale_ids(self) -> tuple[str, ...]:
        return tuple(self.range)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def item(self, item_id: str) -> FakeItem:
        return next(item for item in self.items if item.id == item_id)


def _items(ids: str, low: int, high: int) -> tuple[FakeItem, ...]:
    return tuple(FakeItem(item_id, low, high) for item_id in ids.split())


_ONS4_SCALES = "life_satisfaction worthwhile happiness anxiety"
FAKE_INSTRUMENTS = {
    "ons4": FakeInstrument(
        "ons4", "life_satisfaction", {s: (0, 10) for s in _ONS4_SCALES.split()}, _items(_ONS4_SCALES, 0, 10),
        lower_is_better=("anxiety",),
    ),
    "eq5d5l": FakeInstrument(
        "eq5d5l", "index", {"index": (-0.567, 1)}, _items("mo sc ua pd ad", 1, 5), ("england_2018", "uk_2026")
    ),
    "phq9": FakeInstrument(
        "phq9", "total", {"total": (0, 27)}, _items("q1 q2 q3 q4 q5 q6 q7 q8 q9", 0, 3), lower_is_better=("total",)
    ),
    "kccq12": FakeInstrument("kccq12", "summary", {"summary": (0, 100), "social_limitation": (0, 100)}, ()),
    "gas": FakeInstrument("gas", "t_score", {"t_score": (10, 90)}, ()),
}


def fake_catalogue(instrument_id: str | None = None):
    """`scoring.instruments` in miniature."""
    if instrument_id is None:
        return list(FAKE_INSTRUMENTS)
    return FAKE_INSTRUMENTS[instrument_id]


#: The issue's worked example: time at home, life satisfaction, quality of life, anxiety, goals.
WORKED_EXAMPLE_YAML = """\
code: worked_example
name: Worked example
description: The Life Improver Score example from the issue.
version: 1
published: 2026-01-15
instruments:
  - {id: ons4, sms: conversation}
  - {id: eq5d5l, sms: link}
  - {id: phq9, sms: conversation}
domains:
  - name: time_at_home
    label: Time at home
    measure: days_at_home
    over_days: 90
    worst: 0
    best: 90
    weight: 3
    mid: {value: 7, source: programme judgement}
  - name: life_satisfaction
    label: Satisfaction with life
    measure: ons4
    worst: 0
    best: 10
    weight: 2
    mid: {value: 1, source: programme judgement}
  - name: quality_of_life
    label: Quality of life
    measure: eq5d5l
    options: {value_set: england_2018}
    worst: -0.285
    best: 1
    weight: 2
    mid: {value: 0.074, source: Walters & Brazier 2005}
  - name: anxiety
    label: Feeling anxious
    measure: ons4.anxiety
    worst: 10
    best: 0
    weight: 1
    mid: {value: 1, source: programme judgement}
  - name: personal_goals
    label: My goals
    measure: personal_goals
    worst: 20
    best: 80
    weight: 2
    mid: {value: 10, source: Kiresuk & Sherman 1968}
life_improver_score:
  min_coverage: 0.6
  mid: 5
  assessment_window_days: 30
schedule:
  baseline: true
  followups: [P6W]
  interval: {every: P3M, count: 4}
  events:
    - {event: discharge, after: P14D}
alerts:
  - {rule: item9, kind: red_flag, measure: phq9.q9, above: 0, severity: urgent}
  - {rule: severe, kind: threshold, measure: phq9.total, at_least: 20, severity: high}
  - {rule: deterioration, kind: deterioration, severity: medium}
  - {rule: non_response, kind: non_response, severity: low, consecutive_missed: 2}
"""


@pytest.fixture
def catalogue():
    return fake_catalogue


@pytest.fixture
def worked_example() -> OutcomeSet:
    return read_community(WORKED_EXAMPLE_YAML, "worked_example.yaml", fake_catalogue).outcome_set


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line containing `fragment`, so tests do not hard-code numbers."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)

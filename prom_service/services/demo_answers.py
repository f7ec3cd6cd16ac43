"""Plausible answers for demo people: one `wellness` figure (0 worst … 1 best) drives every item.

Demo only. Item coding runs in different directions per instrument (PHQ-9 and EQ-5D levels are worse
when higher; Oxford and SWEMWBS better), so each instrument's direction is listed here.
"""

from __future__ import annotations

import random

import scoring

HIGHER_ITEM_IS_WORSE = {"phq9", "phq2", "gad7", "gad2", "eq5d5l", "eq5d3l", "mymop2"}
# Items whose top option means "did not do / not applicable", which demo people never choose.
NOT_APPLICABLE_TOP = {"kccq12": {"q1a", "q1b", "q1c", "q8a", "q8b", "q8c"}}


def demo_answers(instrument: str, wellness: float, rng: random.Random) -> dict[str, int]:
    """Answers to every item of `instrument` for someone this well, with a little noise."""
    metadata = scoring.instruments(instrument)
    answers = {}
    for item in metadata.items:
        if item.optional and rng.random() < 0.5:
            continue
        top = item.max - 1 if item.id in NOT_APPLICABLE_TOP.get(instrument, ()) else item.max
        answers[item.id] = _level(item.min, top, _good_high(instrument, item.id), wellness, rng)
    return answers


def _good_high(instrument: str, item_id: str) -> bool:
    if instrument == "ons4":
        return item_id != "anxiety"
    return instrument not in HIGHER_ITEM_IS_WORSE


def _level(low: int, high: int, good_high: bool, wellness: float, rng: random.Random) -> int:
    position = wellness if good_high else 1 - wellness
    jitter = rng.uniform(-0.12, 0.12)
    return round(low + (high - low) * min(1.0, max(0.0, position + jitter)))

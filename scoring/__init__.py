"""Scoring of patient-reported outcome measures: pure Python, standard library and numpy only.

>>> from scoring import score
>>> score("phq9", [1, 0, 2, 3, 1, 0, 0, 1, 0]).value
8
"""
from scoring.columns import ScoreBatch
from scoring.errors import (InvalidAnswer, InvalidOption, ScoringError, UnknownInstrument,
                            UnknownItem, UnknownValueSet, WrongLength)
from scoring.instrument import Band, Instrument, Item, Option, Threshold
from scoring.registry import instruments, score, score_many
from scoring.result import Result

__all__ = [
    "Band", "Instrument", "InvalidAnswer", "InvalidOption", "Item", "Option", "Result",
    "ScoreBatch", "ScoringError", "Threshold", "UnknownInstrument", "UnknownItem",
    "UnknownValueSet", "WrongLength", "instruments", "score", "score_many",
]

"""The catalogue of shipped instruments and the two scoring entry points.

Each instrument is one module exposing the same names: ``INSTRUMENT`` (metadata),
``ITEMS``, ``validate``, ``score`` and ``interpret``; modules whose rules vectorise also
expose ``score_columns`` for :func:`score_many`.  The order below is the stable order
:func:`instruments` reports.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, overload

from scoring import (eq5d3l, eq5d5l, eq_vas, gad2, gad7, gas, kccq12, mymop2, ons4, oxford_hip,
                     oxford_knee, phq2, phq9, promis_global10, swemwbs, wemwbs)
from scoring.answers import Answers
from scoring.batch import read_rows
from scoring.columns import ResultBatch, ScoreBatch
from scoring.errors import UnknownInstrument, UnknownValueSet
from scoring.instrument import Instrument
from scoring.result import Result

MODULES: dict[str, ModuleType] = {
    module.INSTRUMENT.id: module
    for module in (phq9, phq2, gad7, gad2, eq5d5l, eq5d3l, eq_vas, promis_global10, swemwbs,
                   wemwbs, ons4, oxford_knee, oxford_hip, kccq12, mymop2, gas)
}


def module_for(instrument_id: str) -> ModuleType:
    """Return the module that scores ``instrument_id``."""
    try:
        return MODULES[instrument_id]
    except (KeyError, TypeError):
        raise UnknownInstrument(instrument_id, tuple(MODULES)) from None


@overload
def instruments() -> list[str]: ...
@overload
def instruments(instrument_id: str) -> Instrument: ...
def instruments(instrument_id: str | None = None) -> list[str] | Instrument:
    """List the instrument ids, or return one instrument's metadata."""
    if instrument_id is None:
        return list(MODULES)
    return module_for(instrument_id).INSTRUMENT


def score(instrument_id: str, answers: Answers, **options: Any) -> Result:
    """Score one response (a sequence in item order or a mapping ``item id -> value``)."""
    module = module_for(instrument_id)
    return module.score(answers, **_options(module.INSTRUMENT, options))


def score_many(instrument_id: str, rows: Any, **options: Any) -> ScoreBatch:
    """Score many responses; row ``i`` of the result equals ``score(instrument_id, rows[i])``.

    Vectorised with numpy for the instruments whose modules define ``score_columns``
    (the sum scores, EQ-5D, EQ VAS, SWEMWBS, PROMIS Global-10); the others (KCCQ-12,
    ONS4, MYMOP2, GAS) are scored row by row and returned in the same columnar form.
    """
    module = module_for(instrument_id)
    options = _options(module.INSTRUMENT, options)
    if hasattr(module, "score_columns"):
        return module.score_columns(read_rows(module.INSTRUMENT, rows), **options)
    return ResultBatch(module.INSTRUMENT, [module.score(row, **options) for row in rows])


def _options(instrument: Instrument, options: dict[str, Any]) -> dict[str, Any]:
    """Refuse ``value_set=`` for an instrument without value sets (``None`` is always fine)."""
    if instrument.value_sets or "value_set" not in options:
        return options
    if options["value_set"] is not None:
        raise UnknownValueSet(instrument.id, options["value_set"], ())
    return {key: value for key, value in options.items() if key != "value_set"}

"""Licensed instrument wording: read an organisation's file, check it against the instrument, store it.

Licensed instruments (EQ-5D, SWEMWBS, Oxford scores …) ship their scoring here but not their words.
An organisation holding a licence loads the wording, and any licensed translation, with
`prom instruments load-wording FILE`; the web questionnaire then shows it. Every row is checked against
the instrument (known item, one label per option) and the file loads whole or not at all, so a
questionnaire never shows half a translation.

File formats: CSV with the header `instrument,language,item_id,text,option_labels` (labels separated
by `|`, in option order), or JSON: a list of objects with the same keys (`option_labels` a list).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import select

from scoring import UnknownInstrument, instruments
from prom_service.db.models import InstrumentWording
from prom_service.db.unit_of_work import UnitOfWork

COLUMNS = ("instrument", "language", "item_id", "text", "option_labels")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class WordingFileError(ValueError):
    """The file cannot be loaded; the message names each bad row and field."""


@dataclass(frozen=True)
class Wording:
    """One item's words in one language."""

    instrument: str
    language: str
    item_id: str
    text: str
    option_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadReport:
    added: int
    replaced: int
    languages: dict[str, tuple[str, ...]]


def read_wording_file(path: Path) -> list[Wording]:
    """Read and check a CSV or JSON wording file; raise WordingFileError naming every bad row."""
    try:
        raw = _json_rows(path) if path.suffix.lower() == ".json" else _csv_rows(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as error:
        raise WordingFileError(f"{path.name}: cannot read it: {error}") from None
    wordings, problems = [], []
    for number, row in enumerate(raw, start=1):
        try:
            wordings.append(_checked(row))
        except ValueError as error:
            problems.append(f"row {number}: {error}")
    if problems:
        raise WordingFileError(f"{path.name}: " + "; ".join(problems))
    if not wordings:
        raise WordingFileError(f"{path.name}: no wording rows")
    return wordings


def load_wording(uow: UnitOfWork, wordings: Iterable[Wording], now: datetime, source: str) -> LoadReport:
    """Store every wording (replacing the same instrument, language and item) in one transaction."""
    added = replaced = 0
    languages: dict[str, set[str]] = {}
    with uow:
        for wording in wordings:
            row = uow.session.scalar(select(InstrumentWording).where(
                InstrumentWording.instrument == wording.instrument, InstrumentWording.language == wording.language,
                InstrumentWording.item_id == wording.item_id))
            if row is None:
                row = InstrumentWording(instrument=wording.instrument, language=wording.language,
                                        item_id=wording.item_id)
                uow.session.add(row)
                added += 1
            else:
                replaced += 1
            row.text, row.option_labels = wording.text, list(wording.option_labels)
            row.source, row.loaded_at = source[:200], now
            languages.setdefault(wording.instrument, set()).add(wording.language)
        uow.commit()
    return LoadReport(added, replaced, {k: tuple(sorted(v)) for k, v in sorted(languages.items())})


def wordings_for(uow: UnitOfWork, instrument_ids: Iterable[str], languages: Iterable[str]) -> dict[tuple, Wording]:
    """Loaded wording keyed by (instrument, language, item_id); reads in the caller's unit of work."""
    rows = uow.session.scalars(select(InstrumentWording).where(
        InstrumentWording.instrument.in_(list(instrument_ids)), InstrumentWording.language.in_(list(languages))))
    return {(r.instrument, r.language, r.item_id): Wording(r.instrument, r.language, r.item_id, r.text,
                                                          tuple(r.option_labels)) for r in rows}


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise WordingFileError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        return [{**row, "option_labels": _split_labels(row.get("option_labels"))} for row in reader]


def _split_labels(text: str | None) -> list[str]:
    return [label.strip() for label in (text or "").split("|") if label.strip()]


def _json_rows(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data.get("wordings") if isinstance(data, Mapping) else data
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise WordingFileError(f"{path.name}: expected a list of objects (or {{\"wordings\": [...]}})")
    return rows


def _checked(row: Mapping[str, Any]) -> Wording:
    """One row as a Wording, or ValueError naming the first field that is wrong."""
    name, language = str(row.get("instrument") or "").strip(), str(row.get("language") or "").strip()
    item_id, text = str(row.get("item_id") or "").strip(), str(row.get("text") or "").strip()
    try:
        instrument = instruments(name)
    except UnknownInstrument:
        raise ValueError(f"instrument: unknown instrument {name!r}") from None
    if not LANGUAGE_CODE.match(language):
        raise ValueError(f"language: expected a language code such as 'en' or 'ar', got {language!r}")
    if item_id not in instrument.item_ids:
        raise ValueError(f"item_id: {name} has no item {item_id!r} (it has {', '.join(instrument.item_ids)})")
    if not text:
        raise ValueError("text: is empty")
    labels = row.get("option_labels") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) and label.strip() for label in labels):
        raise ValueError("option_labels: expected a list of non-empty texts")
    expected = len(instrument.item(item_id).options)
    if len(labels) != expected:
        raise ValueError(f"option_labels: {name} {item_id} has {expected} options, got {len(labels)} labels")
    return Wording(name, language, item_id, text, tuple(label.strip() for label in labels))

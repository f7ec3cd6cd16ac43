"""Data tables (value sets, crosswalk, T-score and Rasch tables) read from ``scoring/tables``.

Each table is a CSV file whose first lines are comments naming where the numbers came
from: at least ``# source:``, ``# version:`` and ``# date:``.  A table without them is
refused, because a number whose origin is unknown cannot be trusted in a clinical score.
Tables are parsed once per process (``functools.cache``) and are immutable afterwards.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

TABLE_DIR = Path(__file__).with_name("tables")
REQUIRED_PROVENANCE = ("source", "version", "date")


class TableError(Exception):
    """A shipped table is malformed; this is a packaging bug, never a caller's mistake."""


@dataclass(frozen=True)
class Table:
    """A parsed table: its provenance, column names and rows of strings."""

    name: str
    provenance: Mapping[str, str]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, name: str, kind: type = float) -> tuple:
        """Return one column converted with ``kind``."""
        index = self.columns.index(name)
        return tuple(kind(row[index]) for row in self.rows)


@functools.cache
def load(name: str) -> Table:
    """Read ``scoring/tables/<name>.csv`` once, checking its provenance header."""
    lines = (TABLE_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    body = [line for line in lines if line and not line.startswith("#")]
    provenance = _provenance(name, comments)
    header, *rows = list(csv.reader(body))
    if any(len(row) != len(header) for row in rows):
        raise TableError(f"{name}: ragged rows")
    return Table(name, provenance, tuple(header), tuple(tuple(row) for row in rows))


def _provenance(name: str, comments: list[str]) -> Mapping[str, str]:
    fields = {}
    for comment in comments:
        key, sep, value = comment.partition(":")
        if sep and key.strip().isidentifier():
            fields.setdefault(key.strip(), value.strip())
    missing = [key for key in REQUIRED_PROVENANCE if key not in fields]
    if missing:
        raise TableError(f"{name}: provenance header lacks {', '.join(missing)}")
    fields["notes"] = " ".join(comments)
    return MappingProxyType(fields)

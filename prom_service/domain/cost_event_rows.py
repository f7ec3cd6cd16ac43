"""Reading rows of activity (from CSV or JSON) into typed values, naming every field that is wrong.

A row is a mapping of column name to text or number, as a CSV reader or a JSON body gives it. Parsing
never stops at the first problem in a row: each bad field is reported, so one pass over a file tells
the sender everything to fix. Row numbers are the sender's: the CSV line (the header is row 1, so data
starts at row 2) or the position in a JSON batch counted from 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator, Mapping, TextIO

from prom_service.domain.days_at_home import STAY_ACTIVITIES, nights_between

REQUIRED_COLUMNS = ("source_id", "activity", "start_date")
PATIENT_COLUMNS = ("patient_id", "external_id")
OPTIONAL_COLUMNS = ("end_date", "quantity", "cost", "provider", "source_system")
COLUMNS = REQUIRED_COLUMNS + PATIENT_COLUMNS + OPTIONAL_COLUMNS
MAX_AMOUNT = Decimal("9999999999.99")  # what Numeric(12, 2) holds
EXTRA_VALUES = "_extra_values"  # set by the CSV reader on a row longer than its header
TEXT_LIMITS = {"source_id": 128, "source_system": 64, "external_id": 128, "activity": 48, "provider": 200}


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class ActivityRow:
    """One item of activity as sent, typed but not yet matched to a patient or priced."""

    row: int
    source_system: str
    source_id: str
    patient_id: int | None
    external_id: str | None
    activity: str
    start_date: date
    end_date: date | None
    quantity: Decimal
    actual_cost: Decimal | None
    provider: str | None


class _Fields:
    """Collects one row's problems while its fields are read."""

    def __init__(self, number: int, raw: Mapping[str, Any]) -> None:
        self.number, self.raw, self.problems = number, raw, []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(RowProblem(self.number, field, message))

    def text(self, field: str, *, required: bool = False) -> str | None:
        value = self.raw.get(field)
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.fail(field, "is required")
            return None
        if len(text) > TEXT_LIMITS.get(field, 200):
            self.fail(field, f"is longer than {TEXT_LIMITS.get(field, 200)} characters")
        return text

    def date(self, field: str, *, required: bool = False) -> date | None:
        text = self.text(field, required=required)
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            self.fail(field, f"must be an ISO date (YYYY-MM-DD), got {text!r}")
            return None

    def amount(self, field: str, *, positive: bool) -> Decimal | None:
        text = self.text(field)
        if text is None:
            return None
        try:
            value = Decimal(text.removeprefix("£"))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or (positive and value == 0):
            wanted = "a number above zero" if positive else "a number, zero or more"
            self.fail(field, f"must be {wanted}, got {text!r}")
            return None
        if value != value.quantize(Decimal("0.01")) or value > MAX_AMOUNT:
            self.fail(field, f"must have at most 2 decimal places and be below {MAX_AMOUNT}, got {text!r}")
            return None
        return value

    def whole_number(self, field: str) -> int | None:
        text = self.text(field)
        if text is None:
            return None
        if isinstance(self.raw.get(field), bool) or not text.isdigit():
            self.fail(field, f"must be a whole number, got {text!r}")
            return None
        return int(text)


def parse_row(
    number: int, raw: Mapping[str, Any], default_source_system: str, activities: frozenset[str] = frozenset()
) -> ActivityRow | list[RowProblem]:
    """The row as typed values, or every problem found in it; `activities` are the known codes, if any."""
    fields = _Fields(number, raw)
    if raw.get(EXTRA_VALUES):
        fields.fail("row", f"has {raw[EXTRA_VALUES]} more values than the header has columns")
    source_system = fields.text("source_system") or default_source_system
    source_id = fields.text("source_id", required=True)
    patient_id, external_id = fields.whole_number("patient_id"), fields.text("external_id")
    activity = fields.text("activity", required=True)
    start, end = fields.date("start_date", required=True), fields.date("end_date")
    quantity, cost = fields.amount("quantity", positive=True), fields.amount("cost", positive=False)
    provider = fields.text("provider")
    if activity and activities and activity not in activities:
        fields.fail("activity", f"unknown activity {activity!r}; known: {', '.join(sorted(activities))}")
    _check_together(fields, patient_id, external_id, activity, start, end)
    if fields.problems:
        return fields.problems
    return ActivityRow(
        number, source_system, source_id, patient_id, external_id, activity, start, end,
        quantity or _default_quantity(activity, start, end), cost, provider,
    )


def _check_together(fields: _Fields, patient_id, external_id, activity, start, end) -> None:
    """Rules across fields, checked only where the fields themselves were readable."""
    named = {problem.field for problem in fields.problems}
    if patient_id is None and external_id is None and not {"patient_id", "external_id"} & named:
        fields.fail("patient_id", "give patient_id or external_id")
    if start and end and end < start:
        fields.fail("end_date", f"is before start_date ({start.isoformat()})")
    if activity in STAY_ACTIVITIES and start and end is None and "end_date" not in named:
        fields.fail("end_date", f"is required for {activity}: the discharge or leaving date")


def _default_quantity(activity: str, start: date, end: date | None) -> Decimal:
    """One, or for a stay its nights (a same-day stay is still one bed day for costing)."""
    if activity in STAY_ACTIVITIES and end is not None:
        return Decimal(max(1, nights_between(start, end)))
    return Decimal(1)


def header_problems(header: list[str] | None) -> list[RowProblem]:
    """What is wrong with a CSV header row: missing, unknown or repeated columns."""
    if not header:
        return [RowProblem(1, "header", f"the file is empty; the first row must name the columns: {', '.join(COLUMNS)}")]
    names = [name.strip().lower() for name in header]
    problems = [RowProblem(1, column, "column is missing") for column in REQUIRED_COLUMNS if column not in names]
    if not set(PATIENT_COLUMNS) & set(names):
        problems.append(RowProblem(1, "patient_id", "give a patient_id or an external_id column"))
    problems += [RowProblem(1, name, f"unknown column; expected {', '.join(COLUMNS)}")
                 for name in names if name not in COLUMNS]
    problems += [RowProblem(1, name, "column appears twice") for name in sorted(set(names)) if names.count(name) > 1]
    return problems


def read_csv_rows(stream: TextIO) -> tuple[list[RowProblem], Iterator[tuple[int, dict[str, str]]]]:
    """Header problems, and the data rows numbered as a spreadsheet shows them (header = row 1)."""
    reader = csv.reader(stream)
    header = next(reader, None)
    problems = header_problems(header)
    names = [name.strip().lower() for name in header or []]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(reader, start=2):
            if any(value.strip() for value in values):
                yield number, _row_values(names, values)

    return problems, rows()


def _row_values(names: list[str], values: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = dict(zip(names, values))
    extra = [value for value in values[len(names):] if value.strip()]
    if extra:
        row[EXTRA_VALUES] = len(extra)
    return row

"""Importing activity with its cost, all or nothing, and reading a person's cost events back.

An import is checked whole before anything is written: every row is parsed, matched to a patient the
caller may see, priced from the tariff of its start date's financial year, and compared with what is
already stored. One bad row means nothing is written and the caller gets every problem by row and
field. A row whose (source_system, source_id) is already stored, or appears earlier in the same batch,
is a duplicate: reported, never an error, and it changes nothing. Good batches go in as one bulk
insert inside one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable, Iterator, Mapping, TextIO

from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from prom_service.db.models import ApiClient, CostEvent, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.cost_event_rows import ActivityRow, RowProblem, parse_row, read_csv_rows
from prom_service.services import cost_summaries
from prom_service.services.access import Actor, visible_patients
from prom_service.services.errors import InvalidInput
from prom_service.services.patients import get_patient
from prom_service.services.tariffs import NoTariff, TariffBook

LISTED_LIMIT = 1000  # problems and duplicates listed in one answer; the counts are always complete
CHUNK = 5000  # values per IN (...) query, inside both databases' bind-parameter limits (32,766 and 65,535)
PENNY = Decimal("0.01")
EVENT_COLUMNS = [column.name for column in CostEvent.__table__.columns if column.name != "id"]


@dataclass(frozen=True)
class Duplicate:
    row: int
    source_system: str
    source_id: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, checked only, would do)."""

    rows: int
    new: int
    duplicates: tuple[Duplicate, ...]
    duplicate_count: int
    total_cost: Decimal
    written: bool
    problems: tuple[RowProblem, ...] = ()
    problem_count: int = 0

    @property
    def created(self) -> int:
        return self.new if self.written else 0


class RowsInvalid(InvalidInput):
    """Some rows cannot be imported, so none were; `errors["rows"]` lists them by row and field."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        rows = len({problem.row for problem in report.problems})
        listed = "" if report.problem_count <= LISTED_LIMIT else f" (the first {LISTED_LIMIT} are listed)"
        super().__init__(
            {"rows": [asdict(problem) for problem in report.problems]},
            f"{report.problem_count} problems in {rows}{'+' if listed else ''} rows{listed}; nothing was imported",
        )


def default_source_system(uow: UnitOfWork, actor: Actor) -> str:
    """The calling API client's name, or "import" for the command line and the system."""
    if actor.kind == "api_client":
        name = uow.session.scalar(select(ApiClient.name).where(ApiClient.id == int(actor.id)))
        return (name or "import")[:64]
    return "import"


def import_cost_events(
    uow: UnitOfWork, actor: Actor, rows: Iterable[tuple[int, Mapping[str, Any]]], tariffs: TariffBook,
    now: datetime, *, source_system: str | None = None, write: bool = True,
) -> ImportReport:
    """Check every row, then write the new events in one transaction; RowsInvalid if any row is bad."""
    with uow:
        system = source_system or default_source_system(uow, actor)
        checked, problems, total = _checked_rows(uow, actor, rows, tariffs, system)
        if problems:
            raise RowsInvalid(_report(total, [], [], problems, written=False))
        new, duplicates = _split_duplicates(uow, checked)
        if write and new:
            _insert_ignoring_duplicates(uow, [_event_values(row, now) for row in new])
            uow.commit()
        return _report(total, new, duplicates, [], written=write)


def check_cost_events(
    uow: UnitOfWork, actor: Actor, rows: Iterable[tuple[int, Mapping[str, Any]]], tariffs: TariffBook,
    now: datetime, *, source_system: str | None = None,
) -> ImportReport:
    """What importing would do, problems included, without writing anything."""
    try:
        return import_cost_events(uow, actor, rows, tariffs, now, source_system=source_system, write=False)
    except RowsInvalid as invalid:
        return invalid.report


def import_cost_event_csv(
    uow: UnitOfWork, actor: Actor, stream: TextIO, tariffs: TariffBook, now: datetime, *,
    source_system: str | None = None, write: bool = True, track: Callable[[Iterator], Iterable] = iter,
) -> ImportReport:
    """Import a CSV file (columns as in API.md); `write=False` only reports. `track` wraps the rows (progress)."""
    header_problems, rows = read_csv_rows(stream)
    if header_problems:
        report = _report(0, [], [], header_problems, written=False)
        if write:
            raise RowsInvalid(report)
        return report
    run = import_cost_events if write else check_cost_events
    return run(uow, actor, track(rows), tariffs, now, source_system=source_system)


def list_cost_events(uow: UnitOfWork, actor: Actor, patient_id: int) -> list[CostEvent]:
    """A person's cost events in date order, if the actor may see the person."""
    get_patient(uow, actor, patient_id)
    query = select(CostEvent).where(CostEvent.patient_id == patient_id)
    return list(uow.session.scalars(query.order_by(CostEvent.start_date, CostEvent.id)))


@dataclass(frozen=True)
class _PricedRow:
    row: ActivityRow
    patient_id: int
    unit_cost: Decimal | None
    tariff: str | None
    cost: Decimal


def _checked_rows(uow, actor, rows, tariffs, system) -> tuple[list[_PricedRow], list[RowProblem], int]:
    parsed, problems, total = [], [], 0
    for number, raw in rows:
        total += 1
        result = parse_row(number, raw, system, tariffs.activities)
        (problems.extend if isinstance(result, list) else parsed.append)(result)
    patients = _PatientIndex(uow, actor, parsed)
    priced = []
    for row in parsed:
        patient_id = patients.resolve(row, problems)
        pricing = _price(row, tariffs, problems)
        if patient_id is not None and pricing is not None:
            priced.append(_PricedRow(row, patient_id, *pricing))
    return priced, sorted(problems, key=lambda problem: problem.row), total


def _price(row: ActivityRow, tariffs: TariffBook, problems: list[RowProblem]):
    """(unit cost, tariff year, cost): quantity × unit cost, unless the row carries its actual cost."""
    try:
        unit, year = tariffs.unit_cost(row.activity, row.start_date)
    except NoTariff as missing:
        if row.actual_cost is None:
            problems.append(RowProblem(row.row, "cost", str(missing)))
            return None
        return None, None, row.actual_cost
    computed = (row.quantity * unit.unit_cost).quantize(PENNY, rounding=ROUND_HALF_UP)
    return unit.unit_cost, year, row.actual_cost if row.actual_cost is not None else computed


class _PatientIndex:
    """The patients a batch names, looked up in bulk within the actor's team scope."""

    def __init__(self, uow: UnitOfWork, actor: Actor, rows: list[ActivityRow]) -> None:
        visible = visible_patients(actor).with_only_columns(Patient.id, Patient.external_id)
        ids = {row.patient_id for row in rows if row.patient_id is not None}
        externals = {row.external_id for row in rows if row.external_id is not None and row.patient_id is None}
        self.by_id = dict(_in_chunks(uow, visible, Patient.id, ids))
        self.by_external: dict[str, list[int]] = {}
        for patient_id, external_id in _in_chunks(uow, visible, Patient.external_id, externals):
            self.by_external.setdefault(external_id, []).append(patient_id)

    def resolve(self, row: ActivityRow, problems: list[RowProblem]) -> int | None:
        if row.patient_id is not None:
            if row.patient_id not in self.by_id:
                problems.append(RowProblem(row.row, "patient_id", f"no patient {row.patient_id}"))
                return None
            if row.external_id is not None and self.by_id[row.patient_id] != row.external_id:
                problems.append(RowProblem(row.row, "external_id", f"does not belong to patient {row.patient_id}"))
                return None
            return row.patient_id
        matches = self.by_external.get(row.external_id, [])
        if not matches:
            problems.append(RowProblem(row.row, "external_id", f"no patient has external_id {row.external_id!r}"))
        elif len(matches) > 1:
            problems.append(RowProblem(row.row, "external_id", f"{len(matches)} patients from different sources "
                                                              f"have external_id {row.external_id!r}; use patient_id"))
        return matches[0] if len(matches) == 1 else None


def _in_chunks(uow: UnitOfWork, query, column, values: set) -> list[tuple]:
    ordered = sorted(values)
    found: list[tuple] = []
    for start in range(0, len(ordered), CHUNK):
        found.extend(uow.session.execute(query.where(column.in_(ordered[start:start + CHUNK]))).all())
    return found


def _split_duplicates(uow: UnitOfWork, rows: list[_PricedRow]) -> tuple[list[_PricedRow], list[Duplicate]]:
    """New rows, and the rows already stored or repeated earlier in the batch (the first one wins)."""
    stored: set[tuple[str, str]] = set()
    for system in {priced.row.source_system for priced in rows}:
        source_ids = {priced.row.source_id for priced in rows if priced.row.source_system == system}
        query = select(CostEvent.source_system, CostEvent.source_id).where(CostEvent.source_system == system)
        stored.update(_in_chunks(uow, query, CostEvent.source_id, source_ids))
    new, duplicates = [], []
    for priced in rows:
        key = (priced.row.source_system, priced.row.source_id)
        if key in stored:
            duplicates.append(Duplicate(priced.row.row, *key))
        else:
            stored.add(key)
            new.append(priced)
    return new, duplicates


def _event_values(priced: _PricedRow, now: datetime) -> dict[str, Any]:
    row = priced.row
    return dict(
        patient_id=priced.patient_id, activity=row.activity, start_date=row.start_date, end_date=row.end_date,
        quantity=row.quantity, unit_cost=priced.unit_cost, actual_cost=row.actual_cost, cost=priced.cost,
        tariff=priced.tariff, provider=row.provider, source_system=row.source_system, source_id=row.source_id,
        created_at=now,
    )


def _insert_ignoring_duplicates(uow: UnitOfWork, values: list[dict[str, Any]]) -> None:
    """One bulk write in the caller's transaction; a row another import stored meanwhile is skipped.
    The cost summaries gain exactly the rows written, in the same transaction."""
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        _copy_then_insert(connection, values)
        return
    # Core's insertmanyvalues batches the rows; the ORM's bulk path would split them by which columns are
    # None. RETURNING names only the rows really inserted, which the cost summaries then add.
    statement = sqlite.insert(CostEvent.__table__).on_conflict_do_nothing(index_elements=["source_system", "source_id"])
    inserted = connection.execute(statement.returning(CostEvent.patient_id, CostEvent.start_date, CostEvent.cost),
                                  values)
    cost_summaries.add_events(uow.session, inserted.all())


def _copy_then_insert(connection, values: list[dict[str, Any]]) -> None:
    """COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING: 100k rows in about 2 s,
    where psycopg 3 executes an executemany row by row. The rows it really inserted go on to the cost
    summaries, in this transaction."""
    columns = ", ".join(EVENT_COLUMNS)
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE incoming_cost_events AS SELECT {columns} FROM cost_events WITH NO DATA")
        with cursor.copy(f"COPY incoming_cost_events ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row([row[name] for name in EVENT_COLUMNS])
        cursor.execute(cost_summaries.NEW_EVENTS_DDL)
        cursor.execute(f"WITH inserted AS (INSERT INTO cost_events ({columns}) SELECT {columns} "
                       "FROM incoming_cost_events ON CONFLICT (source_system, source_id) DO NOTHING "
                       "RETURNING patient_id, start_date, cost) INSERT INTO new_cost_events SELECT * FROM inserted")
        cursor.execute("DROP TABLE incoming_cost_events")
    cost_summaries.add_staged_events(connection)


def _report(total: int, new: list[_PricedRow], duplicates, problems, *, written: bool) -> ImportReport:
    return ImportReport(
        rows=total, new=len(new),
        duplicates=tuple(duplicates[:LISTED_LIMIT]), duplicate_count=len(duplicates),
        total_cost=sum((priced.cost for priced in new), Decimal("0.00")), written=written,
        problems=tuple(problems[:LISTED_LIMIT]), problem_count=len(problems),
    )

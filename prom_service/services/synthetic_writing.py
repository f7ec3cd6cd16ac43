"""Writing synthetic rows fast: COPY on PostgreSQL, executemany on SQLite, one transaction per chunk.

Ids are allocated by the generator, so after loading each table's identity sequence is moved past the
largest id (`setval`), and the app's own inserts carry on from there.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from contextlib import contextmanager
from typing import Callable, Iterator

from sqlalchemy import Engine, text

from prom_service.db.base import Base
from prom_service.services.synthetic_people import COLUMNS, JSON_COLUMNS, Rows

# Parents before children, so every foreign key names a row already written.
_json = json.JSONEncoder(separators=(",", ":")).encode  # one encoder, not one per value as json.dumps makes
TABLE_ORDER = ("patients", "enrolments", "cost_events", "invitations", "invitation_events", "responses", "answers",
               "scores", "life_improver_scores", "feed_events")


def last_ids(engine: Engine) -> dict[str, int]:
    """The largest id of each table written, so new ids follow on."""
    with engine.connect() as connection:
        return {table: connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}")) for table in TABLE_ORDER}


@contextmanager
def chunk_transaction(engine: Engine) -> Iterator[tuple[int, Callable[[Rows], None]]]:
    """A transaction for one chunk: its feed txid, and a function writing rows inside it."""
    if engine.dialect.name == "postgresql":
        with _postgresql(engine) as opened:
            yield opened
        return
    with engine.begin() as connection:
        yield 0, lambda rows: _executemany(connection, rows)


@contextmanager
def _postgresql(engine: Engine):
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        with driver.cursor() as cursor:
            # A chunk lost to a crash is simply generated again; no need to wait for the WAL flush.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SELECT pg_current_xact_id()::text::bigint")
            txid = cursor.fetchone()[0]
            yield txid, lambda rows: _copy(cursor, rows)
        driver.commit()
    except BaseException:
        raw.driver_connection.rollback()
        raise
    finally:
        raw.close()


def _copy(cursor, rows: Rows) -> None:
    """COPY each table's rows as one preformatted text buffer: about three times faster than
    `copy.write_row`, whose per-value dumper lookup costs more than the server's parsing."""
    for table in TABLE_ORDER:
        found = rows.tables.get(table)
        if not found:
            continue
        columns = COLUMNS[table]
        json_at = [columns.index(name) for name in JSON_COLUMNS.get(table, ())]
        lines = _answer_lines(found) if table == "answers" else _lines(found, json_at)
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write("".join(lines))


# COPY text format: backslash, tab, newline and carriage return are escaped; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def _escaped(value: str) -> str:
    """Most values need no escaping; `in` checks are far cheaper than `translate` on every one."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


_TEXT = {
    str: _escaped, int: str, float: repr, Decimal: str, date: date.isoformat,
    bool: lambda value: "t" if value else "f", type(None): lambda value: NULL,
}


class _Stamps(dict):
    """Timestamps as text, each datetime object formatted once: an assessment's rows share one moment."""

    def text(self, moment: datetime) -> str:
        found = self.get(id(moment))
        if found is None or found[0] is not moment:
            found = self[id(moment)] = (moment, moment.isoformat())
        return found[1]


def _lines(found: list[tuple], json_at: list[int]) -> list[str]:
    """Rows as COPY lines; a JSON value shared by consecutive rows (a result's provenance) is encoded once."""
    text, stamps, lines = _TEXT, _Stamps(), []
    cached: dict[int, tuple[object, str]] = {}

    def field(value) -> str:
        kind = type(value)
        return stamps.text(value) if kind is datetime else text[kind](value)

    for row in found:
        if json_at:
            row = list(row)
            for index in json_at:
                value = row[index]
                last = cached.get(index)
                if last is None or last[0] is not value:
                    last = cached[index] = (value, _escaped(_json(value)))
                row[index] = last[1]
            lines.append("\t".join([value if index in json_at else field(value)
                                     for index, value in enumerate(row)]) + "\n")
        else:
            lines.append("\t".join([field(value) for value in row]) + "\n")
    return lines


def _answer_lines(found: list[tuple]) -> list[str]:
    """The most numerous rows (a third of all), formatted without the per-value dispatch."""
    null, stamp, last = NULL, "", None
    lines = []
    for answer_id, response_id, item_id, value, at in found:
        if at is not last:
            stamp, last = at.isoformat(), at
        lines.append(f"{answer_id}\t{response_id}\t{item_id}\t{null if value is None else value}\t{stamp}\n")
    return lines


def _executemany(connection, rows: Rows) -> None:
    for table in TABLE_ORDER:
        found = rows.tables.get(table)
        if found:
            columns = COLUMNS[table]
            connection.execute(Base.metadata.tables[table].insert(), [dict(zip(columns, row)) for row in found])


@contextmanager
def secondary_indexes_rebuilt(engine: Engine, rebuild: bool) -> Iterator[None]:
    """With `rebuild` (PostgreSQL, loading more than is there): drop the loaded tables' foreign keys,
    unique constraints and secondary indexes, load, then build them again in one pass each.

    Checking a foreign key and updating five indexes for every row of a COPY costs more than the COPY;
    building an index once over the loaded table, and validating a foreign key with one join, is several
    times cheaper. The definitions are read from the catalogue, so whatever the migrations made comes
    back exactly, even if loading fails half-way (they are rebuilt over what was written).
    """
    if not rebuild or engine.dialect.name != "postgresql":
        yield
        return
    with engine.begin() as connection:
        constraints = connection.execute(text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(CAST(:tables AS regclass[])) AND contype IN ('f', 'u') ORDER BY contype DESC"
        ), {"tables": list(TABLE_ORDER)}).all()
        indexes = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:tables) AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ), {"tables": list(TABLE_ORDER)}).all()
        for table, name, _, _ in constraints:
            connection.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        _rebuild(engine, constraints, indexes)


def _rebuild(engine: Engine, constraints, indexes) -> None:
    """Indexes and unique constraints first, then foreign keys (which use the parents' keys)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET maintenance_work_mem = '512MB'"))
        for _, definition in indexes:
            connection.execute(text(definition))
        for table, name, definition, kind in sorted(constraints, key=lambda c: c[3] == "f"):
            connection.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def move_sequences(engine: Engine) -> None:
    """Past the largest id of every table loaded (PostgreSQL identities; SQLite follows max(rowid) itself)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in TABLE_ORDER:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} HAVING max(id) IS NOT NULL"
            ))


def analyse(engine: Engine) -> None:
    """Fresh planner statistics, so the first queries over millions of new rows pick the indexes, and
    the visibility map set, so index-only scans (the export's ids by `(id, created_at)`) need not visit
    the heap: a server with autovacuum off, or one that has not reached the new rows yet, would
    otherwise leave them unset. VACUUM of freshly loaded rows is cheap (4 s for 11.75 M scores)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in TABLE_ORDER:
                connection.execute(text(f"VACUUM (ANALYZE) {table}"))

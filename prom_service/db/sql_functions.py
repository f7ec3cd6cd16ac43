"""SQL written once for both databases we run on: functions, and the upsert each dialect spells its own way."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class latest_of(FunctionElement):
    """The latest of some dates or timestamps, ignoring NULLs (NULL when all are), typed as the first.

    PostgreSQL's `greatest` ignores NULLs; SQLite's many-argument `max` returns NULL if any argument is,
    so there each argument is coalesced with the others."""

    inherit_cache = True

    def __init__(self, *clauses):
        super().__init__(*clauses)
        self.type = self.clauses.clauses[0].type


@compiles(latest_of)
def _latest_of(element, compiler, **kw):
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(latest_of, "sqlite")
def _latest_of_sqlite(element, compiler, **kw):
    args = [compiler.process(arg, **kw) for arg in element.clauses]
    rotations = [", ".join(args[i:] + args[:i]) for i in range(len(args))]
    return "max(" + ", ".join(f"coalesce({rotation})" for rotation in rotations) + ")"


def upsert(connection: Connection, table):
    """`INSERT` with `ON CONFLICT` (`.on_conflict_do_update`, `.excluded`) in the connection's dialect."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)

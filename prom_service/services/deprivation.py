"""The IMD decile of each LSOA, loaded from the published English Indices of Deprivation CSV.

The table comes from the file an organisation downloads (IoD2019 "File 1: Index of Multiple
Deprivation", 32,844 LSOAs on 2011 boundaries; or its successor IoD2025, 33,755 LSOAs on 2021
boundaries), under the Open Government Licence. Column names differ between editions and files, so they
are found by what they say: an LSOA *code* column ("LSOA code (2011)", "LSOA code (2021)", "lsoa11cd",
"LSOA21CD") and the IMD *decile* column ("Index of Multiple Deprivation (IMD) Decile …", "IMD decile";
in File 7, which holds every domain's deciles, the one naming the IMD). Decile 1 is the most deprived
tenth of areas. A load replaces the whole table in one transaction: a new edition supersedes the old.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, TextIO

from sqlalchemy import delete, insert

from prom_service.db.models import DeprivationDecile
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.cost_event_rows import RowProblem
from prom_service.services.errors import InvalidInput

LSOA_CODE = re.compile(r"^[EW]0\d{7}$")
LSOA_HEADERS = ("lsoa11cd", "lsoa21cd", "lsoa", "lsoa_code", "lsoa code")
LISTED_LIMIT = 100


class DecileFileInvalid(InvalidInput):
    """The file cannot be loaded; nothing was changed."""


@dataclass(frozen=True)
class DecileLoad:
    areas: int
    lsoa_column: str
    decile_column: str
    source: str


def load_deprivation_deciles(uow: UnitOfWork, stream: TextIO, source: str, now: datetime) -> DecileLoad:
    """Replace the decile table with the file's; DecileFileInvalid names missing columns or bad rows."""
    reader = csv.reader(stream)
    header = next(reader, [])
    lsoa_at, decile_at = find_columns(header)
    deciles, problems = _read_deciles(reader, lsoa_at, decile_at)
    if problems:
        raise DecileFileInvalid(
            {"rows": [vars(problem) for problem in problems[:LISTED_LIMIT]]},
            f"{len(problems)} rows cannot be read; nothing was loaded",
        )
    if not deciles:
        raise DecileFileInvalid({"file": "has no rows below the header"})
    with uow:
        uow.session.execute(delete(DeprivationDecile))
        rows = [dict(lsoa=lsoa, decile=decile, source=source, loaded_at=now) for lsoa, decile in deciles.items()]
        uow.session.execute(insert(DeprivationDecile), rows)
        uow.commit()
    return DecileLoad(len(deciles), header[lsoa_at].strip(), header[decile_at].strip(), source)


def find_columns(header: list[str]) -> tuple[int, int]:
    """The positions of the LSOA code and IMD decile columns, whatever the edition calls them."""
    names = [_plain(name) for name in header]
    lsoa = [i for i, name in enumerate(names) if name in LSOA_HEADERS or ("lsoa" in name and "code" in name)]
    decile = [i for i, name in enumerate(names) if "decile" in name and _names_the_imd(name)]
    decile = decile or [i for i, name in enumerate(names) if name in ("decile", "imd_decile")]
    errors = {}
    if len(lsoa) != 1:
        errors["lsoa"] = _column_problem("an LSOA code column such as 'LSOA code (2021)' or 'lsoa21cd'", lsoa, header)
    if len(decile) != 1:
        errors["decile"] = _column_problem("an IMD decile column such as 'Index of Multiple Deprivation (IMD) "
                                           "Decile'", decile, header)
    if errors:
        raise DecileFileInvalid(errors, "; ".join(errors.values()))
    return lsoa[0], decile[0]


def _plain(name: str) -> str:
    return " ".join(name.strip().lower().split())


def _names_the_imd(name: str) -> bool:
    return "imd" in name or "index of multiple deprivation" in name


def _column_problem(wanted: str, found: list[int], header: list[str]) -> str:
    if found:
        return f"several columns could be {wanted}: {', '.join(repr(header[i]) for i in found)}"
    return f"no column found for {wanted}; the header has: {', '.join(repr(name) for name in header) or 'nothing'}"


def _read_deciles(reader: Iterator[list[str]], lsoa_at: int, decile_at: int) -> tuple[dict[str, int], list[RowProblem]]:
    deciles: dict[str, int] = {}
    problems: list[RowProblem] = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        lsoa = values[lsoa_at].strip() if lsoa_at < len(values) else ""
        decile = values[decile_at].strip() if decile_at < len(values) else ""
        if not LSOA_CODE.match(lsoa):
            problems.append(RowProblem(number, "lsoa", f"not an LSOA code (E01… or W01…): {lsoa!r}"))
        elif lsoa in deciles:
            problems.append(RowProblem(number, "lsoa", f"{lsoa} appears twice"))
        elif not decile.isdigit() or not 1 <= int(decile) <= 10:
            problems.append(RowProblem(number, "decile", f"must be a whole number 1–10, got {decile!r}"))
        else:
            deciles[lsoa] = int(decile)
    return deciles, problems

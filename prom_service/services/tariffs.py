"""Unit costs per activity, one tariff file per UK financial year, and the price of an item of activity.

A tariff file is `<dir>/<financial-year>.toml` (e.g. `2025-26.toml`, the year 1 April 2025 – 31 March
2026) with a `[tariff]` header (`financial_year`, `source`) and `[activities.<code>]` tables holding
`unit` and `unit_cost`. The shipped files are illustrative; an organisation points `tariffs.dir` at
its own. Money is read as `Decimal` from strings (numbers are accepted and read through their text).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

from prom_service.settings import Settings

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class TariffError(ValueError):
    """A tariff file that cannot be used; the message names the file and the entry."""


class NoTariff(LookupError):
    """No unit cost applies to an activity on a date; the message says what is missing."""


@dataclass(frozen=True)
class UnitCost:
    activity: str
    unit: str
    unit_cost: Decimal


@dataclass(frozen=True)
class Tariff:
    financial_year: str
    source: str
    unit_costs: Mapping[str, UnitCost]


def financial_year(on: date) -> str:
    """The UK financial year holding `on`: 1 April to 31 March, written like `2025-26`."""
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


class TariffBook:
    """Every loaded tariff, looked up by the financial year of an activity's start date."""

    def __init__(self, tariffs: Mapping[str, Tariff]) -> None:
        self.tariffs = dict(tariffs)
        # Every activity code any tariff prices: the codes a cost event may carry.
        self.activities = frozenset(code for tariff in self.tariffs.values() for code in tariff.unit_costs)

    def unit_cost(self, activity: str, on: date) -> tuple[UnitCost, str]:
        """The unit cost in force on `on` and the financial year it came from; NoTariff if none."""
        year = financial_year(on)
        tariff = self.tariffs.get(year)
        if tariff is None:
            raise NoTariff(f"no tariff for financial year {year}; add {year}.toml or give an actual cost")
        if activity not in tariff.unit_costs:
            raise NoTariff(f"the {year} tariff has no unit cost for {activity!r}; add it or give an actual cost")
        return tariff.unit_costs[activity], year


def tariff_directory(settings: Settings) -> Path:
    """`tariffs.dir`, or `tariffs/` beside the configuration files when it is empty."""
    configured = settings.get("tariffs.dir") or ""
    return Path(configured) if configured else settings.config_dir / "tariffs"


def load_tariffs(directory: Path) -> TariffBook:
    """Read every `<year>.toml` in `directory`; TariffError names the first thing that is wrong."""
    if not directory.is_dir():
        raise TariffError(f"{directory}: tariff directory not found (setting tariffs.dir)")
    tariffs = [_read_tariff(path) for path in sorted(directory.glob("*.toml"))]
    return TariffBook({tariff.financial_year: tariff for tariff in tariffs})


def _read_tariff(path: Path) -> Tariff:
    try:
        with path.open("rb") as fh:
            tree = tomllib.load(fh)
    except tomllib.TOMLDecodeError as error:
        raise TariffError(f"{path}: {error}") from None
    header = tree.get("tariff", {})
    year = str(header.get("financial_year", ""))
    if not _is_financial_year(year) or year != path.stem:
        raise TariffError(f"{path}: [tariff] financial_year must be the file's name, like {path.stem!r}")
    activities = tree.get("activities")
    if not isinstance(activities, dict) or not activities:
        raise TariffError(f"{path}: needs [activities.<code>] tables with unit and unit_cost")
    costs = {code: _unit_cost(path, code, entry) for code, entry in activities.items()}
    return Tariff(year, str(header.get("source", "")), costs)


def _is_financial_year(text: str) -> bool:
    match = YEAR_PATTERN.match(text)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


def _unit_cost(path: Path, code: str, entry: Any) -> UnitCost:
    where = f"{path}: activities.{code}"
    if not isinstance(entry, dict) or "unit_cost" not in entry:
        raise TariffError(f"{where}: needs a unit_cost")
    try:
        amount = Decimal(str(entry["unit_cost"]))
    except InvalidOperation:
        raise TariffError(f"{where}.unit_cost: not a number: {entry['unit_cost']!r}") from None
    if not amount.is_finite() or amount < 0:
        raise TariffError(f"{where}.unit_cost: must be zero or more")
    return UnitCost(code, str(entry.get("unit", "item")), amount)

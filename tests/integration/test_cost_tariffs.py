"""Tariffs: one file per UK financial year, read exactly, and refused clearly when wrong."""

from datetime import date
from decimal import Decimal

import pytest

from prom_service.services.tariffs import NoTariff, TariffError, financial_year, load_tariffs, tariff_directory
from prom_service.settings import load_settings


@pytest.fixture
def shipped():
    return load_tariffs(tariff_directory(load_settings({"environment": "test"}, environ={})))


class TestFinancialYear:
    @pytest.mark.parametrize("day, year", [
        (date(2025, 4, 1), "2025-26"), (date(2026, 3, 31), "2025-26"), (date(2026, 4, 1), "2026-27"),
        (date(1999, 12, 31), "1999-00"),
    ])
    def test_the_year_runs_from_1_april_to_31_march(self, day, year):
        assert financial_year(day) == year


class TestShippedTariffs:
    def test_the_unit_cost_is_the_one_in_force_on_the_date(self, shipped):
        assert shipped.unit_cost("gp_appointment", date(2026, 3, 31))[0].unit_cost == Decimal("42.00")
        assert shipped.unit_cost("gp_appointment", date(2026, 4, 1))[1] == "2026-27"

    def test_every_shipped_file_says_it_is_illustrative(self, shipped):
        assert all("ILLUSTRATIVE" in tariff.source for tariff in shipped.tariffs.values())

    def test_a_year_without_a_file_says_what_to_add(self, shipped):
        with pytest.raises(NoTariff, match="add 2019-20.toml"):
            shipped.unit_cost("gp_appointment", date(2019, 6, 1))


class TestOwnTariffs:
    def test_an_organisation_directory_is_used_through_the_setting(self, tmp_path):
        (tmp_path / "2025-26.toml").write_text(
            '[tariff]\nfinancial_year = "2025-26"\n[activities.gp_appointment]\nunit_cost = 39.5\n')
        settings = load_settings({"environment": "test", "tariffs.dir": str(tmp_path)}, environ={})
        book = load_tariffs(tariff_directory(settings))
        assert book.unit_cost("gp_appointment", date(2025, 5, 1))[0].unit_cost == Decimal("39.5")

    @pytest.mark.parametrize("name, text, message", [
        ("2025-26.toml", '[tariff]\nfinancial_year = "2024-25"\n[activities.x]\nunit_cost = "1"\n', "file's name"),
        ("2025-27.toml", '[tariff]\nfinancial_year = "2025-27"\n[activities.x]\nunit_cost = "1"\n', "file's name"),
        ("2025-26.toml", '[tariff]\nfinancial_year = "2025-26"\n', r"needs \[activities"),
        ("2025-26.toml", '[tariff]\nfinancial_year = "2025-26"\n[activities.x]\nunit_cost = "lots"\n', "not a number"),
        ("2025-26.toml", '[tariff]\nfinancial_year = "2025-26"\n[activities.x]\nunit_cost = "-1"\n', "zero or more"),
    ])
    def test_a_wrong_file_is_refused_naming_file_and_entry(self, tmp_path, name, text, message):
        (tmp_path / name).write_text(text)
        with pytest.raises(TariffError, match=message):
            load_tariffs(tmp_path)

"""Loading IMD deciles from the published IoD CSV (a synthetic IoD2019 File 1 stands in for it)."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from prom_service.db.models import DeprivationDecile
from prom_service.services.deprivation import DecileFileInvalid, find_columns, load_deprivation_deciles

SAMPLE = Path(__file__).with_name("test_cost_iod2019_sample.csv")


def load(parts, text: str, source: str = "test"):
    return load_deprivation_deciles(parts.uow(), io.StringIO(text), source, parts.clock.now())


def stored(parts) -> dict[str, int]:
    with parts.uow() as uow:
        return dict(uow.session.execute(select(DeprivationDecile.lsoa, DeprivationDecile.decile)).all())


class TestColumns:
    @pytest.mark.parametrize("header, expected", [
        (["LSOA code (2011)", "LSOA name (2011)", "Index of Multiple Deprivation (IMD) Rank",
          "Index of Multiple Deprivation (IMD) Decile"], (0, 3)),
        (["LSOA code (2021)", "LSOA name (2021)", "Income Decile (where 1 is most deprived 10% of LSOAs)",
          "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"], (0, 3)),
        (["lsoa21cd", "imd_decile"], (0, 1)),
        (["LSOA11CD", "IMD Decile"], (0, 1)),
    ])
    def test_each_editions_names_for_the_two_columns_are_recognised(self, header, expected):
        assert find_columns(header) == expected

    def test_missing_columns_are_named_with_what_the_header_has(self):
        with pytest.raises(DecileFileInvalid) as refused:
            find_columns(["area", "rank"])
        assert set(refused.value.errors) == {"lsoa", "decile"}
        assert "the header has: 'area', 'rank'" in refused.value.errors["lsoa"][0]

    def test_two_candidate_decile_columns_are_ambiguous(self):
        with pytest.raises(DecileFileInvalid, match="several columns"):
            find_columns(["lsoa11cd", "IMD Decile", "IMD decile (2015)"])


class TestLoading:
    def test_the_sample_file_loads_every_area(self, parts):
        loaded = load(parts, SAMPLE.read_text(encoding="utf-8-sig"), "IoD2019 File 1 (synthetic)")
        assert (loaded.areas, loaded.decile_column) == (10, "Index of Multiple Deprivation (IMD) Decile")
        assert stored(parts)["E01000001"] == 1 and stored(parts)["E01000010"] == 10

    def test_a_new_edition_replaces_the_old_table(self, parts):
        load(parts, "lsoa11cd,imd_decile\nE01000001,4\nE01000002,5\n")
        load(parts, "lsoa21cd,imd_decile\nE01000001,6\n")
        assert stored(parts) == {"E01000001": 6}

    def test_a_bad_row_loads_nothing_and_names_the_row(self, parts):
        load(parts, "lsoa11cd,imd_decile\nE01000001,4\n")
        with pytest.raises(DecileFileInvalid) as refused:
            load(parts, "lsoa11cd,imd_decile\nE01000002,4\nE01000003,11\nnonsense,2\n")
        assert [(r["row"], r["field"]) for r in refused.value.errors["rows"]] == [(3, "decile"), (4, "lsoa")]
        assert stored(parts) == {"E01000001": 4}

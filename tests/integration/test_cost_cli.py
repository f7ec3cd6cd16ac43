"""`prom costs import` and `prom reference load-imd` as an operator runs them: real processes, real database."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from prom_service.db.engine import build_engine
from prom_service.db.models import CostEvent, DeprivationDecile, Patient
from tests.integration.test_cli import prom

SAMPLE = Path(__file__).with_name("test_cost_iod2019_sample.csv")
HEADER = "source_id,external_id,activity,start_date,end_date,quantity,cost,provider\n"


@pytest.fixture
def migrated(fresh_database_url, tmp_path):
    """A migrated database holding one patient, EHR-1."""
    assert prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path).returncode == 0
    engine = build_engine(fresh_database_url)
    with engine.begin() as connection:
        connection.execute(insert(Patient), [{"source": "ehr", "external_id": "EHR-1", "preferred_channel": "web",
                                              "created_at": datetime.now(timezone.utc)}])
    yield fresh_database_url, engine
    engine.dispose()


def count(engine, model) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model))


def costs_file(tmp_path: Path, body: str) -> str:
    path = tmp_path / "costs.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


class TestCostsImport:
    def test_report_only_checks_every_row_and_writes_nothing(self, migrated, tmp_path):
        url, engine = migrated
        file = costs_file(tmp_path, "a,EHR-1,gp_appointment,2025-06-01,,,,\nb,EHR-1,outpatient,2025-06-02,,,,\n")
        result = prom("costs", "import", file, "--report-only", url=url, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "would import 2 new events costing £192.00" in result.stdout and "nothing was written" in result.stdout
        assert count(engine, CostEvent) == 0

    def test_a_bad_row_is_reported_by_row_and_field_and_nothing_is_imported(self, migrated, tmp_path):
        url, engine = migrated
        file = costs_file(tmp_path, "a,EHR-1,gp_appointment,2025-06-01,,,,\nb,EHR-2,gp_appointment,2025-06-01,,,,\n")
        result = prom("costs", "import", file, url=url, cwd=tmp_path)
        assert result.returncode == 1
        assert "row 3, external_id: no patient has external_id 'EHR-2'" in result.stderr
        assert count(engine, CostEvent) == 0

    def test_importing_twice_stores_each_event_once(self, migrated, tmp_path):
        url, engine = migrated
        file = costs_file(tmp_path, "a,EHR-1,gp_appointment,2025-06-01,,,,\n")
        first = prom("costs", "import", file, "--source-system", "emis", url=url, cwd=tmp_path)
        second = prom("costs", "import", file, "--source-system", "emis", url=url, cwd=tmp_path)
        assert "imported 1 new events" in first.stdout and "1 duplicates left unchanged" in second.stdout
        assert count(engine, CostEvent) == 1


class TestLoadImd:
    def test_the_published_file_layout_loads_and_says_which_columns_it_used(self, migrated, tmp_path):
        url, engine = migrated
        result = prom("reference", "load-imd", str(SAMPLE), "--source", "IoD2019 File 1", url=url, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "loaded 10 LSOA deciles from IoD2019 File 1" in result.stdout
        assert "'LSOA code (2011)'" in result.stdout and count(engine, DeprivationDecile) == 10

    def test_a_file_without_the_columns_is_refused_clearly(self, migrated, tmp_path):
        url, _ = migrated
        path = tmp_path / "wrong.csv"
        path.write_text("area,score\nE01000001,12.5\n")
        result = prom("reference", "load-imd", str(path), url=url, cwd=tmp_path)
        assert result.returncode == 1 and "no column found for an LSOA code column" in result.stderr

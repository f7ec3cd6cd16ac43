"""Importing cost events: priced by tariff, idempotent, all or nothing, on the real database."""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from prom_service.db.models import CostEvent
from prom_service.domain.cost_event_rows import read_csv_rows
from prom_service.services import cost_events
from prom_service.services.access import SYSTEM, Actor
from prom_service.services.tariffs import load_tariffs, tariff_directory
from tests.factories import make_patient, make_team

HEADER = "source_id,external_id,activity,start_date,end_date,quantity,cost,provider\n"


@pytest.fixture
def tariffs(settings):
    return load_tariffs(tariff_directory(settings))


@pytest.fixture
def patient(parts):
    with parts.uow() as uow:
        person = make_patient(uow.session, external_id="EHR-7")
        uow.commit()
    return person


def csv_rows(text: str):
    problems, rows = read_csv_rows(io.StringIO(text))
    assert problems == []
    return rows


def run_import(parts, tariffs, text, actor=SYSTEM, **options):
    return cost_events.import_cost_events(parts.uow(), actor, csv_rows(text), tariffs, parts.clock.now(), **options)


def stored(parts):
    with parts.uow() as uow:
        return uow.session.scalars(select(CostEvent).order_by(CostEvent.source_id)).all()


class TestPricing:
    def test_a_gp_appointment_costs_the_unit_cost_of_its_financial_year(self, parts, tariffs, patient):
        run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2026-03-31,,,,\nb,EHR-7,gp_appointment,2026-04-01,,2,,\n")
        march, april = stored(parts)
        assert (march.cost, march.tariff) == (Decimal("42.00"), "2025-26")
        assert (april.cost, april.unit_cost, april.tariff) == (Decimal("88.00"), Decimal("44.00"), "2026-27")

    def test_an_admission_is_priced_per_night_between_admission_and_discharge(self, parts, tariffs, patient):
        run_import(parts, tariffs, HEADER + "a,EHR-7,emergency_admission,2025-05-01,2025-05-05,,,Royal Free\n")
        (admission,) = stored(parts)
        assert admission.quantity == 4 and admission.cost == Decimal("1800.00") and admission.provider == "Royal Free"

    def test_an_actual_cost_overrides_the_tariff_but_keeps_the_unit_cost_for_comparison(self, parts, tariffs, patient):
        run_import(parts, tariffs, HEADER + "a,EHR-7,ae_attendance,2025-06-01,,,312.40,\n")
        (event,) = stored(parts)
        assert (event.cost, event.actual_cost, event.unit_cost) == (Decimal("312.40"), Decimal("312.40"), Decimal("250.00"))

    def test_an_actual_cost_makes_a_year_without_a_tariff_importable(self, parts, tariffs, patient):
        run_import(parts, tariffs, HEADER + "a,EHR-7,outpatient,2019-06-01,,,120,\n")
        (event,) = stored(parts)
        assert event.cost == Decimal("120.00") and event.tariff is None


class TestIdempotency:
    def test_the_same_source_id_twice_is_one_event_and_the_second_is_a_duplicate(self, parts, tariffs, patient):
        first = run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\n")
        second = run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2025-07-01,,,99,\nb,EHR-7,outpatient,2025-07-01,,,,\n")
        assert (first.created, second.created, second.duplicate_count) == (1, 1, 1)
        assert second.duplicates[0].row == 2 and second.duplicates[0].source_id == "a"
        assert [e.start_date for e in stored(parts)] == [date(2025, 6, 1), date(2025, 7, 1)]

    def test_a_repeat_inside_one_file_is_a_duplicate_too(self, parts, tariffs, patient):
        report = run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\na,EHR-7,gp_appointment,2025-06-01,,,,\n")
        assert (report.created, report.duplicate_count, len(stored(parts))) == (1, 1, 1)

    def test_the_same_source_id_from_another_source_system_is_another_event(self, parts, tariffs, patient):
        run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\n", source_system="emis")
        run_import(parts, tariffs, HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\n", source_system="social_care")
        assert {e.source_system for e in stored(parts)} == {"emis", "social_care"}


class TestAllOrNothing:
    def test_one_bad_row_writes_nothing_and_the_report_names_row_and_field(self, parts, tariffs, patient):
        text = HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\nb,EHR-7,gp_appointment,01/06/2025,,,,\nc,EHR-7,gp_appointment,2025-06-02,,,,\n"
        with pytest.raises(cost_events.RowsInvalid) as refused:
            run_import(parts, tariffs, text)
        assert refused.value.errors["rows"] == [
            {"row": 3, "field": "start_date", "message": "must be an ISO date (YYYY-MM-DD), got '01/06/2025'"}
        ]
        assert "nothing was imported" in str(refused.value) and stored(parts) == []

    def test_every_problem_of_every_row_is_reported_at_once(self, parts, tariffs, patient):
        text = HEADER + "a,NOBODY,gp_appointment,2025-06-01,,,,\nb,EHR-7,teleportation,2025-06-01,,0,,\n"
        report = cost_events.check_cost_events(parts.uow(), SYSTEM, csv_rows(text), tariffs, parts.clock.now())
        assert {(p.row, p.field) for p in report.problems} == {(2, "external_id"), (3, "activity"), (3, "quantity")}

    def test_a_stay_without_a_discharge_date_is_refused(self, parts, tariffs, patient):
        report = cost_events.check_cost_events(
            parts.uow(), SYSTEM, csv_rows(HEADER + "a,EHR-7,respite_stay,2025-06-01,,,,\n"), tariffs, parts.clock.now())
        assert [(p.field, p.message) for p in report.problems] == [
            ("end_date", "is required for respite_stay: the discharge or leaving date")]

    def test_checking_only_reports_what_would_happen_and_writes_nothing(self, parts, tariffs, patient):
        report = cost_events.check_cost_events(
            parts.uow(), SYSTEM, csv_rows(HEADER + "a,EHR-7,gp_appointment,2025-06-01,,,,\n"), tariffs, parts.clock.now())
        assert (report.new, report.created, report.written, report.total_cost) == (1, 0, False, Decimal("42.00"))
        assert stored(parts) == []


class TestTeamScoping:
    def test_a_team_key_cannot_add_costs_to_another_teams_patient(self, parts, tariffs):
        with parts.uow() as uow:
            north, south = make_team(uow.session, "north"), make_team(uow.session, "south")
            make_patient(uow.session, external_id="S-1", team=south)
            uow.commit()
        north_key = Actor("api_client", "1", frozenset({north.id}), frozenset({"write:costs"}))
        report = cost_events.check_cost_events(
            parts.uow(), north_key, csv_rows(HEADER + "a,S-1,gp_appointment,2025-06-01,,,,\n"), tariffs,
            parts.clock.now(), source_system="x")
        assert [(p.field, p.message) for p in report.problems] == [("external_id", "no patient has external_id 'S-1'")]


class TestLargeFiles:
    def test_ten_thousand_rows_go_in_as_one_bulk_insert(self, parts, tariffs, patient):
        text = HEADER + "".join(f"r{i},EHR-7,sms_segment,2025-06-01,,3,,\n" for i in range(10_000))
        report = run_import(parts, tariffs, text)
        with parts.uow() as uow:
            total = uow.session.scalar(select(func.sum(CostEvent.cost)))
        assert report.created == 10_000 and total == Decimal("1200.00") == report.total_cost

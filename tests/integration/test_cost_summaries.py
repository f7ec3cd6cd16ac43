"""The cost summaries stay exactly what a rebuild from the cost events would give, whatever writes them.

Each test writes events one way (CSV import priced by tariff, a re-import, an event arriving after the
enrolment ended, the ORM as the SMS sender does, a new or ended enrolment) and checks the summary rows
by hand, then that a full rebuild changes nothing; the value report's figures are checked against the
rows the report would count without summaries.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from prom_service.db.models import Enrolment, Patient
from prom_service.db.models.cost_summary import CostSummaryDay, EnrolmentCost, PatientLookbackCost
from prom_service.domain.cost_event_rows import read_csv_rows
from prom_service.services import cost_events, cost_summaries, value_report
from prom_service.services.access import SYSTEM
from prom_service.services.segments import patient_segments, segment_scheme
from prom_service.services.tariffs import load_tariffs, tariff_directory
from prom_service.settings import Settings
from tests.factories import at, make_community, make_cost_event, make_enrolment, make_patient

HEADER = "source_id,external_id,activity,start_date,end_date,quantity,cost,provider\n"
DAY = date(2026, 6, 30)
SCHEME = segment_scheme(Settings(values={"segments.tier_edges_percent": [20, 50], "segments.lookback_months": 12}))


@pytest.fixture
def tariffs(settings):
    return load_tariffs(tariff_directory(settings))


@pytest.fixture
def people(parts):
    """Ann enrolled 1 Jan 2026 and still there; Bob enrolled 1 Jan, left 1 Apr 2026; nobody else."""
    with parts.uow() as uow:
        s = uow.session
        frail = make_community(s, "frail_elderly")
        ann, bob = make_patient(s, external_id="ANN"), make_patient(s, external_id="BOB")
        ann_enrolment = make_enrolment(s, ann, frail)
        bob_enrolment = make_enrolment(s, bob, frail, left="2026-04-01")
        uow.commit()
        return {"ann": ann.id, "bob": bob.id, "ann_enrolment": ann_enrolment.id, "bob_enrolment": bob_enrolment.id,
                "frail": frail}


def run_import(parts, tariffs, text: str):
    problems, rows = read_csv_rows(io.StringIO(HEADER + text))
    assert problems == []
    return cost_events.import_cost_events(parts.uow(), SYSTEM, rows, tariffs, parts.clock.now())


def enrolment_costs(parts) -> dict[int, tuple[Decimal, date]]:
    with parts.uow() as uow:
        rows = uow.session.execute(select(EnrolmentCost.enrolment_id, EnrolmentCost.cost, EnrolmentCost.last_start_date))
        return {enrolment: (Decimal(str(cost)).quantize(Decimal("0.01")), last) for enrolment, cost, last in rows}


def lookback_costs(parts) -> dict[int, Decimal]:
    with parts.uow() as uow:
        rows = uow.session.execute(select(PatientLookbackCost.patient_id, PatientLookbackCost.spend))
        return {patient: Decimal(str(spend)).quantize(Decimal("0.01")) for patient, spend in rows}


def assert_a_rebuild_changes_nothing(parts) -> None:
    before = enrolment_costs(parts), lookback_costs(parts)
    cost_summaries.rebuild(parts.uow(), DAY, 12)
    assert (enrolment_costs(parts), lookback_costs(parts)) == before


def start_lookback(parts) -> None:
    """The summaries as the nightly job leaves them for DAY."""
    cost_summaries.rebuild(parts.uow(), DAY, 12)


class TestImportsKeepTheSummariesCurrent:
    def test_tariff_priced_rows_count_inside_each_enrolment_and_the_lookback(self, parts, tariffs, people):
        start_lookback(parts)
        run_import(parts, tariffs, "a,ANN,gp_appointment,2026-03-31,,,,\n"  # £42.00 in the 2025-26 tariff
                                   "b,ANN,gp_appointment,2025-12-01,,,,\n"  # before Ann enrolled: look-back only
                                   "c,BOB,gp_appointment,2026-03-31,,2,,\n"  # 2 × £42.00 while Bob was enrolled
                                   "d,BOB,outpatient,2026-05-01,,,150,\n")  # after Bob left: look-back only
        assert enrolment_costs(parts) == {people["ann_enrolment"]: (Decimal("42.00"), date(2026, 3, 31)),
                                          people["bob_enrolment"]: (Decimal("84.00"), date(2026, 3, 31))}
        assert lookback_costs(parts) == {people["ann"]: Decimal("84.00"), people["bob"]: Decimal("234.00")}
        assert_a_rebuild_changes_nothing(parts)

    def test_importing_the_same_file_again_changes_nothing(self, parts, tariffs, people):
        start_lookback(parts)
        text = "a,ANN,gp_appointment,2026-02-01,,,,\nb,ANN,outpatient,2026-03-01,,,120,\n"
        run_import(parts, tariffs, text)
        once = enrolment_costs(parts), lookback_costs(parts)
        second = run_import(parts, tariffs, text)
        assert second.duplicate_count == 2 and (enrolment_costs(parts), lookback_costs(parts)) == once
        assert once[0][people["ann_enrolment"]][0] == Decimal("162.00")

    def test_an_event_arriving_after_the_enrolment_ended_still_counts_for_it(self, parts, tariffs, people):
        start_lookback(parts)
        run_import(parts, tariffs, "a,BOB,outpatient,2026-02-01,,,100,\n")
        run_import(parts, tariffs, "late,BOB,outpatient,2026-03-15,,,250,\n")  # sent in June, dated March
        assert enrolment_costs(parts)[people["bob_enrolment"]] == (Decimal("350.00"), date(2026, 3, 15))
        assert lookback_costs(parts)[people["bob"]] == Decimal("350.00")
        assert_a_rebuild_changes_nothing(parts)

    def test_events_outside_the_lookback_day_leave_it_alone(self, parts, tariffs, people):
        start_lookback(parts)
        run_import(parts, tariffs, "old,ANN,outpatient,2025-06-30,,,10,\nnext,ANN,outpatient,2026-07-01,,,20,\n")
        assert lookback_costs(parts) == {}
        assert enrolment_costs(parts)[people["ann_enrolment"]] == (Decimal("20.00"), date(2026, 7, 1))


class TestOrmWritesKeepTheSummariesCurrent:
    def test_an_event_added_through_the_orm_is_summarised_in_its_transaction(self, parts, people):
        start_lookback(parts)
        with parts.uow() as uow:
            ann = uow.session.get(Patient, people["ann"])
            make_cost_event(uow.session, ann, "0.04", "2026-06-01", activity="sms_message")
            uow.commit()
        assert enrolment_costs(parts)[people["ann_enrolment"]] == (Decimal("0.04"), date(2026, 6, 1))
        assert lookback_costs(parts)[people["ann"]] == Decimal("0.04")

    def test_a_new_enrolment_counts_the_events_already_stored(self, parts, tariffs, people):
        run_import(parts, tariffs, "a,BOB,outpatient,2026-05-01,,,70,\nb,BOB,outpatient,2026-06-01,,,30,\n")
        with parts.uow() as uow:
            bob = uow.session.get(Patient, people["bob"])
            again = make_enrolment(uow.session, bob, people["frail"], enrolled="2026-05-15")
            uow.commit()
            again_id = again.id
        assert enrolment_costs(parts)[again_id] == (Decimal("30.00"), date(2026, 6, 1))

    def test_leaving_bounds_the_enrolment_to_its_last_day(self, parts, tariffs, people):
        run_import(parts, tariffs, "a,ANN,outpatient,2026-02-01,,,70,\nb,ANN,outpatient,2026-06-01,,,30,\n")
        with parts.uow() as uow:
            enrolment = uow.session.get(Enrolment, people["ann_enrolment"])
            enrolment.left_at, enrolment.status = datetime(2026, 3, 1, 9, tzinfo=timezone.utc), "left"
            uow.commit()
        assert enrolment_costs(parts)[people["ann_enrolment"]] == (Decimal("70.00"), date(2026, 2, 1))


class TestTheReportReadsTheSummaries:
    @pytest.fixture
    def costs(self, parts, tariffs, people):
        run_import(parts, tariffs, "a,ANN,outpatient,2026-02-01,,,100,\n"
                                   "b,ANN,outpatient,2026-06-30,,,40,\n"
                                   "c,ANN,outpatient,2026-07-02,,,1000,\n"  # after the report date
                                   "d,BOB,outpatient,2026-03-01,,,500,\n"
                                   "e,BOB,outpatient,2026-04-02,,,700,\n")  # after Bob left

    def test_cost_in_each_enrolment_leaves_out_events_after_the_report_date_and_after_leaving(self, parts, costs):
        (community,) = value_report.value_report(parts.uow(), SYSTEM, SCHEME, DAY).communities
        assert community.overall.total_cost == Decimal("640.00")
        (earlier,) = value_report.value_report(parts.uow(), SYSTEM, SCHEME, date(2026, 3, 15)).communities
        assert earlier.overall.total_cost == Decimal("600.00")

    def test_segments_from_the_lookback_summary_equal_those_ranked_from_the_events(self, parts, costs):
        live = value_report.value_report(parts.uow(), SYSTEM, SCHEME, DAY)
        start_lookback(parts)
        with parts.uow() as uow:
            assert cost_summaries.lookback_segments(uow, SCHEME, DAY) is not None
        summarised = value_report.value_report(parts.uow(), SYSTEM, SCHEME, DAY)
        assert summarised == live
        by_segment = {segment.code: figures.people_enrolled for segment, figures in live.communities[0].by_segment}
        assert by_segment == {"top_20": 0, "top_21_50": 1, "rest": 1}  # Bob 1,200 and Ann 140 of two people

    def test_a_lookback_of_another_day_is_not_used(self, parts, costs):
        start_lookback(parts)
        with parts.uow() as uow:
            assert cost_summaries.lookback_segments(uow, SCHEME, date(2026, 6, 29)) is None


class TestSegmentsFromTheSummary:
    @pytest.mark.parametrize("edges", [[1, 5, 20, 50], [20, 50], [10, 30, 60]])
    def test_every_person_lands_in_the_tier_the_ranking_of_the_events_gives(self, parts, edges):
        """23 people, ties across tier edges, some costing nothing: the same tiers either way."""
        scheme = segment_scheme(Settings(values={"segments.tier_edges_percent": edges, "segments.lookback_months": 12}))
        spends = [900, 500, 500, 500, 300, 300, 250, 200, 200, 200, 200, 100, 90, 80, 80, 10, 5, 5, 0, 0, 0]
        with parts.uow() as uow:
            for spend in spends:
                patient = make_patient(uow.session)
                if spend:
                    make_cost_event(uow.session, patient, str(spend), "2026-03-01")
            make_cost_event(uow.session, make_patient(uow.session), "7000", "2024-01-01")  # outside the look-back
            make_patient(uow.session)
            uow.commit()
        with parts.uow() as uow:
            live = dict(uow.session.execute(patient_segments(scheme, DAY)).all())
        cost_summaries.rebuild(parts.uow(), DAY, 12)
        with parts.uow() as uow:
            query, everybody_else = cost_summaries.lookback_segments(uow, scheme, DAY)
            summarised = dict(uow.session.execute(query).all())
        assert {patient: summarised.get(patient, everybody_else) for patient in live} == live
        assert len(set(live.values())) >= 3

    def test_the_most_people_within_an_edge_is_compared_as_cume_dist_compares(self):
        assert cost_summaries.most_within(0.2, 100) == 20 and cost_summaries.most_within(0.2, 99) == 19
        assert cost_summaries.most_within(0.01, 50) == 0 and cost_summaries.most_within(0.5, 1) == 0
        assert all(k / n <= share < (k + 1) / n for share in (0.01, 0.05, 0.2, 0.5) for n in (1, 7, 100, 1001)
                   for k in [cost_summaries.most_within(share, n)])


class TestTheDailyRoll:
    def test_it_rebuilds_once_a_day(self, parts, people):
        now = datetime(2026, 6, 30, 2, tzinfo=timezone.utc)
        assert cost_summaries.roll(parts.uow(), now, 12) == {"rebuilt": 1}
        assert cost_summaries.roll(parts.uow(), now.replace(hour=5), 12) == {}
        assert cost_summaries.roll(parts.uow(), at("2026-07-01", 0), 12) == {"rebuilt": 1}
        with parts.uow() as uow:
            assert uow.session.scalar(select(CostSummaryDay.day)) == date(2026, 7, 1)

    def test_it_repairs_a_summary_someone_emptied(self, parts, tariffs, people):
        run_import(parts, tariffs, "a,ANN,outpatient,2026-02-01,,,100,\n")
        with parts.uow() as uow:
            uow.session.execute(delete(EnrolmentCost))
            uow.commit()
        cost_summaries.roll(parts.uow(), at("2026-06-30", 1), 12)
        assert enrolment_costs(parts)[people["ann_enrolment"]] == (Decimal("100.00"), date(2026, 2, 1))

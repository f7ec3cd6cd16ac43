"""The enrolment summaries stay what a rebuild from the rows would give, and the value report read through
them gives what counting the rows by hand gives, as of any day (before, between and after activity).

Two people in one community: Ann with LIS, invitations and days at home spread from January to
September 2026, Bob enrolled in March with a baseline only.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from prom_service.db.engine import build_engine
from prom_service.db.migrations import upgrade
from prom_service.db.models import Community, Enrolment, Invitation, LifeImproverScore, OutcomeSetVersion, Patient, Score
from prom_service.db.models.enrolment_summary import EnrolmentSummary
from prom_service.scheduler.jobs import roll_cost_summaries
from prom_service.services import cost_summaries, enrolment_summaries, value_report
from prom_service.services.access import SYSTEM
from prom_service.services.invitation_planning import record_transition
from prom_service.services.segments import segment_scheme
from prom_service.settings import Settings
from tests.factories import (
    at, make_community, make_cost_event, make_days_at_home, make_enrolment, make_invitation, make_lis, make_patient,
)

SCHEME = segment_scheme(Settings(values={"segments.tier_edges_percent": [20, 50], "segments.lookback_months": 12}))
SUMMARY = (EnrolmentSummary.baseline_lis, EnrolmentSummary.latest_lis, EnrolmentSummary.invitations_sent,
           EnrolmentSummary.invitations_completed, EnrolmentSummary.days_at_home, EnrolmentSummary.last_activity_at)
COPIED = (EnrolmentSummary.community_id, EnrolmentSummary.outcome_set_version_id, EnrolmentSummary.enrolled_at,
          EnrolmentSummary.left_at, EnrolmentSummary.lsoa, EnrolmentSummary.cost, EnrolmentSummary.cost_through,
          EnrolmentSummary.lookback_spend)


@pytest.fixture
def people(parts):
    with parts.uow() as uow:
        s = uow.session
        frail = make_community(s, "frail_elderly")
        ann, bob = make_patient(s, external_id="ANN"), make_patient(s, external_id="BOB")
        ann_enrolment = make_enrolment(s, ann, frail, enrolled="2026-01-01")
        bob_enrolment = make_enrolment(s, bob, frail, enrolled="2026-03-01")
        for value, observed in ((40, "2026-01-05"), (None, "2026-02-01"), (48, "2026-04-05"), (55, "2026-07-05"),
                                (61, "2026-09-05")):
            make_lis(s, ann_enrolment, value, observed)
        make_lis(s, bob_enrolment, 50, "2026-03-03")
        for status, due in (("completed", "2026-01-02"), ("expired", "2026-04-02"), ("completed", "2026-07-02"),
                            ("sent", "2026-09-02"), ("planned", "2026-12-02")):
            make_invitation(s, ann_enrolment, status, due)
        make_invitation(s, bob_enrolment, "reminded", "2026-03-02")
        make_days_at_home(s, ann, 80, "2026-03-31")
        make_days_at_home(s, ann, 85, "2026-06-30")
        uow.commit()
        return {"ann": ann.id, "bob": bob.id, "ann_enrolment": ann_enrolment.id, "bob_enrolment": bob_enrolment.id}


def summaries(parts, columns=SUMMARY) -> dict[int, tuple]:
    with parts.uow() as uow:
        rows = uow.session.execute(select(EnrolmentSummary.enrolment_id, *columns))
        return {enrolment: tuple(rest) for enrolment, *rest in rows}


def assert_a_rebuild_changes_nothing(parts) -> None:
    before = summaries(parts, SUMMARY + COPIED)
    enrolment_summaries.rebuild(parts.uow())
    assert summaries(parts, SUMMARY + COPIED) == before


def report(parts, day: date):
    return value_report.value_report(parts.uow(), SYSTEM, SCHEME, day)


def figures_from_the_rows(parts, day: date) -> dict[str, tuple]:
    """Per community code: (pairs, invitations sent, completed, mean change, people with days at home, their
    mean), counted in Python from the ORM rows as of the end of `day`: what the report must give, however
    it gets there."""
    end = datetime.combine(day, time.max, timezone.utc)
    found: dict[str, tuple] = {}
    with parts.uow() as uow:
        s = uow.session
        for community in s.scalars(select(Community)):
            changes, sent, completed, at_home = [], 0, 0, []
            for enrolment in s.scalars(select(Enrolment).where(Enrolment.community_id == community.id,
                                                               Enrolment.enrolled_at <= end)):
                scored = _as_of(end, s.scalars(select(LifeImproverScore).where(
                    LifeImproverScore.enrolment_id == enrolment.id)))
                if len(scored) > 1:
                    changes.append(scored[-1][2] - scored[0][2])
                due = [row.status for row in s.scalars(select(Invitation).where(
                    Invitation.enrolment_id == enrolment.id)) if row.due_at <= end]
                sent += sum(status in enrolment_summaries.SENT_STATUSES for status in due)
                completed += due.count("completed")
                days = _as_of(end, s.scalars(select(Score).where(
                    Score.patient_id == enrolment.patient_id, Score.instrument == "days_at_home")))
                if days:
                    at_home.append(days[-1][2])
            found[community.code] = (
                len(changes), sent, completed, round(sum(changes) / len(changes), 2) if changes else None,
                len(at_home), round(sum(at_home) / len(at_home), 1) if at_home else None)
    return found


def _as_of(end: datetime, rows) -> list[tuple]:
    """(observed, id, value) of the rows with a value observed by `end`, first to last."""
    return sorted((row.observed_at, row.id, row.value) for row in rows if row.value is not None and row.observed_at <= end)


def figures_of(found) -> dict[str, tuple]:
    return {community.community: (
        f.people_with_baseline_and_follow_up, f.invitations_sent, f.invitations_completed, f.mean_change,
        f.people_with_days_at_home, f.mean_days_at_home) for community, f in ((c, c.overall) for c in found.communities)}


class TestOrmWritesKeepTheSummariesCurrent:
    def test_scores_invitations_and_days_at_home_are_summarised_in_their_transaction(self, parts, people):
        ann, bob = summaries(parts)[people["ann_enrolment"]], summaries(parts)[people["bob_enrolment"]]
        assert ann == (40, 61, 4, 2, 85, at("2026-09-05"))  # the planned invitation counts nowhere
        assert bob[:5] == (50, None, 1, 0, None)
        assert_a_rebuild_changes_nothing(parts)

    def test_an_invitation_answered_or_sent_changes_the_counts(self, parts, people, clock):
        with parts.uow() as uow:
            sent, planned = uow.session.scalars(select(Invitation).where(
                Invitation.enrolment_id == people["ann_enrolment"], Invitation.status.in_(("sent", "planned")))
                .order_by(Invitation.due_at)).all()
            record_transition(uow, sent, "sent", "completed", None, clock.now())
            record_transition(uow, planned, "planned", "sent", None, clock.now())
            uow.commit()
        assert summaries(parts)[people["ann_enrolment"]][2:4] == (5, 3)
        assert_a_rebuild_changes_nothing(parts)

    def test_moving_a_counted_invitation_moves_the_last_activity(self, parts, people):
        with parts.uow() as uow:
            sent = uow.session.scalars(select(Invitation).where(
                Invitation.enrolment_id == people["ann_enrolment"], Invitation.status == "sent")).one()
            sent.due_at = at("2026-10-01")
            uow.commit()
        assert summaries(parts)[people["ann_enrolment"]][5] == at("2026-10-01")
        assert_a_rebuild_changes_nothing(parts)

    def test_a_days_at_home_score_reaches_every_enrolment_of_the_person(self, parts, people):
        with parts.uow() as uow:
            make_days_at_home(uow.session, uow.session.get(Patient, people["bob"]), 77, "2026-05-31")
            uow.commit()
        assert summaries(parts)[people["bob_enrolment"]][4] == 77
        assert_a_rebuild_changes_nothing(parts)

    def test_a_new_enrolment_has_a_row_at_once(self, parts, people):
        with parts.uow() as uow:
            version = uow.session.scalars(select(OutcomeSetVersion)).first()
            carol = make_enrolment(uow.session, make_patient(uow.session, external_id="CAROL"), version)
            uow.commit()
            carol_id = carol.id
        assert summaries(parts)[carol_id] == (None, None, 0, 0, None, None)


class TestWhatTheRowsCopyStaysCurrent:
    """The enrolment, the person's area and the cost summaries' figures, copied so the report reads one table."""

    def test_a_cost_event_reaches_the_enrolment_cost_and_the_lookback(self, parts, people):
        cost_summaries.rebuild(parts.uow(), date(2026, 6, 30), 12)
        with parts.uow() as uow:
            make_cost_event(uow.session, uow.session.get(Patient, people["ann"]), "120.50", "2026-06-01")
            uow.commit()
        assert summaries(parts, COPIED)[people["ann_enrolment"]][5:] == (Decimal("120.50"), date(2026, 6, 1),
                                                                       Decimal("120.50"))
        assert_a_rebuild_changes_nothing(parts)

    def test_leaving_and_moving_house_are_copied(self, parts, people):
        with parts.uow() as uow:
            make_cost_event(uow.session, uow.session.get(Patient, people["bob"]), "70", "2026-05-01")
            uow.commit()
        with parts.uow() as uow:
            uow.session.get(Enrolment, people["bob_enrolment"]).left_at = at("2026-04-01")
            uow.session.get(Patient, people["bob"]).lsoa = "E01000002"
            uow.commit()
        left_at, lsoa, cost, through, _ = summaries(parts, COPIED)[people["bob_enrolment"]][3:]
        assert (left_at, lsoa, cost, through) == (at("2026-04-01"), "E01000002", 0, None)
        assert_a_rebuild_changes_nothing(parts)


class TestTheReportIsExactAsOfAnyDay:
    @pytest.mark.parametrize("day", [date(2025, 12, 31), date(2026, 1, 5), date(2026, 3, 15), date(2026, 5, 1),
                                     date(2026, 7, 3), date(2026, 9, 5), date(2026, 12, 31)])
    def test_through_the_summaries_it_equals_the_rows_counted_by_hand(self, parts, people, day):
        assert figures_of(report(parts, day)) == figures_from_the_rows(parts, day)

    @pytest.mark.parametrize("day", [date(2025, 12, 31), date(2026, 3, 15), date(2026, 7, 3), date(2026, 12, 31)])
    def test_in_one_scan_of_the_summaries_it_equals_the_rows_counted_by_hand(self, parts, people, day):
        """With the look-back summarised as of the report's day, the report reads only the summaries."""
        joined = report(parts, day)
        cost_summaries.rebuild(parts.uow(), day, 12)
        assert figures_of(report(parts, day)) == figures_from_the_rows(parts, day) == figures_of(joined)

    def test_before_between_and_after_activity_it_counts_what_was_there(self, parts, people):
        (before,) = report(parts, date(2026, 3, 15)).communities
        assert (before.overall.invitations_sent, before.overall.invitations_completed) == (2, 1)  # Ann's Jan, Bob's
        assert before.overall.people_with_baseline_and_follow_up == 0
        assert before.overall.mean_days_at_home is None
        (between,) = report(parts, date(2026, 7, 5)).communities
        assert between.overall.people_with_baseline_and_follow_up == 1 and between.overall.mean_change == 15
        assert (between.overall.invitations_sent, between.overall.invitations_completed) == (4, 2)
        assert between.overall.mean_days_at_home == 85
        (after,) = report(parts, date(2026, 12, 31)).communities
        assert after.overall.mean_change == 21 and after.overall.invitations_sent == 5

    def test_many_enrolments_with_later_activity_are_read_by_sub_query(self, parts, people, monkeypatch):
        listed = report(parts, date(2026, 5, 1))
        monkeypatch.setattr(value_report, "LISTED_AT_MOST", 0)
        assert report(parts, date(2026, 5, 1)) == listed


class TestTheDailyJob:
    def test_it_repairs_a_summary_someone_emptied(self, parts, people):
        before = summaries(parts)
        with parts.uow() as uow:
            uow.session.execute(delete(EnrolmentSummary))
            uow.commit()
        assert roll_cost_summaries(parts)["rebuilt"] == 1
        assert summaries(parts) == before


@pytest.mark.postgres_only
class TestConcurrentWriters:
    def test_a_writer_waits_for_another_on_the_same_enrolment_and_then_counts_its_rows(self, fresh_database_url):
        """Two transactions each add a LIS to one enrolment. The second recomputes after the first
        commits, so the row holds both (recomputing from its own snapshot would lose the first's)."""
        upgrade(fresh_database_url)
        engine = build_engine(fresh_database_url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        try:
            with sessions() as s:
                version = make_community(s)
                enrolment = make_enrolment(s, make_patient(s), version)
                s.commit()
            first = sessions()
            make_lis(first, enrolment, 40, "2026-01-05")  # flushed: the enrolment is held until commit
            second = threading.Thread(target=_add_lis_and_commit, args=(sessions, enrolment, 60, "2026-04-05"))
            second.start()
            second.join(timeout=1)
            assert second.is_alive()  # waiting for the first
            first.commit()
            first.close()
            second.join(timeout=10)
            with sessions() as s:
                row = s.get(EnrolmentSummary, enrolment.id)
                assert (row.baseline_lis, row.latest_lis) == (40, 60)
        finally:
            engine.dispose()


def _add_lis_and_commit(sessions, enrolment, value, observed) -> None:
    with sessions() as s:
        make_lis(s, enrolment, value, observed)
        s.commit()

"""The value report against a small population worked out by hand, on the real database.

Community frail_elderly (LIS MID 5), report as of 2026-06-30, usage tiers top 20%, 21–50%, rest:

| person | decile | enrolled           | LIS first → last | cost in enrolment | 12-month cost | invitations sent/done | days at home |
| P1     | 1      | 1 Jan – (181 days) | 40 → 60 (+20)    | 1000              | 1050 (top 20) | 4 / 3                 | 70 (latest)  |
| P2     | 1      | 1 Jan – (181 days) | 50 → 53 (+3)     | 200               | 200  (rest)   | 2 / 2 (+planned, failed) | 90        |
| P3     | 10     | 1 Jan – 1 Apr (91) | 30 → 40 (+10)    | 100 (500 after)   | 600  (21–50)  | 2 / 1                 | —            |
| P4     | —      | 1 Jan – (181 days) | 45 only          | 0                 | 0    (rest)   | 2 / 0                 | —            |
| P5     | 1      | another community  | —                | —                 | 300  (rest)   | —                     | —            |

Paired changes 20, 3, 10: mean 11, s² = 73, t₀.₉₇₅,₂ = 4.302653, so the 95% CI is 11 ± 21.22.
"""

from datetime import date
from decimal import Decimal

import pytest

from prom_service.services import cost_summaries, value_report
from prom_service.services.access import SYSTEM, Actor
from prom_service.services.segments import segment_scheme
from prom_service.settings import Settings
from tests.factories import (
    make_community, make_cost_event, make_days_at_home, make_decile, make_enrolment, make_invitation, make_lis,
    make_patient, make_team,
)

AS_OF = date(2026, 6, 30)
SCHEME = segment_scheme(Settings(values={"segments.tier_edges_percent": [20, 50], "segments.lookback_months": 12}))


@pytest.fixture(params=["joined", "one_scan"])
def population(parts, request):
    """Reported by joining each enrolment to what it needs, or (with the look-back summarised as of the
    report's day) by one scan of the enrolment summaries: the same figures either way."""
    with parts.uow() as uow:
        s = uow.session
        frail, other = make_community(s, "frail_elderly", mid=5), make_community(s, "heart_failure")
        north = make_team(s, "north")
        for lsoa, decile in (("E01000001", 1), ("E01000002", 1), ("E01000003", 10)):
            make_decile(s, lsoa, decile)
        p1, p2 = make_patient(s, lsoa="E01000001", team=north), make_patient(s, lsoa="E01000002")
        p3, p4, p5 = make_patient(s, lsoa="E01000003"), make_patient(s), make_patient(s, lsoa="E01000001")
        e1, e2, e4 = (make_enrolment(s, p, frail) for p in (p1, p2, p4))
        e3 = make_enrolment(s, p3, frail, left="2026-04-01")
        make_enrolment(s, p5, other)
        for enrolment, values in ((e1, [(40, "01-10"), (50, "03-10"), (60, "06-10"), (99, "07-15")]),
                                  (e2, [(50, "01-10"), (None, "02-10"), (53, "06-10")]),
                                  (e3, [(30, "01-10"), (40, "03-10")]), (e4, [(45, "01-10")])):
            for value, day in values:
                make_lis(s, enrolment, value, f"2026-{day}")
        for patient, cost, day in ((p1, "50", "2025-12-01"), (p1, "1000", "2026-02-01"), (p2, "200", "2026-03-01"),
                                   (p3, "100", "2026-02-01"), (p3, "500", "2026-05-01"), (p5, "300", "2026-06-01")):
            make_cost_event(s, patient, cost, day)
        for enrolment, statuses in ((e1, "completed completed completed expired"),
                                    (e2, "completed completed planned failed"), (e3, "completed sent"),
                                    (e4, "sent expired")):
            for status in statuses.split():
                make_invitation(s, enrolment, status)
        make_days_at_home(s, p1, 80, "2026-06-01")
        make_days_at_home(s, p1, 70, "2026-06-29")
        make_days_at_home(s, p2, 90, "2026-06-29")
        uow.commit()
    if request.param == "one_scan":
        cost_summaries.rebuild(parts.uow(), AS_OF, 12)
    return {"north": north}


def report(parts, actor=SYSTEM, community="frail_elderly"):
    (community_value,) = value_report.value_report(parts.uow(), actor, SCHEME, AS_OF, community).communities
    return community_value


class TestOverallFigures:
    def test_people_pairs_and_lis_means_match_the_hand_count(self, parts, population):
        overall = report(parts).overall
        assert (overall.people_enrolled, overall.people_with_baseline_and_follow_up) == (4, 3)
        assert (overall.mean_baseline_lis, overall.mean_latest_lis, overall.mean_change) == (40.0, 51.0, 11.0)

    def test_the_change_has_a_t_interval_and_a_share_improved_by_the_mid(self, parts, population):
        overall = report(parts).overall
        assert overall.change_ci95 == (-10.22, 32.22)
        assert overall.share_meaningfully_improved == 0.6667

    def test_response_rate_counts_completed_over_sent_leaving_out_planned_and_failed(self, parts, population):
        overall = report(parts).overall
        assert (overall.invitations_sent, overall.invitations_completed, overall.response_rate) == (10, 6, 0.6)

    def test_cost_counts_only_activity_inside_each_enrolment(self, parts, population):
        overall = report(parts).overall
        assert (overall.total_cost, overall.mean_cost_per_person) == (Decimal("1300.00"), Decimal("325.00"))
        assert overall.person_years == round(634 / 365.25, 3)
        assert overall.cost_per_person_year == Decimal("748.94")

    def test_value_for_money_and_days_at_home(self, parts, population):
        overall = report(parts).overall
        assert overall.lis_points_per_1000_gbp == 25.385  # 33 points over £1,300
        assert (overall.people_with_days_at_home, overall.mean_days_at_home) == (2, 80.0)


class TestBreakdowns:
    def test_segments_rank_everyone_by_twelve_months_of_cost(self, parts, population):
        by_segment = {segment.code: figures for segment, figures in report(parts).by_segment}
        assert list(by_segment) == ["top_20", "top_21_50", "rest"]
        assert (by_segment["top_20"].people_enrolled, by_segment["top_20"].mean_change) == (1, 20.0)
        assert (by_segment["top_21_50"].people_enrolled, by_segment["top_21_50"].total_cost) == (1, Decimal("100.00"))
        assert (by_segment["rest"].people_enrolled, by_segment["rest"].response_rate) == (2, 0.5)

    def test_deciles_show_all_ten_and_the_people_without_a_known_area(self, parts, population):
        by_decile = dict(report(parts).by_deprivation_decile)
        assert list(by_decile) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, None]
        assert (by_decile[1].people_enrolled, by_decile[1].mean_change, by_decile[1].response_rate) == (2, 11.5, 0.8333)
        assert by_decile[1].change_ci95 == (-96.5, 119.5)
        assert (by_decile[10].mean_change, by_decile[None].response_rate, by_decile[5].people_enrolled) == (10.0, 0.0, 0)


class TestScope:
    def test_a_team_key_sees_only_its_patients(self, parts, population):
        north = Actor("api_client", "1", frozenset({population["north"].id}), frozenset({"read:reports"}))
        overall = report(parts, north).overall
        assert (overall.people_enrolled, overall.total_cost) == (1, Decimal("1000.00"))

    def test_an_outcome_set_without_a_mid_uses_five(self, parts):
        with parts.uow() as uow:
            version = make_community(uow.session, "knee_pain", mid=None)
            enrolment = make_enrolment(uow.session, make_patient(uow.session), version)
            make_lis(uow.session, enrolment, 50, "2026-02-01")
            make_lis(uow.session, enrolment, 55, "2026-05-01")
            uow.commit()
        assert report(parts, community="knee_pain").overall.share_meaningfully_improved == 1.0

    def test_every_community_is_reported_when_none_is_named(self, parts, population):
        reported = value_report.value_report(parts.uow(), SYSTEM, SCHEME, AS_OF).communities
        assert [c.community for c in reported] == ["frail_elderly", "heart_failure"]
        assert reported[1].overall.people_enrolled == 1 and reported[1].overall.mean_change is None

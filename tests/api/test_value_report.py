"""GET /api/v1/reports/value: JSON and CSV, scope and team scoping (figures: test_cost_value_report.py)."""

import csv
import io

import pytest

from tests.factories import make_community, make_cost_event, make_decile, make_enrolment, make_lis, make_patient, make_team

URL = "/api/v1/reports/value?community=frail_elderly&as_of=2026-06-30"


@pytest.fixture
def enrolled(parts):
    """Two people in frail_elderly: north's (+10 LIS, £300) and one without a team (+2 LIS, £100)."""
    with parts.uow() as uow:
        s = uow.session
        version, north = make_community(s, "frail_elderly"), make_team(s, "north")
        make_decile(s, "E01000001", 3)
        for team, change, cost in ((north, 10, "300"), (None, 2, "100")):
            patient = make_patient(s, lsoa="E01000001", team=team)
            enrolment = make_enrolment(s, patient, version)
            make_lis(s, enrolment, 50, "2026-01-10")
            make_lis(s, enrolment, 50 + change, "2026-05-10")
            make_cost_event(s, patient, cost, "2026-03-01")
        uow.commit()


class TestJson:
    def test_the_report_has_overall_segment_decile_and_equity_views(self, client, issue_key, enrolled):
        body = client.get(URL, headers=issue_key("read:reports")).json
        (community,) = body["communities"]
        assert body["as_of"] == "2026-06-30" and community["community"] == "frail_elderly"
        assert community["overall"]["mean_change"] == 6.0 and community["overall"]["total_cost"] == "400.00"
        assert [s["segment"] for s in community["by_segment"]] == ["top_1", "top_2_5", "top_6_20", "top_21_50", "rest"]
        decile_3 = next(d for d in community["by_deprivation_decile"] if d["decile"] == 3)
        assert decile_3["people_enrolled"] == 2 and decile_3["change_ci95"] == [-44.82, 56.82]
        assert [e["decile"] for e in community["equity"]] == list(range(1, 11))
        assert set(community["equity"][2]) == {"decile", "people_enrolled", "response_rate", "mean_change",
                                               "change_ci95", "share_meaningfully_improved"}

    def test_an_unknown_community_is_404(self, client, issue_key, enrolled):
        answer = client.get("/api/v1/reports/value?community=nope", headers=issue_key("read:reports"))
        assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


class TestCsv:
    def test_accept_text_csv_gives_one_row_per_group_with_the_interval_in_two_columns(self, client, issue_key, enrolled):
        answer = client.get(URL, headers={**issue_key("read:reports"), "Accept": "text/csv"})
        assert answer.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
        assert len(rows) == 1 + 5 + 10
        overall = rows[0]
        assert (overall["breakdown"], overall["group"], overall["mean_change"]) == ("overall", "all", "6.0")
        assert (overall["change_ci95_low"], overall["change_ci95_high"], overall["total_cost"]) == ("-44.82", "56.82", "400.00")
        assert rows[-1]["breakdown"] == "deprivation_decile" and rows[-1]["group"] == "10"


class TestAccess:
    def test_the_report_needs_read_reports(self, client, issue_key, enrolled):
        assert client.get(URL, headers=issue_key("read:scores")).status_code == 403

    def test_a_team_key_sees_only_its_own_patients_in_the_figures(self, client, issue_key, enrolled):
        (community,) = client.get(URL, headers=issue_key("read:reports", team="north")).json["communities"]
        assert community["overall"]["people_enrolled"] == 1 and community["overall"]["mean_change"] == 10.0

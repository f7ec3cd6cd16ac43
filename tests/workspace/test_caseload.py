"""The caseload: the team's people with latest LIS and its change, alerts and questionnaires; filters, order, pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from prom_service.db.models import Enrolment, LifeImproverScore
from prom_service.domain.change import ChangeClass
from prom_service.services import care_team, enrolment
from prom_service.services.access import SYSTEM, Actor
from prom_service.services.caseload import CaseloadQuery, caseload
from prom_service.services.demo import DEMO_TEAM

OVERDUE_AFTER = timedelta(days=3)


def north(world) -> Actor:
    return Actor("user", str(world.north_user_id), frozenset({world.north_team_id}))


def rows(parts, world, **query):
    return caseload(parts.uow(), north(world), CaseloadQuery(**query), parts.clock.now(), OVERDUE_AFTER)


def names(found) -> list[str]:
    return [row.name for row in found.rows]


class TestWhatEachRowSays:
    def test_a_person_who_got_worse_shows_their_latest_score_and_a_deterioration(self, parts, world):
        bert = next(row for row in rows(parts, world).rows if row.name == "Bert Hughes")
        assert bert.latest_lis is not None and bert.from_baseline.classification is ChangeClass.DETERIORATED
        assert bert.from_baseline.later == bert.latest_lis and bert.from_previous is not None

    def test_a_person_with_only_a_baseline_has_no_change_yet(self, parts, world):
        joan = next(row for row in rows(parts, world).rows if row.name == "Joan Wright")
        assert joan.latest_lis is None and joan.from_baseline is None and joan.next_due is not None

    def test_a_lone_score_is_its_own_baseline_so_there_is_no_change(self, parts, world, clock):
        joan = next(row for row in rows(parts, world).rows if row.name == "Joan Wright")
        with parts.uow() as uow:
            version_id = uow.session.get(Enrolment, joan.enrolment_id).outcome_set_version_id
            uow.session.add(LifeImproverScore(patient_id=joan.patient_id, enrolment_id=joan.enrolment_id, value=55.0,
                                              outcome_set_version_id=version_id, coverage=1.0, inputs={},
                                              observed_at=clock.now()))
            uow.commit()
        joan = next(row for row in rows(parts, world).rows if row.name == "Joan Wright")
        assert joan.latest_lis == 55.0 and joan.from_baseline is None and joan.from_previous is None
        by_change = [row.name for row in rows(parts, world, sort="change").rows if row.from_baseline is None]
        assert "Joan Wright" in by_change

    def test_the_highest_unresolved_alert_is_shown(self, parts, world):
        layla = next(row for row in rows(parts, world).rows if row.name == "Layla Haddad")
        assert layla.alert_severity == "urgent" and layla.unresolved_alerts >= 1

    def test_another_teams_person_is_not_in_the_caseload(self, parts, world):
        assert "Sol South" not in names(rows(parts, world))

    def test_a_person_the_team_enrolled_shows_every_active_enrolment_even_another_teams(self, parts, world, clock):
        enrolment.enrol(parts.uow(), SYSTEM, world.south_patient_id, "type2_diabetes", enrolment.Consent("verbal", "Nia"),
                        clock.now(), enrolment.PlanningPolicy(7, 14), DEMO_TEAM[0])
        sol = [row.community for row in rows(parts, world).rows if row.name == "Sol South"]
        assert sorted(sol) == ["knee_pain", "type2_diabetes"]


class TestFiltersAndOrder:
    def test_urgent_alerts_come_first_by_default(self, parts, world):
        assert rows(parts, world).rows[0].alert_severity == "urgent"

    def test_filtering_by_community(self, parts, world):
        found = rows(parts, world, community="knee_pain")
        assert names(found) == ["George Ellis", "Sam Cole"] and found.total == 2

    def test_filtering_by_alert_severity(self, parts, world):
        assert {row.alert_severity for row in rows(parts, world, severity="urgent").rows} == {"urgent"}
        assert all(row.alert_severity for row in rows(parts, world, severity="any").rows)

    def test_filtering_to_overdue_questionnaires(self, parts, world, clock):
        assert rows(parts, world, overdue_only=True).total == 0
        clock.advance(days=4)
        overdue = rows(parts, world, overdue_only=True)
        assert {"Joan Wright", "Sam Cole", "Nadia Islam"} <= set(names(overdue))
        assert all(row.overdue > 0 for row in overdue.rows)

    def test_sorting_by_name_and_by_change(self, parts, world):
        by_name = names(rows(parts, world, sort="name"))
        assert by_name == sorted(by_name, key=str.lower)
        by_change = [row.from_baseline.difference for row in rows(parts, world, sort="change").rows if row.from_baseline]
        assert by_change == sorted(by_change)

    def test_sorting_by_latest_score_puts_the_unmeasured_last(self, parts, world):
        latest = [row.latest_lis for row in rows(parts, world, sort="lis").rows]
        measured = [value for value in latest if value is not None]
        assert measured == sorted(measured, reverse=True) and latest[len(measured):] == [None] * (11 - len(measured))

    def test_pages_split_the_caseload_without_losing_anyone(self, parts, world):
        pages = [rows(parts, world, sort="name", page=page, per_page=4) for page in (1, 2, 3)]
        assert [len(p.rows) for p in pages] == [4, 4, 3] and pages[0].total == 11 and pages[0].pages == 3
        assert sum((names(p) for p in pages), []) == names(rows(parts, world, sort="name"))

    def test_the_unknown_come_last_in_every_order(self, parts, world):
        def known_first(values: list) -> bool:
            known = [value for value in values if value is not None]
            return values == known + [None] * (len(values) - len(known)) and 0 < len(known) < len(values)

        ranks = [row.alert_severity for row in rows(parts, world).rows]
        assert known_first(ranks) and ranks[0] == "urgent"
        assert known_first([row.from_baseline for row in rows(parts, world, sort="change").rows])
        dues = [row.next_due for row in rows(parts, world, sort="next_due").rows]
        assert dues == sorted(dues, key=lambda due: (due is None, due))

    def test_a_user_whose_teams_change_sees_the_new_caseload_at_once(self, parts, world, clock):
        with parts.uow() as uow:
            south = care_team.ensure_team(uow, "south", "South", clock.now()).id
        both = Actor("user", str(world.north_user_id), frozenset({world.north_team_id, south}))
        assert "Sol South" not in names(rows(parts, world))
        assert "Sol South" in names(caseload(parts.uow(), both, CaseloadQuery(), clock.now(), OVERDUE_AFTER))
        assert "Sol South" not in names(rows(parts, world))

    def test_a_page_past_the_end_is_empty_but_still_counts(self, parts, world):
        beyond = rows(parts, world, page=9, per_page=4)
        assert beyond.rows == () and beyond.total == 11


class TestCost:
    def test_a_page_is_a_fixed_handful_of_statements_whatever_its_size(self, parts, world):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(parts.engine, "before_cursor_execute", listener)
        try:
            rows(parts, world, per_page=50)
        finally:
            event.remove(parts.engine, "before_cursor_execute", listener)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert 1 <= len(selects) <= 3

import pytest

from prom_service.domain.alert_rules import Comparison, DeteriorationRule, MeasureRule, NonResponseRule, Severity
from prom_service.domain.located_yaml import OutcomeSetError, field_name
from prom_service.domain.measure import MeasureKind
from prom_service.domain.outcome_set import SmsMode
from prom_service.domain.outcome_set_loader import load_communities, load_community, read_community

from .conftest import WORKED_EXAMPLE_YAML, fake_catalogue, line_of

FILE = "config/communities/worked_example.yaml"


def error_for(text: str) -> OutcomeSetError:
    with pytest.raises(OutcomeSetError) as caught:
        read_community(text, FILE, fake_catalogue)
    return caught.value


def edited(old: str, new: str, count: int = 1) -> str:
    assert old in WORKED_EXAMPLE_YAML, old
    return WORKED_EXAMPLE_YAML.replace(old, new, count)


class TestReadingACommunity:
    def test_the_community_and_its_outcome_set_are_read(self):
        community = read_community(WORKED_EXAMPLE_YAML, FILE, fake_catalogue)
        outcome_set = community.outcome_set
        assert (community.code, community.name) == ("worked_example", "Worked example")
        assert (outcome_set.community, outcome_set.version, str(outcome_set.published)) == ("worked_example", 1, "2026-01-15")
        assert outcome_set.domain_names == ("time_at_home", "life_satisfaction", "quality_of_life", "anxiety", "personal_goals")
        assert outcome_set.instrument_ids == ("ons4", "eq5d5l", "phq9")
        assert outcome_set.instruments[1].sms_mode is SmsMode.LINK

    def test_each_kind_of_measure_is_resolved(self, worked_example):
        measures = {domain.name: domain.measure for domain in worked_example.domains}
        assert measures["time_at_home"].kind is MeasureKind.DAYS_AT_HOME
        assert measures["time_at_home"].over_days == 90
        assert measures["life_satisfaction"].reference == "ons4.life_satisfaction"
        assert measures["quality_of_life"].reference == "eq5d5l.index"
        assert measures["quality_of_life"].options == {"value_set": "england_2018"}
        assert measures["personal_goals"].kind is MeasureKind.PERSONAL_GOALS
        assert worked_example.alerts[0].measure.kind is MeasureKind.INSTRUMENT_ITEM

    def test_numbers_are_read_as_floats_and_direction_follows_worst_and_best(self, worked_example):
        anxiety = worked_example.domain("anxiety")
        assert (anxiety.worst, anxiety.best, anxiety.weight) == (10.0, 0.0, 1.0)
        assert not anxiety.higher_is_better

    def test_life_improver_score_settings_default_when_left_out(self):
        start, end = WORKED_EXAMPLE_YAML.index("life_improver_score:"), WORKED_EXAMPLE_YAML.index("schedule:")
        community = read_community(WORKED_EXAMPLE_YAML[:start] + WORKED_EXAMPLE_YAML[end:], FILE, fake_catalogue)
        settings = community.outcome_set.life_improver_score
        assert (settings.min_coverage, settings.mid, settings.assessment_window_days) == (0.6, 5.0, 30)

    def test_alert_rules_are_typed(self, worked_example):
        red_flag, threshold, deterioration, non_response = worked_example.alerts
        assert isinstance(red_flag, MeasureRule) and red_flag.severity is Severity.URGENT
        assert red_flag.comparison is Comparison.ABOVE and red_flag.fires_for(1) and not red_flag.fires_for(0)
        assert threshold.measure.reference == "phq9.total" and threshold.fires_for(20) and not threshold.fires_for(19)
        assert isinstance(deterioration, DeteriorationRule) and deterioration.watches("anxiety")
        assert isinstance(non_response, NonResponseRule) and non_response.fires_for(2) and not non_response.fires_for(1)


class TestErrorsNameFileLineAndField:
    def test_a_bad_weight_reads_like_the_issue_says(self):
        text = edited("    weight: 2\n    mid: {value: 0.074", "    weight: three\n    mid: {value: 0.074")
        error = error_for(text)
        line = line_of(text, "weight: three")
        assert str(error) == f"{FILE}:{line}: domains[2].weight: must be a number ≥ 0, got 'three'"
        assert (error.file, error.line, error.field) == (FILE, line, "domains[2].weight")

    def test_an_error_is_a_value_error(self):
        assert isinstance(error_for(edited("version: 1", "version: 0")), ValueError)

    def test_a_missing_field_points_at_its_parent(self):
        text = edited("    label: Feeling anxious\n", "")
        error = error_for(text)
        assert error.field == "domains[3].label" and error.problem == "is required"
        assert error.line == line_of(text, "- name: anxiety")

    def test_an_unknown_field_is_refused_as_a_likely_typo(self):
        error = error_for(edited("    weight: 3\n", "    wieght: 3\n"))
        assert error.field == "domains[0].wieght" and "unknown field" in error.problem

    def test_a_field_given_twice_is_refused(self):
        text = edited("version: 1\n", "version: 1\nversion: 2\n")
        error = error_for(text)
        assert (error.field, error.line) == ("version", line_of(text, "version: 2"))

    def test_invalid_yaml_names_the_line(self):
        text = edited("  - {id: ons4, sms: conversation}", "  - {id: ons4, sms: conversation")
        error = error_for(text)
        assert "invalid YAML" in str(error) and error.file == FILE

    def test_an_empty_file_is_refused(self):
        assert "empty" in str(error_for(""))

    @pytest.mark.parametrize(
        ("old", "new", "field", "problem"),
        [
            ("version: 1", "version: 1.5", "version", "whole number ≥ 1"),
            ("published: 2026-01-15", "published: soon", "published", "must be a date"),
            ("sms: link", "sms: carrier_pigeon", "instruments[1].sms", "must be one of conversation, link"),
            ("{id: eq5d5l", "{id: eq5d9l", "instruments[1].id", "unknown instrument 'eq5d9l'"),
            ("    measure: ons4.anxiety", "    measure: ons4.anxious", "domains[3].measure", "no scale or item 'anxious'"),
            ("    measure: ons4\n", "    measure: kccq12\n", "domains[1].measure", "'kccq12' is not among this community's instruments"),
            ("    over_days: 90\n", "", "domains[0].over_days", "is required for days_at_home"),
            ("value_set: england_2018", "value_set: mars_2030", "domains[2].measure", "no value set 'mars_2030'"),
            ("    worst: -0.285", "    worst: -0.6", "domains[2].worst", "within eq5d5l.index's range -0.567 to 1"),
            ("    best: 90\n", "    best: 120\n", "domains[0].best", "within days_at_home's range 0 to 90"),
            ("    best: 10\n", "    best: 0\n", "domains[1].best", "must differ from worst"),
            ("    worst: 10\n    best: 0\n", "    worst: 0\n    best: 10\n", "domains[3].best", "lower ons4.anxiety is better"),
            ("{value: 7, source", "{value: 0, source", "domains[0].mid.value", "must be above 0"),
            ("- name: anxiety", "- name: life_satisfaction", "domains[3].name", "used by an earlier domain"),
            ("- name: anxiety", "- name: Anxiety", "domains[3].name", "lower_case_with_underscores"),
            ("min_coverage: 0.6", "min_coverage: 60", "life_improver_score.min_coverage", "from 0 to 1"),
            ("followups: [P6W]", "followups: [6 weeks]", "schedule.followups[0]", "ISO-8601 duration"),
            ("every: P3M", "every: P0M", "schedule.interval.every", "longer than zero"),
            ("after: P14D}", "after: P14D}\n    - {event: discharge, after: P2D}", "schedule.events[1].event", "already has a trigger"),
            ("above: 0", "above: 0, at_least: 1", "alerts[0]", "exactly one of"),
            ("measure: phq9.q9", "measure: phq9.q10", "alerts[0].measure", "no scale or item 'q10'"),
            ("severity: urgent", "severity: panic", "alerts[0].severity", "urgent, high, medium, low"),
            ("kind: deterioration,", "kind: deterioration, domains: [sleep],", "alerts[2].domains[0]", "unknown domain 'sleep'"),
            ("{rule: severe", "{rule: item9", "alerts[1].rule", "used by an earlier rule"),
        ],
    )
    def test_each_problem_names_its_field(self, old, new, field, problem):
        error = error_for(edited(old, new))
        assert error.field == field
        assert problem in error.problem

    def test_a_schedule_that_asks_nothing_is_refused(self):
        start, end = WORKED_EXAMPLE_YAML.index("schedule:"), WORKED_EXAMPLE_YAML.index("alerts:")
        text = WORKED_EXAMPLE_YAML[:start] + "schedule: {baseline: false}\n" + WORKED_EXAMPLE_YAML[end:]
        assert error_for(text).field == "schedule"

    def test_all_weights_zero_is_refused(self):
        text = WORKED_EXAMPLE_YAML
        for weight in ("weight: 3", "weight: 2", "weight: 1"):
            text = text.replace(weight, "weight: 0")
        assert error_for(text).field == "domains"


class TestFieldNames:
    def test_paths_read_as_a_person_would_write_them(self):
        assert field_name(("domains", 2, "mid", "value")) == "domains[2].mid.value"
        assert field_name(()) == ""


class TestLoadingFiles:
    def test_the_code_must_match_the_file_name(self, tmp_path):
        path = tmp_path / "other_name.yaml"
        path.write_text(WORKED_EXAMPLE_YAML, encoding="utf-8")
        with pytest.raises(OutcomeSetError, match=r"other_name\.yaml:1: code: must match the file name 'other_name'"):
            load_community(path, fake_catalogue)

    def test_a_directory_loads_in_code_order(self, tmp_path):
        for code in ("zeta", "alpha"):
            (tmp_path / f"{code}.yaml").write_text(WORKED_EXAMPLE_YAML.replace("worked_example", code), encoding="utf-8")
        assert [community.code for community in load_communities(tmp_path, fake_catalogue)] == ["alpha", "zeta"]

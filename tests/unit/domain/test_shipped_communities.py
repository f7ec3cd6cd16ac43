"""The community files we ship load and validate against the real scoring catalogue."""

from pathlib import Path

import pytest

from prom_service.domain.alert_rules import Severity
from prom_service.domain.life_improver_score import life_improver_score
from prom_service.domain.measure import MeasureKind
from prom_service.domain.outcome_set_loader import load_community

COMMUNITIES = Path(__file__).resolve().parents[3] / "config" / "communities"
SHIPPED = sorted(path.stem for path in COMMUNITIES.glob("*.yaml"))


def real_catalogue_for(code: str):
    """`scoring.instruments`, or a skip naming what is missing while the scoring library is being built."""
    scoring = pytest.importorskip("scoring", reason="the scoring library is not importable yet", exc_type=ImportError)
    needed = {"gas", *_instrument_ids(COMMUNITIES / f"{code}.yaml")} if code == "frail_elderly" else set(
        _instrument_ids(COMMUNITIES / f"{code}.yaml")
    )
    missing = sorted(needed - set(scoring.instruments()))
    if missing:
        pytest.skip(f"scoring does not ship {', '.join(missing)} yet")
    return scoring.instruments


def _instrument_ids(path: Path) -> list[str]:
    import yaml

    return [entry["id"] for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["instruments"]]


def shipped(code: str):
    return load_community(COMMUNITIES / f"{code}.yaml", real_catalogue_for(code))


class TestShippedCommunities:
    def test_at_least_four_communities_ship(self):
        assert {"frail_elderly", "heart_failure", "knee_pain", "perinatal_mental_health"} <= set(SHIPPED)

    @pytest.mark.parametrize("code", SHIPPED)
    def test_every_shipped_file_loads_and_validates(self, code):
        community = shipped(code)
        assert community.code == code
        assert community.outcome_set.version >= 1
        assert all(domain.mid.source for domain in community.outcome_set.domains)

    def test_frail_elderly_puts_time_at_home_first(self):
        outcome_set = shipped("frail_elderly").outcome_set
        time_at_home = outcome_set.domains[0]
        assert time_at_home.measure.kind is MeasureKind.DAYS_AT_HOME
        assert time_at_home.weight == max(domain.weight for domain in outcome_set.domains)

    def test_frail_elderly_reproduces_the_worked_example(self):
        outcome_set = shipped("frail_elderly").outcome_set
        values = {"time_at_home": 81, "life_satisfaction": 6, "quality_of_life": 0.743, "anxiety": 4, "personal_goals": 50}
        assert life_improver_score(outcome_set, values).value == pytest.approx(71.0)

    def test_perinatal_mental_health_carries_the_issues_alert_rules(self):
        rules = {rule.name: rule for rule in shipped("perinatal_mental_health").outcome_set.alerts}
        assert rules["phq9_item9_positive"].severity is Severity.URGENT
        assert rules["phq9_item9_positive"].fires_for(1) and not rules["phq9_item9_positive"].fires_for(0)
        assert rules["phq9_severe"].severity is Severity.HIGH and rules["phq9_severe"].fires_for(20)
        assert rules["deterioration"].severity is Severity.MEDIUM
        assert rules["non_response"].severity is Severity.LOW

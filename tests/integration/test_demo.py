"""The demo shows every journey at once, and loading it twice changes nothing."""

from sqlalchemy import func, select

from prom_service.db.models import Alert, CostEvent, Invitation, LifeImproverScore, Patient, Score
from prom_service.services.demo import PEOPLE, load_demo
from prom_service.services.tariffs import load_tariffs, tariff_directory


def count(parts, query):
    with parts.uow() as uow:
        return uow.session.scalar(query)


class TestDemo:
    def test_the_demo_has_people_trends_alerts_and_baselines_due_now(self, parts, clock):
        tariffs = load_tariffs(tariff_directory(parts.settings))
        report = load_demo(parts.uow, clock.now(), parts.settings.config_dir / "communities", "demo-password-1", tariffs)
        assert report.password == "demo-password-1" and report.created["patients"] == len(PEOPLE)
        assert count(parts, select(func.count()).select_from(LifeImproverScore).where(
            LifeImproverScore.value.is_not(None))) >= 15
        urgent = count(parts, select(func.count()).select_from(Alert).where(Alert.severity == "urgent"))
        assert urgent >= 1
        due_now = count(parts, select(func.count()).select_from(Invitation).where(
            Invitation.schedule_key == "baseline", Invitation.status == "planned", Invitation.due_at <= clock.now()))
        assert due_now == sum(1 for p in PEOPLE if not p.wellness)
        assert count(parts, select(func.count()).select_from(CostEvent)) > 100
        assert count(parts, select(func.count()).select_from(Score).where(Score.instrument == "days_at_home")) > 5
        frail_coverage = count(parts, select(func.max(LifeImproverScore.coverage)))
        assert frail_coverage == 1.0, "time at home is measured, so every domain is covered"

    def test_loading_again_creates_nothing(self, parts, clock):
        load_demo(parts.uow, clock.now(), parts.settings.config_dir / "communities")
        again = load_demo(parts.uow, clock.advance(hours=1), parts.settings.config_dir / "communities")
        assert again.created == {} and again.password is None
        assert count(parts, select(func.count()).select_from(Patient)) == len(PEOPLE)

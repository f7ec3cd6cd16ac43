"""The personal layer changes the LIS; a new outcome-set version re-scores without touching old results."""

import pytest
from sqlalchemy import select

from prom_service.db.models import Invitation, LifeImproverScore, OutcomeSetVersion
from prom_service.services import answers, enrolment, outcome_sets, patients, rescoring, what_matters
from prom_service.services.access import SYSTEM
from prom_service.services.errors import Conflict, InvalidInput

ONS4 = {"ons4.life_satisfaction": 6, "ons4.worthwhile": 7, "ons4.happiness": 6, "ons4.anxiety": 4}
EQ5D = {"eq5d5l.mo": 2, "eq5d5l.sc": 1, "eq5d5l.ua": 2, "eq5d5l.pd": 2, "eq5d5l.ad": 1}


@pytest.fixture
def frail_enrolment(parts, communities, clock):
    patient_id = patients.register_patient(parts.uow(), SYSTEM, patients.NewPatient("F-1", phone="07700900010"),
                                           clock.now())
    policy = enrolment.PlanningPolicy.from_settings(parts.settings)
    return enrolment.enrol(parts.uow(), SYSTEM, patient_id, "frail_elderly",
                           enrolment.Consent("verbal", "Dr Lee"), clock.now(), policy)


def answer_baseline(parts, enrolment_id, now):
    with parts.uow() as uow:
        invitation = uow.session.scalar(select(Invitation).where(Invitation.enrolment_id == enrolment_id))
    return answers.submit_response(parts.uow(), SYSTEM, invitation.id, {**ONS4, **EQ5D}, "api", now)


def goals(parts, enrolment_id, now, ratings):
    ids = [what_matters.set_goal(parts.uow(), SYSTEM, enrolment_id, what_matters.NewGoal(text, 2, 2), now)
           for text in ("Walk to the shop", "See my grandchildren")]
    return what_matters.rate_goals(parts.uow(), SYSTEM, enrolment_id, dict(zip(ids, ratings)), now)


class TestLifeImproverScoreFromRealAnswers:
    def test_without_days_at_home_or_goals_coverage_is_too_low(self, parts, frail_enrolment, clock):
        outcome = answer_baseline(parts, frail_enrolment, clock.now())
        assert outcome.life_improver_score is None
        assert "coverage 0.50 is below the minimum 0.60" in outcome.life_improver_score_reason

    def test_rated_goals_bring_coverage_up_and_give_a_lis(self, parts, frail_enrolment, clock):
        assert goals(parts, frail_enrolment, clock.now(), [0, 0]) == 50.0
        outcome = answer_baseline(parts, frail_enrolment, clock.advance(minutes=5))
        # life satisfaction 6 → 60, EQ-5D 21221 England index 1 − .058 − .050 − .063 = 0.829 → 86.7, anxiety 4 → 60, goals 50 → 50
        expected = (2 * 60 + 2 * (0.829 + 0.285) / 1.285 * 100 + 1 * 60 + 2 * 50) / 7
        assert outcome.life_improver_score == pytest.approx(expected, abs=0.01)

    def test_personal_weights_replace_the_communitys_and_the_old_set_is_kept(self, parts, frail_enrolment, clock):
        goals(parts, frail_enrolment, clock.now(), [0, 0])
        what_matters.set_personal_weights(parts.uow(), SYSTEM, frail_enrolment, {"anxiety": 0}, "the person", clock.now())
        what_matters.set_personal_weights(parts.uow(), SYSTEM, frail_enrolment, {"personal_goals": 4}, "the person",
                                          clock.advance(minutes=1))
        outcome = answer_baseline(parts, frail_enrolment, clock.advance(minutes=5))
        expected = (2 * 60 + 2 * (0.829 + 0.285) / 1.285 * 100 + 1 * 60 + 4 * 50) / 9
        assert outcome.life_improver_score == pytest.approx(expected, abs=0.01)

    def test_an_unknown_domain_in_personal_weights_is_refused(self, parts, frail_enrolment, clock):
        with pytest.raises(InvalidInput, match="weights"):
            what_matters.set_personal_weights(parts.uow(), SYSTEM, frail_enrolment, {"golf": 2}, "x", clock.now())


class TestRescoring:
    def test_a_new_version_rescores_past_assessments_and_leaves_old_results(self, parts, frail_enrolment, clock):
        goals(parts, frail_enrolment, clock.now(), [1, 0])
        old = answer_baseline(parts, frail_enrolment, clock.advance(minutes=5)).life_improver_score
        source = (parts.settings.config_dir / "communities" / "frail_elderly.yaml").read_text()
        changed = source.replace("version: 1", "version: 2").replace("    weight: 1\n", "    weight: 5\n")
        outcome_sets.publish_text(parts.uow(), changed, clock.advance(days=1))
        report = rescoring.rescore_community(parts.uow, "frail_elderly")
        assert report.rescored == 1 and report.version == 2
        with parts.uow() as uow:
            rows = uow.session.execute(
                select(LifeImproverScore.value, OutcomeSetVersion.version)
                .join(OutcomeSetVersion).order_by(OutcomeSetVersion.version)).all()
        assert rows[0] == (old, 1)
        assert rows[1][1] == 2 and rows[1][0] != old
        assert rescoring.rescore_community(parts.uow, "frail_elderly").rescored == 0

    def test_changing_a_published_version_without_a_new_number_is_refused(self, parts, communities, clock):
        source = (parts.settings.config_dir / "communities" / "frail_elderly.yaml").read_text()
        with pytest.raises(Conflict, match="frail_elderly"):
            outcome_sets.publish_text(parts.uow(), source.replace("    weight: 1\n", "    weight: 5\n"), clock.now())

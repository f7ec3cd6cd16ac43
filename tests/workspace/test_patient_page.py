"""The patient page and "what matters to me": charts, timeline, answers, provenance, weights and goals."""

from __future__ import annotations

import re

from sqlalchemy import select

from prom_service.db.models import GoalRating, PersonalGoal, PersonalWeights
from tests.workspace.conftest import audit_rows, csrf, north_patient, sign_in


def page_of(client, patient_id: int) -> str:
    return client.get(f"/team/patients/{patient_id}").get_data(as_text=True)


class TestThePatientPage:
    def test_it_draws_the_life_improver_score_and_each_domain(self, client, parts, world):
        sign_in(client)
        patient_id, enrolment_id = north_patient(parts, "DEMO-001")
        page = page_of(client, patient_id)
        lis = page[page.index(f'id="chart-{enrolment_id}-lis"'):]
        assert "<svg" in lis and lis.count('class="prom-chart__point"', 0, lis.index("</figure>")) == 3
        assert 'class="prom-chart__mid-band"' in lis and 'class="prom-chart__baseline"' in lis
        assert f'id="chart-{enrolment_id}-life_satisfaction"' in page  # one chart per frail_elderly domain
        assert f'id="chart-{enrolment_id}-anxiety"' in page

    def test_instrument_bands_are_drawn_on_a_domain_that_has_them(self, client, parts, world):
        sign_in(client)
        patient_id, enrolment_id = north_patient(parts, "DEMO-001")
        page = page_of(client, patient_id)
        satisfaction = page[page.index(f'id="chart-{enrolment_id}-life_satisfaction"'):]
        assert 'data-band="Low"' in satisfaction[:satisfaction.index("</figure>")]

    def test_it_shows_the_timeline_the_answers_and_the_provenance(self, client, parts, world):
        sign_in(client)
        patient_id, _ = north_patient(parts, "DEMO-006")
        page = page_of(client, patient_id)
        assert re.search(r"planned → sent|new → planned|→ completed", page)
        assert "Thoughts that you would be better off dead" in page  # PHQ-9 wording may be shown
        assert re.search(r"definition perinatal_mental_health@v\d+, \d+% of the weight measured", page)
        assert "Unresolved alerts" in page

    def test_each_view_is_audited_with_who_when_and_where(self, client, parts, clock, world):
        sign_in(client)
        patient_id, _ = north_patient(parts, "DEMO-002")
        page_of(client, patient_id)
        viewed = audit_rows(parts, action="patient.viewed", patient_id=patient_id)
        assert len(viewed) == 1 and viewed[0].actor_type == "user"
        assert viewed[0].actor_id == str(world.north_user_id) and viewed[0].at == clock.now()
        assert viewed[0].remote_addr == "127.0.0.1" and viewed[0].request_id


class TestWhatMatters:
    def url(self, parts, external_id="DEMO-002") -> str:
        patient_id, enrolment_id = north_patient(parts, external_id)
        return f"/team/patients/{patient_id}/enrolments/{enrolment_id}/what-matters"

    def test_new_weights_replace_the_old_which_stay_in_the_history(self, client, parts, world):
        sign_in(client)
        url = self.url(parts)
        form = {"csrf_token": csrf(client), "weight-time_at_home": "1", "weight-life_satisfaction": "3",
                "weight-quality_of_life": "2", "weight-anxiety": "0", "agreed_with": "Bert and his son"}
        assert client.post(url + "/weights", data=form).status_code == 302
        assert client.post(url + "/weights", data={**form, "weight-anxiety": "1"}).status_code == 302
        with parts.uow() as uow:
            rows = uow.session.scalars(select(PersonalWeights).order_by(PersonalWeights.id)).all()
        assert [r.weights["anxiety"] for r in rows] == [0, 1] and rows[0].superseded_at and not rows[1].superseded_at
        assert client.get(url).get_data(as_text=True).count("Bert and his son") == 2

    def test_a_weight_that_is_not_a_number_is_explained(self, client, parts, world):
        sign_in(client)
        response = client.post(self.url(parts) + "/weights", data={"csrf_token": csrf(client),
                                                                    "weight-anxiety": "lots"})
        assert response.status_code == 400 and "Enter a weight as a number" in response.get_data(as_text=True)

    def test_goals_are_set_and_rated_at_a_review(self, client, parts, world):
        sign_in(client)
        url = self.url(parts, "DEMO-009")
        client.post(url + "/goals", data={"csrf_token": csrf(client), "text": "Garden again", "importance": "3",
                                          "difficulty": "2", "baseline_level": "-1"})
        with parts.uow() as uow:
            goal = uow.session.scalar(select(PersonalGoal).where(PersonalGoal.text == "Garden again"))
        assert client.post(url + "/ratings", data={"csrf_token": csrf(client), f"goal-{goal.id}": "1"}).status_code == 302
        with parts.uow() as uow:
            assert uow.session.scalar(select(GoalRating.attainment).where(GoalRating.goal_id == goal.id)) == 1
        assert "Garden again" in client.get(url).get_data(as_text=True)

    def test_changes_are_audited(self, client, parts, world):
        sign_in(client)
        url = self.url(parts, "DEMO-009")
        client.post(url + "/goals", data={"csrf_token": csrf(client), "text": "Walk the dog", "importance": "2",
                                          "difficulty": "2", "baseline_level": "-1"})
        set_rows = audit_rows(parts, action="personal_goal.set")
        assert set_rows[-1].actor_id == str(world.north_user_id)
        assert [r for r in audit_rows(parts, target=url + "/goals") if r.detail["status"] == 302]

    def test_an_enrolment_of_another_patient_is_not_found(self, client, parts, world):
        sign_in(client)
        patient_id, _ = north_patient(parts, "DEMO-001")
        _, other_enrolment = north_patient(parts, "DEMO-002")
        assert client.get(f"/team/patients/{patient_id}/enrolments/{other_enrolment}/what-matters").status_code == 404

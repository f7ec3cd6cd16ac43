"""The journey over the API: enrol → baseline invitation → answers → scores, LIS, alerts."""

import pytest

PATIENT = {"external_id": "P-1", "phone": "07700 900001"}
CONSENT = {"method": "verbal", "recorded_by": "Nurse Ade"}
PHQ9_ITEM9 = {f"phq9.q{i}": v for i, v in enumerate([1, 1, 2, 1, 1, 0, 1, 1, 1], start=1)}
GAD7 = {f"gad7.q{i}": 1 for i in range(1, 8)}
SWEMWBS = {f"swemwbs.q{i}": 3 for i in range(1, 8)}


@pytest.fixture
def headers(issue_key, communities):
    return issue_key("write:patients", "read:scores", "write:responses")


def enrol(client, headers, community="perinatal_mental_health", patient=PATIENT):
    patient_id = client.post("/api/v1/patients", json=patient, headers=headers).json["id"]
    response = client.post(f"/api/v1/patients/{patient_id}/enrolments",
                           json={"community": community, "consent": CONSENT}, headers=headers)
    assert response.status_code == 201, response.json
    return patient_id, response.json


def baseline(client, headers, patient_id):
    invitations = client.get(f"/api/v1/patients/{patient_id}/invitations", headers=headers).json
    return next(i for i in invitations if i["schedule_key"] == "baseline")


class TestCommunities:
    def test_the_demo_communities_are_listed_with_their_version(self, client, headers):
        listed = client.get("/api/v1/communities", headers=headers).json
        assert {"frail_elderly", "heart_failure", "knee_pain", "perinatal_mental_health"} <= {c["code"] for c in listed}
        assert all(c["version"] >= 1 for c in listed)

    def test_an_outcome_set_shows_domains_lis_and_schedule(self, client, headers):
        body = client.get("/api/v1/communities/frail_elderly/outcome-set", headers=headers).json
        assert body["definition"]["domains"][0]["name"] == "time_at_home"
        assert body["definition"]["life_improver_score"]["min_coverage"] == 0.6
        assert "schedule" in body["definition"] and len(body["fingerprint"]) == 64

    def test_an_unknown_community_is_a_404_problem(self, client, headers):
        response = client.get("/api/v1/communities/nope/outcome-set", headers=headers)
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


class TestEnrolment:
    def test_enrolling_records_consent_and_plans_the_baseline(self, client, headers, clock):
        patient_id, enrolment = enrol(client, headers)
        assert enrolment["consent_method"] == "verbal" and enrolment["outcome_set_version"] == 1
        invitation = baseline(client, headers, patient_id)
        assert invitation["status"] == "planned" and invitation["instruments"] == ["phq9", "gad7", "swemwbs"]
        assert invitation["transitions"][0]["to_status"] == "planned"

    def test_a_second_active_enrolment_in_the_same_community_is_a_conflict(self, client, headers):
        patient_id, _ = enrol(client, headers)
        again = client.post(f"/api/v1/patients/{patient_id}/enrolments",
                            json={"community": "perinatal_mental_health", "consent": CONSENT}, headers=headers)
        assert again.status_code == 409

    def test_leaving_cancels_open_invitations_with_the_reason(self, client, headers):
        patient_id, enrolment = enrol(client, headers)
        left = client.post(f"/api/v1/enrolments/{enrolment['id']}/leave", json={"reason": "moved_away"}, headers=headers)
        assert left.json == {"cancelled_invitations": 1}
        invitation = baseline(client, headers, patient_id)
        assert (invitation["status"], invitation["status_reason"]) == ("cancelled", "moved_away")


class TestResponses:
    def test_a_phq9_item9_answer_gives_scores_lis_and_an_urgent_alert(self, client, headers):
        patient_id, _ = enrol(client, headers)
        invitation = baseline(client, headers, patient_id)
        result = client.post(f"/api/v1/invitations/{invitation['id']}/responses",
                             json={"answers": {**PHQ9_ITEM9, **GAD7, **SWEMWBS}}, headers=headers)
        assert result.status_code == 201, result.json
        phq9 = next(s for s in result.json["scores"] if s["instrument"] == "phq9")
        assert phq9["value"] == 9 and phq9["band"] == "mild" and "item9_positive" in phq9["flags"]
        assert result.json["life_improver_score"] is not None
        assert [a["severity"] for a in result.json["alerts"]] == ["urgent"]
        alerts = client.get(f"/api/v1/alerts?patient={patient_id}", headers=headers).json
        assert alerts[0]["rule"] == "phq9_item9_positive" and alerts[0]["status"] == "open"
        assert baseline(client, headers, patient_id)["status"] == "completed"

    def test_scores_list_includes_the_lis_with_its_version_and_coverage(self, client, headers):
        patient_id, _ = enrol(client, headers)
        invitation = baseline(client, headers, patient_id)
        client.post(f"/api/v1/invitations/{invitation['id']}/responses",
                    json={"answers": {**PHQ9_ITEM9, **GAD7, **SWEMWBS}}, headers=headers)
        scores = client.get(f"/api/v1/patients/{patient_id}/scores", headers=headers).json
        lis = next(s for s in scores if s["instrument"] == "life_improver_score")
        assert lis["definition_version"] == "perinatal_mental_health@v1"
        assert lis["life_improver_score"]["coverage"] > 0.6
        assert {"phq9", "gad7", "swemwbs"} <= {s["instrument"] for s in scores}

    def test_a_bad_answer_names_the_item_and_stores_nothing(self, client, headers):
        patient_id, _ = enrol(client, headers)
        invitation = baseline(client, headers, patient_id)
        bad = client.post(f"/api/v1/invitations/{invitation['id']}/responses",
                          json={"answers": {**PHQ9_ITEM9, "phq9.q3": 7, "q99": 1}}, headers=headers)
        assert bad.status_code == 422 and set(bad.json["errors"]) == {"phq9.q3", "q99"}
        assert client.get(f"/api/v1/patients/{patient_id}/scores", headers=headers).json == []
        assert baseline(client, headers, patient_id)["status"] == "planned"

    def test_a_non_integer_answer_is_refused_by_the_schema(self, client, headers):
        patient_id, _ = enrol(client, headers)
        invitation = baseline(client, headers, patient_id)
        bad = client.post(f"/api/v1/invitations/{invitation['id']}/responses",
                          json={"answers": {"phq9.q1": 1.5}}, headers=headers)
        assert bad.status_code == 422 and "answers.phq9.q1" in bad.json["errors"]

    def test_a_completed_invitation_takes_no_more_answers(self, client, headers):
        patient_id, _ = enrol(client, headers)
        invitation = baseline(client, headers, patient_id)
        body = {"answers": {**PHQ9_ITEM9, **GAD7, **SWEMWBS}}
        client.post(f"/api/v1/invitations/{invitation['id']}/responses", json=body, headers=headers)
        again = client.post(f"/api/v1/invitations/{invitation['id']}/responses", json=body, headers=headers)
        assert again.status_code == 409

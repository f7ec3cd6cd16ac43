"""FHIR R4 over /fhir: resources for PHQ-9, EQ-5D-5L, PROMIS Global-10 and the LIS, search, scope, errors."""

import pytest

import scoring
from prom_service.db.models import Answer, Response
from prom_service.services import outcome_sets, scores
from tests.api.test_journey import GAD7, PHQ9_ITEM9, SWEMWBS, baseline, enrol
from tests.feeds.fhir_checks import matches_golden, valid

PERINATAL = {**PHQ9_ITEM9, **GAD7, **SWEMWBS}
FRAIL = {"ons4.life_satisfaction": 7, "ons4.worthwhile": 8, "ons4.happiness": 6, "ons4.anxiety": 3,
         **{f"eq5d5l.{item}": value for item, value in zip(("mo", "sc", "ua", "pd", "ad"), (2, 3, 2, 4, 5))}}
PROMIS = [4, 3, 3, 3, 3, 4, 5, 2, 4, 3]


@pytest.fixture
def headers(issue_key, communities):
    return issue_key("write:patients", "read:scores", "write:responses")


def assess(client, headers, community, answers, external_id="P-1"):
    patient = {"external_id": external_id, "phone": "07700 900001", "nhs_number": "9434765919"}
    patient_id, _ = enrol(client, headers, community, patient)
    invitation = baseline(client, headers, patient_id)
    done = client.post(f"/api/v1/invitations/{invitation['id']}/responses", json={"answers": answers}, headers=headers)
    assert done.status_code == 201, done.json
    return patient_id


def fhir_get(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    return valid(response.json)


def observation(bundle, system_code):
    return next(e["resource"] for e in bundle["entry"]
                if any(c["code"] == system_code for c in e["resource"]["code"]["coding"]))


def store_promis(parts, patient_id):
    """PROMIS Global-10 is in no demo community: store a scored response the way an assessment does."""
    with parts.uow() as uow:
        now = parts.clock.now()
        response = Response(patient_id=patient_id, instrument="promis_global10", channel="web", status="complete",
                            started_at=now, submitted_at=now, created_at=now)
        uow.session.add(response)
        uow.session.flush()
        items = scoring.instruments("promis_global10").item_ids
        uow.session.add_all(Answer(response_id=response.id, item_id=i, value=v, answered_at=now)
                            for i, v in zip(items, PROMIS))
        outcome_set = outcome_sets.outcome_set_of(outcome_sets.current_version(uow, "perinatal_mental_health"))
        scores.score_response(uow, response, outcome_set, None, now)
        uow.commit()


class TestResourcesForEachInstrument:
    def test_a_phq9_gives_a_questionnaire_response_and_a_loinc_coded_observation(self, client, headers):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        bundle = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}")
        phq9 = observation(bundle, "44261-6")
        assert phq9["valueQuantity"]["value"] == 9 and phq9["interpretation"][0]["text"] == "Mild"
        qr_id = phq9["derivedFrom"][0]["reference"].split("/")[1]
        qr = fhir_get(client, headers, f"/fhir/QuestionnaireResponse/{qr_id}")
        assert qr["questionnaire"].endswith("/Questionnaire/phq9") and qr["status"] == "completed"
        assert [(i["linkId"], i["answer"][0]["valueInteger"]) for i in qr["item"]][8] == ("q9", 1)
        matches_golden("phq9_observation", phq9)
        matches_golden("phq9_questionnaire_response", qr)

    def test_an_eq5d5l_is_coded_in_snomed_with_its_profile_as_a_component(self, client, headers):
        patient_id = assess(client, headers, "frail_elderly", FRAIL)
        bundle = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}&code=http://snomed.info/sct|736534008")
        index = observation(bundle, "736534008")
        assert index["component"][0]["valueString"] == "23245"
        assert "england_2018" in index["method"]["text"]
        matches_golden("eq5d5l_observation", index)

    def test_a_promis_global10_carries_both_t_scores(self, client, headers, parts):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        store_promis(parts, patient_id)
        bundle = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}&code=71971-6")
        physical = observation(bundle, "71971-6")
        component_codes = {c["code"]["coding"][0]["code"] for c in physical["component"]}
        assert "71969-0" in component_codes and bundle["total"] == 1
        matches_golden("promis_global10_observation", physical)

    def test_the_lis_names_its_outcome_set_and_derives_from_the_domain_scores(self, client, headers):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        bundle = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}&code=life_improver_score")
        lis = bundle["entry"][0]["resource"]
        assert lis["method"]["coding"][0]["code"] == "perinatal_mental_health@v1"
        for reference in lis["derivedFrom"]:
            fhir_get(client, headers, f"/fhir/{reference['reference']}")
        matches_golden("lis_observation", lis)

    def test_the_patient_has_an_nhs_number_and_no_phone(self, client, headers):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        patient = fhir_get(client, headers, f"/fhir/Patient/{patient_id}")
        assert patient["identifier"][0] == {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
        assert "telecom" not in patient


class TestSearch:
    def test_count_and_offset_page_with_a_next_link_and_the_total(self, client, headers):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        first = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}&_count=2")
        links = {link["relation"]: link["url"] for link in first["link"]}
        assert len(first["entry"]) == 2 and first["total"] > 2 and "_offset=2" in links["next"]
        everything = fhir_get(client, headers, f"/fhir/Observation?patient={patient_id}&_count=500")
        assert len(everything["entry"]) == first["total"] and "next" not in {l["relation"] for l in everything["link"]}

    def test_last_updated_filters_by_prefix(self, client, headers, clock):
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        later = clock.advance(days=1).isoformat()
        assert fhir_get(client, headers, f"/fhir/QuestionnaireResponse?patient={patient_id}&_lastUpdated=ge{later}"
                        .replace("+", "%2B"))["total"] == 0
        assert fhir_get(client, headers, f"/fhir/QuestionnaireResponse?patient={patient_id}&_lastUpdated=le{later}"
                        .replace("+", "%2B"))["total"] == 3

    def test_an_unknown_parameter_is_an_operation_outcome(self, client, headers):
        response = client.get("/fhir/Observation?subject:missing=true", headers=headers)
        assert response.status_code == 400 and valid(response.json)["issue"][0]["code"] == "invalid"

    def test_a_bad_date_is_an_operation_outcome_naming_the_parameter(self, client, headers):
        response = client.get("/fhir/Observation?_lastUpdated=geyesterday", headers=headers)
        assert response.status_code == 400 and "_lastUpdated" in response.json["issue"][0]["diagnostics"]


class TestAccess:
    def test_metadata_is_a_capability_statement(self, client):
        statement = fhir_get(client, {}, "/fhir/metadata")
        assert statement["fhirVersion"] == "4.0.1"

    def test_no_key_is_a_401_operation_outcome(self, client):
        response = client.get("/fhir/Observation")
        assert response.status_code == 401 and valid(response.json)["issue"][0]["code"] == "login"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_another_team_sees_none_of_the_patients_resources(self, client, issue_key, communities):
        north = issue_key("write:patients", "read:scores", "write:responses", team="north")
        south = issue_key("read:scores", team="south")
        patient_id = assess(client, north, "perinatal_mental_health", PERINATAL)
        assert fhir_get(client, south, f"/fhir/Observation?patient={patient_id}")["total"] == 0
        assert fhir_get(client, south, "/fhir/QuestionnaireResponse")["total"] == 0
        assert client.get(f"/fhir/Patient/{patient_id}", headers=south).status_code == 404
        assert fhir_get(client, north, f"/fhir/Observation?patient={patient_id}")["total"] > 0

    def test_an_unknown_path_is_a_404_operation_outcome(self, client, headers):
        response = client.get("/fhir/Encounter", headers=headers)
        assert response.status_code == 404 and valid(response.json)["issue"][0]["code"] == "not-found"

    @pytest.mark.parametrize("path", ["/fhir/Patient/99999999999999999999", "/fhir/QuestionnaireResponse/99999999999999999999",
                                      "/fhir/Observation/score-99999999999999999999"])
    def test_an_id_beyond_any_row_is_a_404_not_a_database_error(self, client, headers, path):
        # PostgreSQL refuses to compare a BIGINT with a number this large; found by the team-scoping drill
        response = client.get(path, headers=headers)
        assert response.status_code == 404 and valid(response.json)["issue"][0]["code"] == "not-found"

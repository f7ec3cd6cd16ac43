"""POST/GET /api/v1/patients: validation, duplicates, scopes, team scoping, audit."""

from sqlalchemy import select

from prom_service.db.models import AuditEvent

VALID = {"external_id": "EHR-1", "phone": "07700 900123", "nhs_number": "943 476 5919", "lsoa": "E01000001"}


class TestCreatePatient:
    def test_a_valid_patient_is_created_with_normalised_numbers(self, client, issue_key):
        headers = issue_key("write:patients", "read:scores")
        created = client.post("/api/v1/patients", json=VALID, headers=headers)
        assert created.status_code == 201
        patient = client.get(f"/api/v1/patients/{created.json['id']}", headers=headers).json
        assert patient["phone"] == "+447700900123" and patient["nhs_number"] == "9434765919"
        assert patient["preferred_channel"] == "sms" and patient["timezone"] == "Europe/London"

    def test_each_bad_field_is_named_in_a_problem_document(self, client, issue_key):
        response = client.post("/api/v1/patients", headers=issue_key("write:patients"),
                               json={**VALID, "nhs_number": "9434765918", "phone": "hello", "timezone": "Mars/Base"})
        assert response.status_code == 422
        assert response.mimetype == "application/problem+json"
        assert set(response.json["errors"]) == {"nhs_number", "phone", "timezone"}

    def test_schema_errors_name_the_field_too(self, client, issue_key):
        response = client.post("/api/v1/patients", headers=issue_key("write:patients"),
                               json={"phone": "07700900123", "preferred_channel": "pigeon"})
        assert response.status_code == 422
        assert {"external_id", "preferred_channel"} <= set(response.json["errors"])

    def test_sms_without_a_phone_is_refused(self, client, issue_key):
        response = client.post("/api/v1/patients", headers=issue_key("write:patients"), json={"external_id": "x"})
        assert response.status_code == 422 and "phone" in response.json["errors"]

    def test_the_same_external_id_from_the_same_source_is_a_conflict(self, client, issue_key):
        headers = issue_key("write:patients")
        first = client.post("/api/v1/patients", json=VALID, headers=headers)
        second = client.post("/api/v1/patients", json=VALID, headers=headers)
        assert second.status_code == 409 and str(first.json["id"]) in second.json["detail"]


class TestApiKeys:
    def test_no_key_is_401_with_a_bearer_challenge(self, client):
        response = client.post("/api/v1/patients", json=VALID)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_an_unknown_key_is_401(self, client):
        response = client.get("/api/v1/patients/1", headers={"Authorization": "Bearer prom_00000000_nope"})
        assert response.status_code == 401

    def test_a_key_without_the_scope_is_403(self, client, issue_key):
        response = client.post("/api/v1/patients", json=VALID, headers=issue_key("read:scores"))
        assert response.status_code == 403 and "write:patients" in response.json["detail"]

    def test_a_revoked_key_stops_working_at_once(self, client, parts):
        from prom_service.services import api_clients

        issued = api_clients.create_api_key(parts.uow(), "x", ["write:patients"], parts.clock.now())
        api_clients.revoke_api_key(parts.uow(), issued.client_id, parts.clock.now())
        response = client.post("/api/v1/patients", json=VALID, headers={"Authorization": f"Bearer {issued.key}"})
        assert response.status_code == 401


class TestTeamScoping:
    def test_another_teams_key_cannot_see_the_patient(self, client, issue_key):
        north = issue_key("write:patients", "read:scores", team="north")
        south = issue_key("read:scores", team="south")
        patient_id = client.post("/api/v1/patients", json=VALID, headers=north).json["id"]
        assert client.get(f"/api/v1/patients/{patient_id}", headers=north).status_code == 200
        assert client.get(f"/api/v1/patients/{patient_id}", headers=south).status_code == 404


class TestAudit:
    def test_every_call_is_audited_with_the_patient_it_concerned(self, client, issue_key, parts):
        headers = issue_key("write:patients", "read:scores")
        patient_id = client.post("/api/v1/patients", json=VALID, headers=headers).json["id"]
        client.get(f"/api/v1/patients/{patient_id}", headers=headers)
        with parts.uow() as uow:
            events = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ["api:POST /api/v1/patients", "api:GET /api/v1/patients/<int:patient_id>"]
        assert events[1].patient_id == patient_id and events[1].actor_type == "api_client"
        assert events[1].detail == {"status": 200}

"""POST/GET /api/v1/cost-events: JSON batches, CSV files, row-level reports, scopes and team scoping."""

import io

import pytest

from tests.factories import make_patient, make_team

CSV = "source_id,external_id,activity,start_date,end_date,quantity,cost,provider\n"


@pytest.fixture
def patient_id(parts):
    with parts.uow() as uow:
        patient = make_patient(uow.session, external_id="EHR-1", team=make_team(uow.session, "north"))
        uow.commit()
    return patient.id


def event(**fields):
    return {"source_id": "e1", "external_id": "EHR-1", "activity": "gp_appointment", "start_date": "2025-06-01",
            **fields}


class TestJsonBatch:
    def test_a_batch_is_priced_and_stored_under_the_clients_name(self, client, issue_key, patient_id):
        headers = issue_key("write:costs", "read:scores")
        answer = client.post("/api/v1/cost-events", headers=headers, json={"events": [
            event(), event(source_id="e2", activity="emergency_admission", end_date="2025-06-04", cost=1234.5)]})
        assert answer.status_code == 200
        assert answer.json | {"duplicates": []} == {"rows": 2, "created": 2, "duplicate_count": 0,
                                                     "duplicates": [], "total_cost": "1276.50"}
        events = client.get(f"/api/v1/cost-events?patient={patient_id}", headers=headers).json
        assert [(e["cost"], e["unit_cost"], e["quantity"], e["source_system"]) for e in events] == [
            ("42.00", "42.00", "1.00", "test client"), ("1234.50", "450.00", "3.00", "test client")]

    def test_sending_the_batch_again_reports_duplicates_and_changes_nothing(self, client, issue_key, patient_id):
        headers = issue_key("write:costs")
        client.post("/api/v1/cost-events", headers=headers, json={"events": [event()]})
        again = client.post("/api/v1/cost-events", headers=headers, json={"events": [event(cost="5")]})
        assert again.status_code == 200
        assert (again.json["created"], again.json["duplicates"]) == (
            0, [{"row": 1, "source_system": "test client", "source_id": "e1"}])

    def test_one_bad_event_rejects_the_batch_with_a_row_report(self, client, issue_key, parts, patient_id):
        headers = issue_key("write:costs", "read:scores")
        answer = client.post("/api/v1/cost-events", headers=headers, json={"source_system": "emis", "events": [
            event(), event(source_id="e2", start_date="2025-13-01"), event(source_id="e3", quantity=-1)]})
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
        assert [(r["row"], r["field"]) for r in answer.json["errors"]["rows"]] == [(2, "start_date"), (3, "quantity")]
        assert "nothing was imported" in answer.json["detail"]
        assert client.get(f"/api/v1/cost-events?patient={patient_id}", headers=headers).json == []

    def test_an_unknown_field_is_named_like_any_schema_error(self, client, issue_key, patient_id):
        answer = client.post("/api/v1/cost-events", headers=issue_key("write:costs"),
                             json={"events": [event(colour="blue")]})
        assert answer.status_code == 422 and "events.0.colour" in answer.json["errors"]


class TestCsvImport:
    def test_a_csv_body_is_imported_with_the_source_system_asked_for(self, client, issue_key, patient_id):
        body = CSV + "a,EHR-1,outpatient,2025-06-01,,,,\nb,EHR-1,community_nursing_hour,2025-06-02,,1.5,,\n"
        answer = client.post("/api/v1/cost-events/import?source_system=community_trust", data=body,
                             headers={**issue_key("write:costs"), "Content-Type": "text/csv"})
        assert answer.status_code == 200 and answer.json["total_cost"] == "292.50"

    def test_a_multipart_file_with_a_bom_is_imported(self, client, issue_key, patient_id):
        upload = (io.BytesIO(("\ufeff" + CSV + "a,EHR-1,outpatient,2025-06-01,,,,\n").encode()), "costs.csv")
        answer = client.post("/api/v1/cost-events/import", data={"file": upload}, headers=issue_key("write:costs"),
                             content_type="multipart/form-data")
        assert answer.status_code == 200 and answer.json["created"] == 1

    def test_a_bad_row_names_its_spreadsheet_row_and_field_and_imports_nothing(self, client, issue_key, patient_id):
        body = CSV + "a,EHR-1,outpatient,2025-06-01,,,,\nb,EHR-1,outpatient,2025-06-01,,,abc,\n"
        answer = client.post("/api/v1/cost-events/import", data=body,
                             headers={**issue_key("write:costs", "read:scores"), "Content-Type": "text/csv"})
        assert answer.status_code == 422
        assert answer.json["errors"]["rows"] == [
            {"row": 3, "field": "cost", "message": "must be a number, zero or more, got 'abc'"}]

    def test_a_missing_column_is_reported_against_the_header_row(self, client, issue_key, patient_id):
        answer = client.post("/api/v1/cost-events/import", data="source_id,external_id,activity\n",
                             headers={**issue_key("write:costs"), "Content-Type": "text/csv"})
        assert answer.json["errors"]["rows"] == [{"row": 1, "field": "start_date", "message": "column is missing"}]

    def test_text_that_is_not_utf8_is_refused(self, client, issue_key, patient_id):
        answer = client.post("/api/v1/cost-events/import", data=b"\xff\xfe\x00bad",
                             headers={**issue_key("write:costs"), "Content-Type": "text/csv"})
        assert answer.status_code == 415 and "UTF-8" in answer.json["detail"]


class TestScopes:
    def test_importing_needs_write_costs(self, client, issue_key, patient_id):
        answer = client.post("/api/v1/cost-events", headers=issue_key("read:scores"), json={"events": [event()]})
        assert answer.status_code == 403 and "write:costs" in answer.json["detail"]

    @pytest.mark.parametrize("scope", ["read:scores", "read:reports"])
    def test_reading_takes_read_scores_or_read_reports(self, client, issue_key, patient_id, scope):
        assert client.get(f"/api/v1/cost-events?patient={patient_id}", headers=issue_key(scope)).status_code == 200

    def test_reading_with_neither_is_forbidden(self, client, issue_key, patient_id):
        answer = client.get(f"/api/v1/cost-events?patient={patient_id}", headers=issue_key("write:costs"))
        assert answer.status_code == 403

    def test_no_key_is_401(self, client, patient_id):
        assert client.get(f"/api/v1/cost-events?patient={patient_id}").status_code == 401


class TestTeamScoping:
    def test_another_team_can_neither_read_nor_write_the_patients_costs(self, client, issue_key, patient_id):
        south = issue_key("write:costs", "read:scores", team="south")
        assert client.get(f"/api/v1/cost-events?patient={patient_id}", headers=south).status_code == 404
        answer = client.post("/api/v1/cost-events", headers=south, json={"events": [event(external_id=None,
                                                                                           patient_id=patient_id)]})
        assert answer.json["errors"]["rows"] == [{"row": 1, "field": "patient_id", "message": f"no patient {patient_id}"}]

    def test_the_patients_own_team_can_do_both(self, client, issue_key, patient_id):
        north = issue_key("write:costs", "read:scores", team="north")
        assert client.post("/api/v1/cost-events", headers=north, json={"events": [event()]}).status_code == 200
        assert len(client.get(f"/api/v1/cost-events?patient={patient_id}", headers=north).json) == 1


class TestOpenApi:
    def test_the_row_report_and_both_request_bodies_are_documented(self, client):
        spec = client.get("/api/v1/openapi.json").json
        csv_import = spec["paths"]["/api/v1/cost-events/import"]["post"]
        assert {"text/csv", "multipart/form-data"} <= set(csv_import["requestBody"]["content"])
        assert "errors.rows" in csv_import["responses"]["422"]["description"]

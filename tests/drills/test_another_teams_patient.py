"""Drill: a user or API key of team North on every route for a team-South patient.

The failure rehearsed: a route that forgets the team check and shows one team's patient to another
(a new route added later, a filter that leaks, a FHIR read by id). What must hold, on every route that
takes a patient (or one of their enrolments, invitations, alerts or resources), found from the URL map,
the OpenAPI document and the FHIR CapabilityStatement so a route added later is covered without anyone
remembering to: the answer is 404 (the patient's existence is not revealed), nothing of the patient is in
the body, and an audit row records who asked for what and that it was refused.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from prom_service.db.models import AuditEvent
from prom_service.workspace import register_workspace
from tests.api.test_feed import ANSWERS
from tests.api.test_journey import CONSENT, baseline
from tests.workspace.conftest import audit_rows, csrf, sign_in

pytestmark = pytest.mark.drill

WORKSPACE_ID_ARGUMENTS = {"patient_id", "alert_id", "enrolment_id"}
API_ID_ARGUMENTS = {"patient_id", "enrolment_id", "invitation_id"}
ALL_SCOPES = ("read:scores", "write:patients", "write:responses", "write:costs", "read:reports")
SOUTH_PATIENT = {"external_id": "SOUTH-SECRET-7", "phone": "07700 900777", "display_name": "Sol Southerly"}
SOUTH_TRACES = ("SOUTH-SECRET-7", "900777", "Sol Southerly")
# A valid body for each API route that takes one, so the request reaches the team check rather than
# stopping at validation; a new POST route fails here until its body is added.
API_BODIES = {
    "enrolments.create_enrolment": {"community": "perinatal_mental_health", "consent": CONSENT},
    "enrolments.leave_enrolment": {"reason": "moved_away"},
    "records.submit_response": ANSWERS,
}


def _workspace_rules():
    app = Flask("url-map")
    register_workspace(app)
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint.startswith("workspace.")), key=lambda r: r.rule)


WORKSPACE_RULES_WITH_IDS = [rule for rule in _workspace_rules() if rule.arguments & WORKSPACE_ID_ARGUMENTS]


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


class TestTheWorkspace:
    """A North clinician signed in to /team, on every page and action naming a South object."""

    def test_every_workspace_route_with_an_id_is_covered(self):
        assert len(WORKSPACE_RULES_WITH_IDS) >= 9

    def test_a_north_user_gets_404_on_each_and_every_refusal_is_audited(self, client, parts, world):
        """One sign-in and one two-team world for every route (the world is the slow part); every route
        is still tried and every failure listed."""
        sign_in(client)
        ids = {"patient_id": world.south_patient_id, "alert_id": world.south_alert_id,
               "enrolment_id": world.south_enrolment_id}
        problems = []
        for rule in WORKSPACE_RULES_WITH_IDS:
            url = rule.build({name: ids[name] for name in rule.arguments})[1]
            if "GET" in rule.methods:
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": csrf(client), "note": "x", "assignee": "1",
                                                  "text": "x", "importance": "1", "difficulty": "1"})
            if response.status_code != 404:
                problems.append(f"{_methods(rule)} {url}: {response.status_code}")
            if "Sol South" in response.get_data(as_text=True):
                problems.append(f"{_methods(rule)} {url}: the body shows the South patient")
            refused = [row for row in audit_rows(parts, actor_id=str(world.north_user_id)) if row.target == url]
            if not (refused and refused[-1].detail["status"] == 404 and refused[-1].detail["refused"] is True):
                problems.append(f"{_methods(rule)} {url}: no audit row of the refusal")
        assert not problems, "\n".join(problems)


class SouthRecord:
    """A South patient with a whole baseline answered (scores, LIS, an alert, responses), made over the API."""

    def __init__(self, client, south_headers):
        created = client.post("/api/v1/patients", json=SOUTH_PATIENT, headers=south_headers)
        assert created.status_code == 201, created.json
        self.patient_id = created.json["id"]
        enrolled = client.post(f"/api/v1/patients/{self.patient_id}/enrolments",
                               json={"community": "perinatal_mental_health", "consent": CONSENT}, headers=south_headers)
        assert enrolled.status_code == 201, enrolled.json
        self.enrolment_id = enrolled.json["id"]
        self.invitation_id = baseline(client, south_headers, self.patient_id)["id"]
        answered = client.post(f"/api/v1/invitations/{self.invitation_id}/responses", json=ANSWERS,
                               headers=south_headers)
        assert answered.status_code == 201, answered.json
        self.fhir_ids = {kind: [entry["resource"]["id"] for entry in client.get(
            f"/fhir/{kind}?patient={self.patient_id}", headers=south_headers).json["entry"]]
            for kind in ("Observation", "QuestionnaireResponse")}
        assert all(self.fhir_ids.values()), "South can read its own patient's resources"


@pytest.fixture
def south(client, issue_key, communities) -> SouthRecord:
    return SouthRecord(client, issue_key(*ALL_SCOPES, team="south"))


@pytest.fixture
def north(issue_key) -> dict[str, str]:
    return issue_key(*ALL_SCOPES, team="north")


def api_requests(app, client, south: SouthRecord) -> list[tuple[str, str, dict | None]]:
    """(method, url, body) for every /api/v1 and /fhir request that names the South patient or their things."""
    ids = {"patient_id": south.patient_id, "enrolment_id": south.enrolment_id, "invitation_id": south.invitation_id}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.arguments & API_ID_ARGUMENTS:
            url = rule.build({name: ids[name] for name in rule.arguments})[1]
            found += [(method, url, API_BODIES.get(rule.endpoint)) for method in _methods(rule)]
    document = client.get("/api/v1/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            if "patient" in names:
                found.append((method.upper(), f"{path}?patient={south.patient_id}", None))
    for resource in client.get("/fhir/metadata").json["rest"][0]["resource"]:
        if "patient" in {p["name"] for p in resource.get("searchParam", [])}:
            found.append(("GET", f"/fhir/{resource['type']}?patient={south.patient_id}", None))
    found.append(("GET", f"/fhir/Patient/{south.patient_id}", None))
    found += [("GET", f"/fhir/{kind}/{rid}", None) for kind, ids_ in south.fhir_ids.items() for rid in ids_]
    return found


def _is_refusal(response) -> bool:
    """404 for a path naming the patient; for a search filtered to them, 404 or an empty result."""
    if response.status_code == 404:
        return True
    body = response.get_json(silent=True)
    if response.status_code != 200:
        return False
    return body == [] or (isinstance(body, dict) and body.get("resourceType") == "Bundle" and body.get("total") == 0
                          and not body.get("entry"))


class TestTheApi:
    """An API key restricted to team North, on every /api/v1 and /fhir route naming a South patient."""

    def test_every_api_route_naming_a_patient_is_covered(self, app, client, south):
        urls = [url for _, url, _ in api_requests(app, client, south)]
        assert len(urls) >= 12
        assert any("?patient=" in url and url.startswith("/api/v1/alerts") for url in urls)
        assert any(url.startswith("/fhir/Observation/") for url in urls)

    def test_a_north_key_gets_nothing_of_the_south_patient_and_each_refusal_is_audited(self, app, client, parts,
                                                                                       south, north):
        problems = []
        for method, url, body in api_requests(app, client, south):
            before = _last_audit_id(parts)
            response = client.open(url, method=method, json=body, headers=north)
            text = response.get_data(as_text=True)
            if not _is_refusal(response):
                problems.append(f"{method} {url}: {response.status_code} {text[:200]}")
            if any(trace in text for trace in SOUTH_TRACES):
                problems.append(f"{method} {url}: the body shows the South patient")
            audited = _audit_since(parts, before)
            if not any(row.detail.get("status") == response.status_code and _names(row, url, south) for row in audited):
                problems.append(f"{method} {url}: no audit row names what was asked for "
                                f"({[(r.target, r.patient_id, r.detail) for r in audited]})")
        assert not problems, "\n".join(problems)

    def test_fishing_with_an_overlong_id_is_refused_and_still_audited(self, client, parts, south, north):
        url = f"/fhir/Observation/score-{south.patient_id}" + "x" * 300
        before = _last_audit_id(parts)
        response = client.get(url, headers=north)
        assert response.status_code == 404
        audited = _audit_since(parts, before)
        assert len(audited) == 1 and audited[0].detail["status"] == 404 and url.startswith(audited[0].target[:-1])

    def test_the_south_key_still_reads_its_own_patient(self, client, issue_key, south):
        own = client.get(f"/api/v1/patients/{south.patient_id}", headers=issue_key("read:scores", team="south"))
        assert own.status_code == 200 and own.json["external_id"] == SOUTH_PATIENT["external_id"]


def _last_audit_id(parts) -> int:
    with parts.uow() as uow:
        return uow.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def _audit_since(parts, after_id: int) -> list[AuditEvent]:
    with parts.uow() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.id > after_id).order_by(AuditEvent.id)))


def _names(row: AuditEvent, url: str, south: SouthRecord) -> bool:
    """The row says which patient, or which of their things, was asked for."""
    return row.patient_id == south.patient_id or (row.target or "") == url.split("?")[0] and "?" not in url

"""The CapabilityStatement at /fhir/metadata: what this FHIR server reads, searches and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prom_service.feeds.fhir_resources import instant

SEARCH_PARAMS = [
    {"name": "patient", "type": "reference", "documentation": "Patient/{id} or the id alone"},
    {"name": "code", "type": "token", "documentation": "[system|]code; LOINC, SNOMED CT or our scale codes"},
    {"name": "_lastUpdated", "type": "date", "documentation": "Prefixes eq, ge, gt, le, lt"},
]


def capability_statement(base_url: str, now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement", "status": "active", "date": instant(now), "kind": "instance",
        "software": {"name": "PROM service"}, "implementation": {"description": "PROM service FHIR API",
                                                                 "url": f"{base_url.rstrip('/')}/fhir"},
        "fhirVersion": "4.0.1", "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "security": {"description": "Authorization: Bearer <API key> with the read:scores scope; team-scoped."},
            "resource": [
                _resource("Observation", ["read", "search-type"], SEARCH_PARAMS),
                _resource("QuestionnaireResponse", ["read", "search-type"], SEARCH_PARAMS),
                _resource("Patient", ["read"], []),
            ],
            "operation": [{"name": "export", "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"},
                          {"name": "patient-export",
                           "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"}],
        }],
    }


def _resource(kind: str, interactions: list[str], params: list[dict]) -> dict[str, Any]:
    body = {"type": kind, "interaction": [{"code": code} for code in interactions]}
    return body | ({"searchParam": params} if params else {})

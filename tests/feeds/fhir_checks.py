"""Checks every FHIR resource we serve must pass: R4B structure (fhir.resources has no R4 models; the
resources we use are the same in R4 and R4B), our own bindings (which fhir.resources does not check),
and golden files with ids and times masked.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

GOLDEN = Path(__file__).parent / "golden"
MODELS = {m.__name__: m for m in (Bundle, CapabilityStatement, Observation, OperationOutcome, Patient,
                                  QuestionnaireResponse)}
STATUSES = {"Observation": {"final"}, "QuestionnaireResponse": {"completed", "in-progress"}}
CODE_SYSTEMS = {"http://loinc.org", "http://snomed.info/sct", "https://prom.example.org/fhir/CodeSystem/scale"}
MASKED = {"lastUpdated", "issued", "fullUrl", "url", "date"}


def valid(resource: dict) -> dict:
    """Validate structurally with R4B and check the bindings we promise; return the resource."""
    MODELS[resource["resourceType"]].model_validate(resource)
    for entry in resource.get("entry", []):
        valid(entry["resource"])
    if resource["resourceType"] in STATUSES:
        assert resource["status"] in STATUSES[resource["resourceType"]], resource["status"]
    if resource["resourceType"] == "Observation":
        assert resource["category"][0]["coding"][0]["code"] == "survey"
        assert all(c["system"] in CODE_SYSTEMS for c in resource["code"]["coding"])
        quantity = resource.get("valueQuantity")
        assert quantity is None or (quantity["system"], quantity["code"]) == ("http://unitsofmeasure.org", "{score}")
    return resource


def masked(value, key: str = ""):
    """Ids and times vary by database and run; structure and values must not."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if key in MASKED:
        return "<masked>"
    if key in ("id", "reference") and isinstance(value, str):
        return re.sub(r"\d+", "N", value)
    return value


def matches_golden(name: str, resource: dict) -> None:
    """Compare with tests/feeds/golden/<name>.json; PROM_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / f"{name}.json"
    if os.environ.get("PROM_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(json.dumps(masked(resource), indent=2, sort_keys=True) + "\n")
    assert masked(resource) == json.loads(path.read_text())

"""FHIR R4 resources built from our rows: QuestionnaireResponse, Observation (scores and the Life
Improver Score) and a minimal Patient. Plain dicts: the HTTP edge serialises them as application/fhir+json.

Codes come from the instruments' metadata (LOINC, SNOMED CT); a scale with no published code gets one
from our own code system, so every Observation is coded and searchable by `code`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

import scoring
from prom_service.db.models import Answer, LifeImproverScore, Patient, Response, Score

BASE = "https://prom.example.org/fhir"
SCALE_SYSTEM = f"{BASE}/CodeSystem/scale"
BAND_SYSTEM = f"{BASE}/CodeSystem/band"
SOURCE_SYSTEM = f"{BASE}/sid/patient-source"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
UCUM = "http://unitsofmeasure.org"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
LIS_CODE = {"system": SCALE_SYSTEM, "code": "life_improver_score", "display": "Life Improver Score"}
SURVEY = [{"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}]


@lru_cache(maxsize=4096)
def instant(moment: datetime) -> str:
    """FHIR instants need a zone; ours are UTC. Remembered: the scales of a response share their
    instants, and `isoformat` was a third of the CPU an exported Observation cost."""
    return moment.isoformat().replace("+00:00", "Z")


def questionnaire_url(instrument: str) -> str:
    return f"{BASE}/Questionnaire/{instrument}"


def scale_coding(instrument: str, scale: str) -> dict[str, str]:
    """The published code of an instrument scale, else our own `instrument.scale` code."""
    return dict(_scale_coding(instrument, scale))


@lru_cache(maxsize=None)
def _scale_coding(instrument: str, scale: str) -> tuple[tuple[str, str], ...]:
    """Looked up once per scale: a bulk export codes millions of Observations from a few dozen scales."""
    return tuple(_scale_coding_uncached(instrument, scale).items())


def _scale_coding_uncached(instrument: str, scale: str) -> dict[str, str]:
    published = scoring.instruments(instrument).codes.get(scale) if instrument in scoring.instruments() else None
    if published:
        return dict(published)
    name = scoring.instruments(instrument).name if instrument in scoring.instruments() else instrument
    return {"system": SCALE_SYSTEM, "code": f"{instrument}.{scale}", "display": f"{name}: {scale}"}


def patient_resource(patient: Patient) -> dict[str, Any]:
    """Who the resources are about, and no more: no phone, no name, no address."""
    identifiers = [{"system": f"{SOURCE_SYSTEM}/{patient.source}", "value": patient.external_id}]
    if patient.nhs_number:
        identifiers.insert(0, {"system": NHS_NUMBER_SYSTEM, "value": patient.nhs_number})
    return {"resourceType": "Patient", "id": str(patient.id), "meta": {"lastUpdated": instant(patient.created_at)},
            "identifier": identifiers}


def questionnaire_response(response: Response, answers: list[Answer]) -> dict[str, Any]:
    """The answers as given, one item per linkId in questionnaire order; unanswered items carry no answer."""
    order = {item_id: n for n, item_id in enumerate(scoring.instruments(response.instrument).item_ids)}
    items = [{"linkId": a.item_id, **({"answer": [{"valueInteger": a.value}]} if a.value is not None else {})}
             for a in sorted(answers, key=lambda a: (order.get(a.item_id, len(order)), a.item_id))]
    authored = response.submitted_at or max((a.answered_at for a in answers), default=response.started_at)
    return {
        "resourceType": "QuestionnaireResponse", "id": str(response.id),
        "meta": {"lastUpdated": instant(response.created_at)},
        "questionnaire": questionnaire_url(response.instrument),
        "status": "completed" if response.submitted_at is not None else "in-progress",
        "subject": {"reference": f"Patient/{response.patient_id}"}, "authored": instant(authored), "item": items,
    }


def score_observation(score: Score, siblings: list[Score] = ()) -> dict[str, Any]:
    """One scale as an Observation; the primary scale also carries its sibling scales as components.

    The coded parts (code, band, method, component codes) come from per-scale caches and are shared
    between resources: a bulk export builds millions from a few dozen scales. Never change a built resource.
    """
    created = instant(score.created_at)
    value_key, value = _value(score)
    resource = {
        "resourceType": "Observation", "id": f"score-{score.id}", "meta": {"lastUpdated": created},
        "status": "final", "category": SURVEY, "code": _code(score.instrument, score.scale),
        "subject": {"reference": f"Patient/{score.patient_id}"},
        "effectiveDateTime": instant(score.observed_at), "issued": created,
        value_key: value, "method": _method(score.definition_version),
    }
    if score.band:
        resource["interpretation"] = _interpretation(score.instrument, score.scale, score.band)
    if score.response_id is not None:
        resource["derivedFrom"] = [{"reference": f"QuestionnaireResponse/{score.response_id}"}]
    if siblings:
        resource["component"] = [_component(s) for s in siblings]
    return resource


def _component(score: Score) -> dict[str, Any]:
    value_key, value = _value(score)
    return {"code": _component_code(score.instrument, score.scale), value_key: value}


@lru_cache(maxsize=None)
def _method(definition_version: str) -> dict[str, str]:
    return {"text": f"scoring definition {definition_version}"}


@lru_cache(maxsize=None)
def _code(instrument: str, scale: str) -> dict[str, Any]:
    return {"coding": [scale_coding(instrument, scale)], "text": f"{instrument} {scale}"}


@lru_cache(maxsize=None)
def _component_code(instrument: str, scale: str) -> dict[str, Any]:
    return {"coding": [scale_coding(instrument, scale)]}


def _value(score: Score) -> tuple[str, Any]:
    """The value element's name and content: a quantity, a text, or why there is none."""
    if score.value is not None:
        return "valueQuantity", {"value": score.value, "unit": "{score}", "system": UCUM, "code": "{score}"}
    if score.value_text is not None:
        return "valueString", score.value_text
    return "dataAbsentReason", {"text": score.reason or "not scorable"}


@lru_cache(maxsize=None)
def _interpretation(instrument: str, scale: str, band: str) -> list[dict[str, Any]]:
    """The band's published wording, looked up once per band rather than once per Observation."""
    bands = scoring.instruments(instrument).bands.get(scale, ()) if instrument in scoring.instruments() else ()
    label = next((b.label for b in bands if b.id == band), band)
    return [{"coding": [{"system": BAND_SYSTEM, "code": f"{instrument}.{band}", "display": label}], "text": label}]


def lis_observation(lis: LifeImproverScore, community: str, version: int, derived_from: list[str]) -> dict[str, Any]:
    """The Life Improver Score, its outcome-set version in `method`, its domains as components."""
    domains = (lis.inputs or {}).get("domains", {})
    resource = {
        "resourceType": "Observation", "id": f"lis-{lis.id}", "meta": {"lastUpdated": instant(lis.created_at)},
        "status": "final", "category": SURVEY, "code": {"coding": [LIS_CODE], "text": "Life Improver Score"},
        "subject": {"reference": f"Patient/{lis.patient_id}"},
        "effectiveDateTime": instant(lis.observed_at), "issued": instant(lis.created_at),
        **({"valueQuantity": {"value": lis.value, "unit": "{score}", "system": UCUM, "code": "{score}"}}
           if lis.value is not None else {"dataAbsentReason": {"text": lis.reason or "too little measured"}}),
        "method": {"coding": [{"system": f"{BASE}/CodeSystem/outcome-set", "code": f"{community}@v{version}"}],
                   "text": f"Life Improver Score, outcome set {community} version {version}"},
        "note": [{"text": f"Outcome set {community} v{version}; coverage {lis.coverage:.0%} of the weight."}],
        "component": [
            {"code": {"coding": [{"system": SCALE_SYSTEM, "code": f"{community}.{name}"}], "text": name},
             "valueQuantity": {"value": domain["normalised"], "unit": "{score}", "system": UCUM, "code": "{score}"}}
            for name, domain in sorted(domains.items())
        ],
    }
    if derived_from:
        resource["derivedFrom"] = [{"reference": reference} for reference in derived_from]
    if not resource["component"]:
        del resource["component"]
    return resource


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


def bundle(total: int, resources: list[dict[str, Any]], self_url: str, next_url: str | None) -> dict[str, Any]:
    """A searchset Bundle with the total and self/next links."""
    links = [{"relation": "self", "url": self_url}] + ([{"relation": "next", "url": next_url}] if next_url else [])
    return {
        "resourceType": "Bundle", "type": "searchset", "total": total, "link": links,
        "entry": [{"fullUrl": f"{BASE}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
                  for r in resources],
    }

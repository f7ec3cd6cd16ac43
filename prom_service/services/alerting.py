"""Raising alerts from an outcome set's rules. A missed alert is a clinical hazard, so this runs in the
same transaction as the scores it reads, and a PHQ-9 item-9 answer above zero is always urgent even
where a community forgot to configure it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import select

import scoring
from prom_service.db.models import Alert, LifeImproverScore, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.alert_rules import DeteriorationRule, MeasureRule
from prom_service.domain.change import ChangeClass, domain_change, lis_change
from prom_service.domain.measure import MeasureKind
from prom_service.domain.outcome_set import OutcomeSet
from prom_service.feeds import feed

SEVERITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
ITEM9_RULE = "phq9_item9_positive"


@dataclass(frozen=True)
class RaisedAlert:
    id: int
    rule: str
    severity: str
    summary: str


def raise_alert(
    uow: UnitOfWork, patient_id: int, enrolment_id: int | None, rule: str, severity: str, summary: str,
    now: datetime, score_id: int | None = None,
) -> RaisedAlert:
    """Open an alert, or refresh the open one for this rule (one open alert per rule per patient)."""
    alert = uow.session.scalar(select(Alert).where(
        Alert.patient_id == patient_id, Alert.rule == rule, Alert.status != "resolved"))
    if alert is None:
        alert = Alert(patient_id=patient_id, enrolment_id=enrolment_id, rule=rule, severity=severity, status="open",
                      summary=summary, raised_at=now, score_id=score_id, created_at=now)
        uow.session.add(alert)
    else:
        alert.summary, alert.score_id = summary, score_id or alert.score_id
        if SEVERITY_RANK[severity] < SEVERITY_RANK[alert.severity]:
            alert.severity = severity
    feed.publish(uow, alert)
    return RaisedAlert(alert.id, rule, alert.severity, summary)


def evaluate_measures(
    uow: UnitOfWork, outcome_set: OutcomeSet, patient_id: int, enrolment_id: int,
    scores: list[Score], answers: Mapping[str, Mapping[str, int | None]], now: datetime,
) -> list[RaisedAlert]:
    """Red-flag and threshold rules on this assessment's scores and answers."""
    raised = []
    for rule in (r for r in outcome_set.alerts if isinstance(r, MeasureRule)):
        value, score_id = _measured(rule, scores, answers)
        if rule.fires_for(value):
            summary = f"{rule.measure.reference} is {value:g} ({rule.comparison.value.replace('_', ' ')} {rule.limit:g})"
            raised.append(raise_alert(uow, patient_id, enrolment_id, rule.name, rule.severity.value, summary, now, score_id))
    if not _configured_item9(outcome_set):
        raised.extend(_item9_safety_net(uow, patient_id, enrolment_id, scores, now))
    return raised


def evaluate_answer(
    uow: UnitOfWork, outcome_set: OutcomeSet, patient_id: int, enrolment_id: int, instrument: str, item_id: str,
    value: int | None, now: datetime,
) -> list[RaisedAlert]:
    """Item-level red flags the moment the answer is given: a person may stop before the end."""
    raised = []
    for rule in (r for r in outcome_set.alerts if isinstance(r, MeasureRule)):
        measure = rule.measure
        if (measure.kind, measure.instrument, measure.part) == (MeasureKind.INSTRUMENT_ITEM, instrument, item_id) \
                and rule.fires_for(None if value is None else float(value)):
            summary = f"{measure.reference} answered {value} ({rule.comparison.value.replace('_', ' ')} {rule.limit:g})"
            raised.append(raise_alert(uow, patient_id, enrolment_id, rule.name, rule.severity.value, summary, now))
    if (instrument, item_id) == ("phq9", "q9") and (value or 0) > 0 and not _configured_item9(outcome_set):
        summary = "PHQ-9 item 9 (thoughts of self-harm) answered above 0"
        raised.append(raise_alert(uow, patient_id, enrolment_id, ITEM9_RULE, "urgent", summary, now))
    return raised


def _measured(rule: MeasureRule, scores: list[Score], answers) -> tuple[float | None, int | None]:
    measure = rule.measure
    if measure.kind is MeasureKind.INSTRUMENT_ITEM:
        value = answers.get(measure.instrument, {}).get(measure.part)
        primary = next((s for s in scores if s.instrument == measure.instrument and s.flags is not None
                        and s.scale == scoring.instruments(measure.instrument).primary_scale), None)
        return (None if value is None else float(value)), (primary.id if primary else None)
    wanted = measure.options.get("value_set") or scoring.instruments(measure.instrument).default_value_set
    for score in scores:
        if (score.instrument, score.scale) == (measure.instrument, measure.part) \
                and (score.provenance or {}).get("value_set") == wanted:
            return score.value, score.id
    return None, None


def _configured_item9(outcome_set: OutcomeSet) -> bool:
    return any(isinstance(r, MeasureRule) and r.measure.reference == "phq9.q9" for r in outcome_set.alerts)


def _item9_safety_net(uow, patient_id, enrolment_id, scores: list[Score], now) -> list[RaisedAlert]:
    flagged = next((s for s in scores if s.instrument == "phq9" and "item9_positive" in (s.flags or [])), None)
    if flagged is None:
        return []
    summary = "PHQ-9 item 9 (thoughts of self-harm) answered above 0"
    return [raise_alert(uow, patient_id, enrolment_id, ITEM9_RULE, "urgent", summary, now, flagged.id)]


def evaluate_deterioration(
    uow: UnitOfWork, outcome_set: OutcomeSet, current: LifeImproverScore, now: datetime,
) -> list[RaisedAlert]:
    """Deterioration beyond the MID from the person's own baseline or previous assessment."""
    earlier = uow.session.scalars(select(LifeImproverScore).where(
        LifeImproverScore.enrolment_id == current.enrolment_id, LifeImproverScore.id != current.id,
        LifeImproverScore.observed_at <= current.observed_at,
    ).order_by(LifeImproverScore.observed_at, LifeImproverScore.id)).all()
    if not earlier:
        return []
    raised = []
    for rule in (r for r in outcome_set.alerts if isinstance(r, DeteriorationRule)):
        reasons = _deteriorations(outcome_set, rule, earlier, current)
        if reasons:
            raised.append(raise_alert(uow, current.patient_id, current.enrolment_id, rule.name, rule.severity.value,
                                      "; ".join(reasons), now))
    return raised


def _deteriorations(outcome_set, rule: DeteriorationRule, earlier, current) -> list[str]:
    reasons = []
    baseline, previous = earlier[0], earlier[-1]
    mid = outcome_set.life_improver_score.mid
    if rule.life_improver_score and current.value is not None:
        for label, before in (("baseline", baseline), ("previous", previous)):
            if before.value is not None and lis_change(before.value, current.value, mid).classification is ChangeClass.DETERIORATED:
                reasons.append(f"LIS fell from {before.value:g} ({label}) to {current.value:g}")
                break
    now_domains, before_domains = current.inputs.get("domains", {}), previous.inputs.get("domains", {})
    for domain in outcome_set.domains:
        if rule.watches(domain.name) and domain.name in now_domains and domain.name in before_domains:
            change = domain_change(domain, before_domains[domain.name]["raw"], now_domains[domain.name]["raw"])
            if change.classification is ChangeClass.DETERIORATED:
                reasons.append(f"{domain.label} worsened beyond its MID ({domain.mid.value:g})")
    return reasons

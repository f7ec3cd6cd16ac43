"""Read the `alerts` section of a community file into typed alert rules."""

from __future__ import annotations

from prom_service.domain.alert_rules import (
    ALERT_RULE_KINDS,
    AlertRule,
    Comparison,
    DeteriorationRule,
    MeasureRule,
    NonResponseRule,
    Severity,
)
from prom_service.domain.located_yaml import Located
from prom_service.domain.measure import InstrumentCatalogue, MeasureError, resolve_measure

_COMMON = ("rule", "kind", "severity")
_COMPARISONS = tuple(comparison.value for comparison in Comparison)


def read_alert_rules(
    located: Located, catalogue: InstrumentCatalogue, asked: set[str], domains: set[str]
) -> tuple[AlertRule, ...]:
    """Rules in file order; names must be unique so a raised alert can say which rule raised it."""
    rules: list[AlertRule] = []
    for entry in located.entries(allow_empty=True) if located.present else ():
        rule = _rule(entry, catalogue, asked, domains)
        if rule.name in {earlier.name for earlier in rules}:
            raise entry.child("rule").fail(f"{rule.name!r} is used by an earlier rule")
        rules.append(rule)
    return tuple(rules)


def _rule(entry: Located, catalogue: InstrumentCatalogue, asked: set[str], domains: set[str]) -> AlertRule:
    if not isinstance(entry.value, dict):
        raise entry.fail("must be a mapping with rule, kind and severity")
    kind = entry.child("kind")
    if kind.value not in ALERT_RULE_KINDS:
        raise kind.fail(f"must be one of {', '.join(ALERT_RULE_KINDS)}, got {kind.value!r}")
    if kind.value == "deterioration":
        return _deterioration(entry, domains)
    if kind.value == "non_response":
        return _non_response(entry)
    return _measure_rule(entry, catalogue, asked)


def _measure_rule(entry: Located, catalogue: InstrumentCatalogue, asked: set[str]) -> MeasureRule:
    """`measure` plus exactly one of above / at_least / below / at_most."""
    entry.mapping(required=(*_COMMON, "measure"), optional=_COMPARISONS)
    given = [name for name in _COMPARISONS if name in entry.value]
    if len(given) != 1:
        raise entry.fail(f"needs exactly one of {', '.join(_COMPARISONS)}, got {len(given)}")
    located = entry.child("measure")
    try:
        measure = resolve_measure(located.text(), catalogue)
    except MeasureError as error:
        raise located.fail(str(error)) from None
    if measure.instrument not in asked:
        raise located.fail(f"instrument {measure.instrument!r} is not among this community's instruments")
    return MeasureRule(
        name=entry.child("rule").identifier(),
        kind=entry.child("kind").value,
        severity=entry.child("severity").choice(Severity),
        measure=measure,
        comparison=Comparison(given[0]),
        limit=entry.child(given[0]).number(),
    )


def _deterioration(entry: Located, domains: set[str]) -> DeteriorationRule:
    """`domains` left out means every domain; `life_improver_score` defaults to watching the LIS too."""
    entry.mapping(required=_COMMON, optional=("domains", "life_improver_score"))
    watched = entry.child("domains")
    names = tuple(name.identifier() for name in watched.entries()) if watched.present else ()
    for position, name in enumerate(names):
        if name not in domains:
            problem = f"unknown domain {name!r} (known: {', '.join(sorted(domains))})"
            raise Located(entry.document, (*watched.path, position), name).fail(problem)
    return DeteriorationRule(
        name=entry.child("rule").identifier(),
        severity=entry.child("severity").choice(Severity),
        domains=names,
        life_improver_score=entry.child("life_improver_score").optional("boolean", True),
    )


def _non_response(entry: Located) -> NonResponseRule:
    entry.mapping(required=_COMMON, optional=("consecutive_missed",))
    return NonResponseRule(
        name=entry.child("rule").identifier(),
        severity=entry.child("severity").choice(Severity),
        consecutive_missed=entry.child("consecutive_missed").optional("whole_number", 1, 1),
    )

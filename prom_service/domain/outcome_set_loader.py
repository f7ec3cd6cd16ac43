"""Read `config/communities/<code>.yaml` into a `Community`, or say exactly what is wrong and where.

Every problem is an `OutcomeSetError` naming file, line and field. Measures are checked against the
scoring library's instrument catalogue (passed in, or `scoring.instruments` by default), and each
domain's worst and best values must lie within its measure's range. The file layout is described in
the comment at the top of `config/communities/frail_elderly.yaml`.
"""

from __future__ import annotations

from pathlib import Path

from prom_service.domain.alert_rules_loader import read_alert_rules
from prom_service.domain.located_yaml import Document, Located, OutcomeSetError
from prom_service.domain.measure import (
    DAYS_AT_HOME,
    InstrumentCatalogue,
    Measure,
    MeasureError,
    days_at_home,
    higher_is_better,
    measure_range,
    resolve_measure,
    scoring_catalogue,
)
from prom_service.domain.outcome_set import (
    Community,
    Domain,
    InstrumentRequest,
    LifeImproverScoreSettings,
    MinimalImportantDifference,
    OutcomeSet,
    SmsMode,
)
from prom_service.domain.schedule_loader import read_schedule

__all__ = ["OutcomeSetError", "load_communities", "load_community", "read_community"]

_REQUIRED = ("code", "name", "description", "version", "published", "instruments", "domains", "schedule")
_OPTIONAL = ("life_improver_score", "alerts")
_DOMAIN_REQUIRED = ("name", "label", "measure", "worst", "best", "weight", "mid")
_DOMAIN_OPTIONAL = ("over_days", "options")


def load_communities(directory: str | Path, catalogue: InstrumentCatalogue | None = None) -> tuple[Community, ...]:
    """Every `*.yaml` community in `directory`, ordered by code."""
    paths = sorted(Path(directory).glob("*.yaml"))
    return tuple(load_community(path, catalogue) for path in paths)


def load_community(path: str | Path, catalogue: InstrumentCatalogue | None = None) -> Community:
    """One community file; its `code` must match the file name so the two can never disagree."""
    path = Path(path)
    return read_community(path.read_text(encoding="utf-8"), str(path), catalogue, expected_code=path.stem)


def read_community(
    text: str,
    file: str = "<text>",
    catalogue: InstrumentCatalogue | None = None,
    expected_code: str | None = None,
) -> Community:
    """Parse and validate community YAML given as text; `file` is only used in error messages."""
    catalogue = catalogue or scoring_catalogue()
    root = Document(file, text).root
    if root.value is None:
        raise OutcomeSetError(file, 1, "", "the file is empty")
    root.mapping(_REQUIRED, _OPTIONAL)
    code = root.child("code").identifier()
    if expected_code is not None and code != expected_code:
        raise root.child("code").fail(f"must match the file name {expected_code!r}, got {code!r}")
    return Community(
        code=code,
        name=root.child("name").text(),
        description=root.child("description").text(),
        outcome_set=_outcome_set(root, code, catalogue),
    )


def _outcome_set(root: Located, code: str, catalogue: InstrumentCatalogue) -> OutcomeSet:
    instruments = _instruments(root.child("instruments"), catalogue)
    asked = {request.instrument for request in instruments}
    domains = _domains(root.child("domains"), catalogue, asked)
    return OutcomeSet(
        community=code,
        version=root.child("version").whole_number(minimum=1),
        published=root.child("published").date(),
        instruments=instruments,
        domains=domains,
        life_improver_score=_life_improver_score(root.child("life_improver_score")),
        schedule=read_schedule(root.child("schedule")),
        alerts=read_alert_rules(root.child("alerts"), catalogue, asked, {d.name for d in domains}),
    )


def _instruments(located: Located, catalogue: InstrumentCatalogue) -> tuple[InstrumentRequest, ...]:
    requests, known = [], list(catalogue())
    for entry in located.entries():
        entry.mapping(required=("id", "sms"))
        instrument = entry.child("id").text()
        if instrument not in known:
            raise entry.child("id").fail(f"unknown instrument {instrument!r} (known: {', '.join(known)})")
        if instrument in {request.instrument for request in requests}:
            raise entry.child("id").fail(f"{instrument!r} is listed more than once")
        requests.append(InstrumentRequest(instrument, entry.child("sms").choice(SmsMode)))
    return tuple(requests)


def _domains(located: Located, catalogue: InstrumentCatalogue, asked: set[str]) -> tuple[Domain, ...]:
    domains: list[Domain] = []
    for entry in located.entries():
        domain = _domain(entry, catalogue, asked)
        if domain.name in {earlier.name for earlier in domains}:
            raise entry.child("name").fail(f"{domain.name!r} is used by an earlier domain")
        domains.append(domain)
    if sum(domain.weight for domain in domains) <= 0:
        raise located.fail("at least one domain must have a weight above 0")
    return tuple(domains)


def _domain(entry: Located, catalogue: InstrumentCatalogue, asked: set[str]) -> Domain:
    entry.mapping(_DOMAIN_REQUIRED, _DOMAIN_OPTIONAL)
    measure = _measure(entry, catalogue, asked)
    worst, best = entry.child("worst").number(), entry.child("best").number()
    if worst == best:
        raise entry.child("best").fail(f"must differ from worst ({worst:g}), or nothing can be normalised")
    _check_within_range(entry, measure, catalogue)
    _check_direction(entry, measure, catalogue)
    return Domain(
        name=entry.child("name").identifier(),
        label=entry.child("label").text(),
        measure=measure,
        worst=worst,
        best=best,
        weight=entry.child("weight").number(minimum=0),
        mid=_mid(entry.child("mid")),
    )


def _measure(entry: Located, catalogue: InstrumentCatalogue, asked: set[str]) -> Measure:
    located = entry.child("measure")
    reference, over_days = located.text(), entry.child("over_days")
    if reference == DAYS_AT_HOME:
        if not over_days.present:
            raise over_days.fail("is required for days_at_home (the look-back period in days)")
        return days_at_home(over_days.whole_number(minimum=1))
    if over_days.present:
        raise over_days.fail("applies only to the days_at_home measure")
    try:
        measure = resolve_measure(reference, catalogue, **_options(entry.child("options")))
    except MeasureError as error:
        raise located.fail(str(error)) from None
    if measure.is_asked and measure.instrument not in asked:
        raise located.fail(f"instrument {measure.instrument!r} is not among this community's instruments")
    return measure


def _options(located: Located) -> dict[str, str]:
    """Keyword arguments for `scoring.score`, such as an EQ-5D-5L `value_set`."""
    if not located.present:
        return {}
    if not isinstance(located.value, dict):
        raise located.fail("must be a mapping of scoring options, such as value_set: england_2018")
    return {key: located.child(key).text() for key in located.value}


def _check_within_range(entry: Located, measure: Measure, catalogue: InstrumentCatalogue) -> None:
    bounds = measure_range(measure, catalogue)
    if bounds is None:
        return
    low, high = bounds
    for field in ("worst", "best"):
        value = entry.child(field).value
        if not low <= value <= high:
            problem = f"must be within {measure.reference}'s range {low:g} to {high:g}, got {value!r}"
            raise entry.child(field).fail(problem)


def _check_direction(entry: Located, measure: Measure, catalogue: InstrumentCatalogue) -> None:
    """`best` must be the better end, or the LIS would reward getting worse."""
    expected = higher_is_better(measure, catalogue)
    worst, best = entry.child("worst").value, entry.child("best").value
    if expected is not None and (best > worst) != expected:
        direction = "higher" if expected else "lower"
        raise entry.child("best").fail(f"must be the better end: {direction} {measure.reference} is better")


def _mid(located: Located) -> MinimalImportantDifference:
    located.mapping(required=("value", "source"))
    value = located.child("value").number(minimum=0)
    if value == 0:
        raise located.child("value").fail("must be above 0, or every change would count")
    return MinimalImportantDifference(value, located.child("source").text())


def _life_improver_score(located: Located) -> LifeImproverScoreSettings:
    """The LIS settings; each may be left out to take the default (coverage 0.6, MID 5, 30 days)."""
    defaults = LifeImproverScoreSettings()
    if not located.present:
        return defaults
    located.mapping(optional=("min_coverage", "mid", "assessment_window_days"))
    return LifeImproverScoreSettings(
        min_coverage=located.child("min_coverage").optional("number", defaults.min_coverage, 0, 1),
        mid=located.child("mid").optional("number", defaults.mid, 0, 100),
        assessment_window_days=located.child("assessment_window_days").optional(
            "whole_number", defaults.assessment_window_days, 1
        ),
    )

"""The charts of a person's record: their Life Improver Score and each domain, ready to draw."""

from __future__ import annotations

from dataclasses import replace

from prom_service.services.care_record import DomainTrend, EnrolmentRecord
from prom_service.workspace import chart
from prom_service.workspace.wording import humane

LIS_AXIS = (0.0, 100.0)


def lis_series(record: EnrolmentRecord) -> chart.Series:
    """The LIS on its 0–100 axis with the outcome set's minimal important difference."""
    points = tuple(chart.Point(e.observed_at, e.value) for e in record.life_improver_scores if e.value is not None)
    return chart.Series("Life Improver Score", points, *LIS_AXIS, mid=record.outcome_set.life_improver_score.mid)


def domain_series(trend: DomainTrend) -> chart.Series:
    """A domain in its own raw units, from worst to best, with its MID and the instrument's bands."""
    domain = trend.domain
    values = [value for _at, value in trend.points]
    low, high = min([domain.worst, domain.best, *values]), max([domain.worst, domain.best, *values])
    bands = tuple(chart.Band(b.low, b.high, b.label or humane(b.id)) for b in _contiguous(trend.bands))
    return chart.Series(domain.label, tuple(chart.Point(at, value) for at, value in trend.points), low, high,
                        higher_is_better=domain.higher_is_better, mid=domain.mid.value, bands=bands)


def _contiguous(bands) -> list:
    """Integer bands (0–4, 5–9 …) drawn edge to edge: each stripe runs up to where the next begins."""
    ordered = sorted(bands, key=lambda b: b.low)
    return [replace(b, high=ordered[i + 1].low if i + 1 < len(ordered) else b.high) for i, b in enumerate(ordered)]


def charts_of(record: EnrolmentRecord) -> list[tuple[str, chart.Series]]:
    """(chart id, series) for the LIS and every domain, in the outcome set's order."""
    prefix = f"chart-{record.enrolment.id}"
    return [(f"{prefix}-lis", lis_series(record))] + [
        (f"{prefix}-{trend.domain.name}", domain_series(trend)) for trend in record.domains
    ]

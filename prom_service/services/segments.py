"""Usage segments: everyone ranked by what their care cost over the look-back period, most costly first.

Camden's population-health tool used health-care usage as a proxy for need; so do we. Each person's
cost over the `segments.lookback_months` months up to the report date (start dates after the same day
that many months earlier, up to and including the report date) ranks them among *all* patients the
service holds, including those with no cost at all. A person's rank share is the cumulative
distribution `cume_dist()`: the share of people costing as much as them or more, so people with equal
cost share a tier, and everybody with no cost lands in the last one. The tier edges come from
`segments.tier_edges_percent` (default 1, 5, 20, 50: top 1%, 2–5%, 6–20%, 21–50%, the rest).

The ranking is one window query in the database, so it scales with the cost table, not with Python.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select

from prom_service.db.models import CostEvent, Patient
from prom_service.settings import Settings

REST = "rest"


@dataclass(frozen=True)
class Segment:
    code: str
    label: str
    upper_share: float | None  # the tier holds people whose rank share is at most this; None: the rest


@dataclass(frozen=True)
class SegmentScheme:
    segments: tuple[Segment, ...]
    lookback_months: int


def segment_scheme(settings: Settings) -> SegmentScheme:
    """The tiers configured in `[segments]`, with codes like `top_1`, `top_2_5` and `rest`."""
    edges = [int(edge) for edge in settings["segments.tier_edges_percent"]]
    if not edges or edges != sorted(set(edges)) or edges[0] < 1 or edges[-1] > 99:
        raise ValueError(f"segments.tier_edges_percent must rise strictly within 1–99, got {edges}")
    segments, lower = [], 0
    for edge in edges:
        span = f"{edge}" if lower == 0 else f"{lower + 1}_{edge}"
        label = f"top {edge}%" if lower == 0 else f"{lower + 1}–{edge}%"
        segments.append(Segment(f"top_{span}", label, edge / 100))
        lower = edge
    segments.append(Segment(REST, f"{lower + 1}–100%", None))
    return SegmentScheme(tuple(segments), int(settings["segments.lookback_months"]))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def patient_segments(scheme: SegmentScheme, as_of: date) -> Select:
    """A query of (patient_id, segment) for every patient, by cost in the look-back period."""
    spend = (
        select(CostEvent.patient_id, func.sum(CostEvent.cost).label("spend"))
        .where(CostEvent.start_date > months_before(as_of, scheme.lookback_months), CostEvent.start_date <= as_of)
        .group_by(CostEvent.patient_id)
        .subquery("spend")
    )
    share = func.cume_dist().over(order_by=func.coalesce(spend.c.spend, 0).desc())
    ranked = (
        select(Patient.id.label("patient_id"), share.label("share"))
        .outerjoin(spend, spend.c.patient_id == Patient.id)
        .subquery("ranked")
    )
    tiers = [(ranked.c.share <= segment.upper_share, segment.code) for segment in scheme.segments if segment.upper_share]
    return select(ranked.c.patient_id, case(*tiers, else_=REST).label("segment"))

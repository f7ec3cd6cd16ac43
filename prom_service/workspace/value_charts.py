"""The value report drawn: horizontal bar charts of one figure across groups, with 95% intervals.

A programme lead compares groups: communities, IMD deciles (1 most deprived … 10 least, and people
whose area is unknown), usage segments. Each chart here is one figure for each group as a bar from
zero, with the 95% confidence interval as a whisker where the figure has one, and a group with
nothing to show says so instead of drawing a zero that would read as a real result. Bars run
sideways so long community names stay readable on a phone.

Like `chart`, this is pure standard library and escapes every text. Screen readers get a <title>, a
<desc> that reads every value out, and `figure()` adds the same figures as a table in a <details>.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Callable, Iterable

from prom_service.services.value_report import CommunityValue, ValueReport

from prom_service.workspace import wording
from prom_service.workspace.chart import TEXT_COLOUR, ticks_between

WIDTH = 400  # drawn at about this width in a half column, and no smaller than 0.8 of it on a phone
LEFT, RIGHT, TOP, BOTTOM = 150, 56, 12, 36  # the label column, room for value labels, the tick labels
CHANGE_LIMITS = (-100.0, 100.0)  # a change in the 0–100 Life Improver Score
ROW = 30
LABEL_ROOM = 40  # room a value label needs inside the plot, left of a negative bar
BAR_HEIGHT = 16
PLOT_WIDTH = WIDTH - LEFT - RIGHT
BAR_COLOUR, CI_COLOUR, GRID_COLOUR = "#005eb8", "#212b32", "#d8dde0"


@dataclass(frozen=True)
class Bar:
    """One group's figure; `low`/`high` its 95% interval, if any. `value` None: nothing to show yet."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class BarChart:
    title: str
    measure: str  # what the value is, for the table header and the description: "Mean change"
    group: str  # what each bar is: "Community", "IMD decile"
    bars: tuple[Bar, ...]
    shown: Callable[[float], str] = lambda value: _number(value)
    missing: str = "not enough data"
    # The figure's possible range (a change in a 0–100 score lies within ±100): an interval reaching past it
    # is drawn to the edge without its end cap, so a few people's huge uncertainty cannot flatten every bar.
    limits: tuple[float, float] | None = None

    @property
    def has_intervals(self) -> bool:
        return any(bar.low is not None and bar.high is not None for bar in self.bars)


class Scale:
    """Where a value falls across the plot: the axis always includes zero and every interval's ends,
    and runs from one round tick to another."""

    def __init__(self, chart: BarChart) -> None:
        self.limits = chart.limits or (-math.inf, math.inf)
        values = [0.0] + [self.clamped(v) for bar in chart.bars
                          for v in (bar.value, bar.low, bar.high) if v is not None]
        low, high = min(values), max(values)
        if low == high:
            high = low + 1
        rough = ticks_between(low, high)
        step = rough[1] - rough[0] if len(rough) > 1 else high - low
        self.low = round(math.floor(low / step) * step, 6)
        self.high = round(math.ceil(high / step) * step, 6)
        self.ticks = ticks_between(self.low, self.high)

    def clamped(self, value: float) -> float:
        return min(max(value, self.limits[0]), self.limits[1])

    def x(self, value: float) -> float:
        return LEFT + (self.clamped(value) - self.low) / (self.high - self.low) * PLOT_WIDTH


def height_of(chart: BarChart) -> int:
    return TOP + ROW * max(len(chart.bars), 1) + BOTTOM


def svg(chart: BarChart, chart_id: str) -> str:
    """The chart as an <svg> element with <title> and <desc>."""
    scale, height = Scale(chart), height_of(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="prom-chart__svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(chart))}</desc>',
        _grid(scale, height), _rows(chart, scale), "</svg>",
    ]
    return "".join(parts)


def figure(chart: BarChart, chart_id: str) -> str:
    """The chart with its figures in a table inside a <details>, for reading the numbers."""
    interval_header = '<th scope="col" class="nhsuk-table__header">95% CI</th>' if chart.has_intervals else ""
    rows = "".join(
        f'<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">{escape(bar.label)}</th>'
        f'<td class="nhsuk-table__cell">{escape(_value_text(chart, bar))}</td>'
        + (f'<td class="nhsuk-table__cell">{escape(_interval_text(chart, bar))}</td>' if chart.has_intervals else "")
        + "</tr>" for bar in chart.bars
    )
    return (
        f'<figure class="prom-chart" id="{chart_id}">{svg(chart, chart_id)}'
        f'<details class="nhsuk-details"><summary class="nhsuk-details__summary">'
        f'<span class="nhsuk-details__summary-text">{escape(chart.title)}: the figures</span></summary>'
        f'<div class="nhsuk-details__text"><table class="nhsuk-table"><caption class="nhsuk-table__caption">'
        f'{escape(chart.title)}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
        f'<th scope="col" class="nhsuk-table__header">{escape(chart.group)}</th>'
        f'<th scope="col" class="nhsuk-table__header">{escape(chart.measure)}</th>{interval_header}</tr></thead>'
        f'<tbody class="nhsuk-table__body">{rows}</tbody></table></div></details></figure>'
    )


def describe(chart: BarChart) -> str:
    """Every group's value in words, for the <desc>: a screen reader hears what a sighted reader sees."""
    if not chart.bars:
        return f"{chart.title}: no groups yet."
    parts = []
    for bar in chart.bars:
        interval = f" (95% CI {_interval_text(chart, bar)})" if bar.low is not None and bar.high is not None else ""
        parts.append(f"{bar.label}: {_value_text(chart, bar)}{interval}")
    return f"{chart.measure} by {chart.group.lower()}. " + "; ".join(parts) + "."


def _grid(scale: Scale, height: int) -> str:
    bottom = height - BOTTOM
    lines = "".join(
        f'<line x1="{scale.x(t):.1f}" x2="{scale.x(t):.1f}" y1="{TOP}" y2="{bottom}" stroke="{GRID_COLOUR}"/>'
        f'<text x="{scale.x(t):.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        f'{_tick(t)}</text>' for t in scale.ticks
    )
    zero = scale.x(0)
    axis = (f'<line class="prom-chart__zero" x1="{zero:.1f}" x2="{zero:.1f}" y1="{TOP}" y2="{bottom}" '
            f'stroke="{TEXT_COLOUR}"/>')
    return f'<g class="prom-chart__axes" aria-hidden="true">{lines}{axis}</g>'


def _rows(chart: BarChart, scale: Scale) -> str:
    drawn = "".join(_row(chart, scale, index, bar) for index, bar in enumerate(chart.bars))
    return f'<g class="prom-chart__series">{drawn}</g>'


def _row(chart: BarChart, scale: Scale, index: int, bar: Bar) -> str:
    middle = TOP + index * ROW + ROW / 2
    label = (f'<text x="{LEFT - 8}" y="{middle + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}" '
             f'aria-hidden="true">{escape(_clipped(bar.label))}</text>')
    if bar.value is None:
        return label + (f'<text class="prom-chart__missing" x="{scale.x(0) + 6:.1f}" y="{middle + 4:.1f}" '
                        f'font-size="12" font-style="italic" fill="{TEXT_COLOUR}" aria-hidden="true">'
                        f'{escape(chart.missing)}</text>')
    zero, end = scale.x(0), scale.x(bar.value)
    left, width = min(zero, end), abs(end - zero)
    drawn = (f'<rect class="prom-chart__bar" data-label="{escape(bar.label)}" data-value="{_number(bar.value)}" '
             f'x="{left:.1f}" y="{middle - BAR_HEIGHT / 2:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
             f'fill="{BAR_COLOUR}"><title>{escape(bar.label)}: {escape(_value_text(chart, bar))}</title></rect>')
    if bar.low is not None and bar.high is not None:
        drawn += _whisker(scale, middle, bar)
    text_x, anchor = _value_label_place(scale, bar)
    value_label = (f'<text x="{text_x:.1f}" y="{middle + 4:.1f}" text-anchor="{anchor}" font-size="12" '
                   f'fill="{TEXT_COLOUR}" aria-hidden="true">{escape(chart.shown(bar.value))}</text>')
    return label + drawn + value_label


def _value_label_place(scale: Scale, bar: Bar) -> tuple[float, str]:
    """Beyond the bar's far end (or its whisker); for a negative bar, to its left when there is room."""
    right = max(scale.x(bar.value), scale.x(0), scale.x(bar.high) if bar.high is not None else 0.0)
    if bar.value < 0:
        left = min(scale.x(bar.value), scale.x(bar.low) if bar.low is not None else scale.x(bar.value))
        if left - 6 >= LEFT + LABEL_ROOM:
            return left - 6, "end"
    return right + 6, "start"


def _whisker(scale: Scale, middle: float, bar: Bar) -> str:
    low, high = scale.x(bar.low), scale.x(bar.high)
    cap = BAR_HEIGHT / 2 + 2
    caps = "".join(
        f'<line class="prom-chart__ci-end" x1="{x:.1f}" x2="{x:.1f}" y1="{middle - cap:.1f}" y2="{middle + cap:.1f}"/>'
        for x, end in ((low, bar.low), (high, bar.high)) if scale.clamped(end) == end
    )
    return (f'<g class="prom-chart__ci" data-low="{_number(bar.low)}" data-high="{_number(bar.high)}" '
            f'stroke="{CI_COLOUR}" stroke-width="2" aria-hidden="true">'
            f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{middle:.1f}" y2="{middle:.1f}"/>{caps}</g>')


def _value_text(chart: BarChart, bar: Bar) -> str:
    return chart.missing if bar.value is None else chart.shown(bar.value)


def _interval_text(chart: BarChart, bar: Bar) -> str:
    if bar.low is None or bar.high is None:
        return "–"
    return f"{chart.shown(bar.low)} to {chart.shown(bar.high)}"


def _clipped(label: str, limit: int = 22) -> str:
    """Labels longer than the label column are cut with an ellipsis; the table and <desc> keep them whole."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _tick(value: float) -> str:
    """Axis numbers with thousands separated and a true minus sign: `−50`, `20,000`."""
    text = f"{value:,.0f}" if float(value).is_integer() else _number(value)
    return text.replace("-", "\u2212")


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def bars(groups: Iterable[tuple[str, float | None, tuple[float, float] | None]]) -> tuple[Bar, ...]:
    """Bars from (label, value, interval or None) triples."""
    return tuple(Bar(label, value, *(interval if interval and value is not None else (None, None)))
                 for label, value, interval in groups)


# Which charts the programme view shows, from the value report.

DECILE_WORDS = {1: "1 (most deprived)", 10: "10 (least deprived)"}


def decile_label(decile: int | None) -> str:
    return "Area unknown" if decile is None else DECILE_WORDS.get(decile, str(decile))


def signed(value: float) -> str:
    """`+4.2`, `−3.0`, as the page's other changes are written."""
    return wording.signed(value, 1)


def pounds(value: float) -> str:
    return f"£{value:,.0f}" if abs(value) >= 100 else f"£{value:,.2f}"


def percent(value: float) -> str:
    return f"{value:.0f}%"


def has_cost(report: ValueReport) -> bool:
    return any(community.overall.total_cost > 0 for community in report.communities)


def across_communities(report: ValueReport) -> list[tuple[str, BarChart]]:
    """Mean LIS change with its interval per community, then, where care has a cost, points gained per
    £1,000 and the cost per person-year, to be read side by side."""
    rows = [(c.name, c.overall) for c in report.communities]
    charts = [("value-change", BarChart(
        "Mean change in Life Improver Score, with 95% confidence interval", "Mean change (points)", "Community",
        bars((name, f.mean_change, f.change_ci95) for name, f in rows), shown=signed, missing="needs follow-ups",
        limits=CHANGE_LIMITS))]
    if has_cost(report):
        charts += [
            ("value-per-1000", BarChart(
                "Life Improver Score points gained per £1,000 of care", "Points per £1,000", "Community",
                bars((name, f.lis_points_per_1000_gbp, None) for name, f in rows), shown=signed,
                missing="needs follow-ups and costs")),
            ("value-cost", BarChart(
                "Mean cost of care per person-year", "Cost per person-year", "Community",
                bars((name, _float(f.cost_per_person_year), None) for name, f in rows), shown=pounds,
                missing="no cost data")),
        ]
    return charts


def by_decile(community: CommunityValue) -> list[tuple[str, BarChart]]:
    """The equity view: whom the programme reaches (response rate) and helps (mean gain), by IMD decile."""
    rows = [(decile_label(decile), f) for decile, f in community.by_deprivation_decile]
    prefix = f"value-{community.community}-decile"
    return [
        (f"{prefix}-response", BarChart(
            f"{community.name}: response rate by IMD decile", "Response rate", "IMD decile",
            bars((label, _percent(f.response_rate), None) for label, f in rows), shown=percent,
            missing="nothing sent")),
        (f"{prefix}-change", BarChart(
            f"{community.name}: mean change in Life Improver Score by IMD decile", "Mean change (points)",
            "IMD decile", bars((label, f.mean_change, f.change_ci95) for label, f in rows), shown=signed,
            missing="needs follow-ups", limits=CHANGE_LIMITS)),
    ]


def by_segment(community: CommunityValue) -> list[tuple[str, BarChart]]:
    """Gain and cost per person-year by usage segment (most costly first)."""
    rows = [(segment.label, f) for segment, f in community.by_segment]
    prefix = f"value-{community.community}-segment"
    charts = [(f"{prefix}-change", BarChart(
        f"{community.name}: mean change in Life Improver Score by usage segment", "Mean change (points)",
        "Usage segment", bars((label, f.mean_change, f.change_ci95) for label, f in rows), shown=signed,
        missing="needs follow-ups", limits=CHANGE_LIMITS))]
    if community.overall.total_cost > 0:
        charts.append((f"{prefix}-cost", BarChart(
            f"{community.name}: mean cost of care per person-year by usage segment", "Cost per person-year",
            "Usage segment", bars((label, _float(f.cost_per_person_year), None) for label, f in rows),
            shown=pounds, missing="nobody enrolled")))
    return charts


def _float(amount) -> float | None:
    return None if amount is None else float(amount)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)

"""Server-drawn line charts: a series of scores over time as an accessible SVG string.

A chart draws what a clinician needs to read a trend at a glance: the instrument's bands as shaded
stripes, the person's baseline as a dashed line, the minimal important difference as a band around
the baseline (a point outside it is a change the person would notice), and the series itself. Better
is always up: for a lower-is-better measure (PHQ-9, anxiety) the axis runs downwards, and the
description says so. Screen readers get a <title> and a <desc> that state the trend in words, and
`figure()` adds the figures in a table inside a <details> for anyone who wants the numbers.

Pure standard library, no Flask: give it a `Series`, get markup. Every text is escaped here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAND_FILLS = ("#f0f4f5", "#e8edee")  # NHS pale greys, alternating so neighbouring bands stay distinct
SERIES_COLOUR, MID_COLOUR, BASELINE_COLOUR, TEXT_COLOUR = "#005eb8", "#41b6e6", "#425563", "#212b32"


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


@dataclass(frozen=True)
class Band:
    """One interpretation band of an instrument scale, e.g. PHQ-9 `Moderate` from 10 to 14."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Series:
    """A measure over time, on an axis from `low` to `high`; `baseline` defaults to the first value."""

    title: str
    points: tuple[Point, ...]
    low: float
    high: float
    higher_is_better: bool = True
    mid: float | None = None
    bands: tuple[Band, ...] = ()
    baseline: float | None = None

    @property
    def baseline_value(self) -> float | None:
        if self.baseline is not None:
            return self.baseline
        return self.points[0].value if self.points else None


class Scale:
    """Where a time and a value fall on the drawing; better is up whatever the measure's direction."""

    def __init__(self, series: Series) -> None:
        self.series = series
        times = [p.at.timestamp() for p in series.points]
        self.start, self.end = (min(times), max(times)) if times else (0.0, 0.0)

    def x(self, at: datetime) -> float:
        if self.end == self.start:
            return LEFT + PLOT_WIDTH / 2
        return LEFT + (at.timestamp() - self.start) / (self.end - self.start) * PLOT_WIDTH

    def y(self, value: float) -> float:
        low, high = self.series.low, self.series.high
        share = (min(max(value, low), high) - low) / (high - low)
        return TOP + (1 - share if self.series.higher_is_better else share) * PLOT_HEIGHT

    def span(self, low: float, high: float) -> tuple[float, float]:
        """The top and height of a horizontal stripe from `low` to `high` (clipped to the axis)."""
        ys = sorted((self.y(low), self.y(high)))
        return ys[0], ys[1] - ys[0]


def svg(series: Series, chart_id: str) -> str:
    """The chart as an <svg> element with <title> and <desc>."""
    scale = Scale(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="prom-chart__svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(series.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(series))}</desc>',
        _bands(series, scale), _mid_band(series, scale), _axes(series, scale), _baseline(series, scale),
        _line(series, scale), "</svg>",
    ]
    return "".join(part for part in parts if part)


def figure(series: Series, chart_id: str) -> str:
    """The chart with its figures in a table inside a <details>, for reading the numbers."""
    rows = "".join(
        f'<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">{_day(p.at)}</td>'
        f'<td class="nhsuk-table__cell">{_number(p.value)}</td></tr>' for p in series.points
    )
    return (
        f'<figure class="prom-chart" id="{chart_id}">{svg(series, chart_id)}'
        f'<details class="nhsuk-details"><summary class="nhsuk-details__summary">'
        f'<span class="nhsuk-details__summary-text">{escape(series.title)}: the figures</span></summary>'
        f'<div class="nhsuk-details__text"><table class="nhsuk-table"><caption class="nhsuk-table__caption">'
        f'{escape(series.title)}</caption><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
        f'<th scope="col" class="nhsuk-table__header">Date</th><th scope="col" class="nhsuk-table__header">Value'
        f'</th></tr></thead><tbody class="nhsuk-table__body">{rows}</tbody></table></div></details></figure>'
    )


def describe(series: Series) -> str:
    """The trend in one or two sentences, for the <desc>."""
    if not series.points:
        return f"{series.title}: no measurements yet."
    first, last = series.points[0], series.points[-1]
    words = [f"{len(series.points)} measurement{'s' if len(series.points) != 1 else ''}: "
             f"{_number(first.value)} on {_day(first.at)}"]
    if len(series.points) > 1:
        words.append(f", latest {_number(last.value)} on {_day(last.at)}")
    words.append(f". Baseline {_number(series.baseline_value)}")
    if series.mid is not None:
        words.append(f"; changes within ±{_number(series.mid)} (the minimal important difference) are shaded")
    words.append(". Higher is better." if series.higher_is_better else ". Lower is better; the axis is drawn "
                 "with better at the top.")
    return "".join(words)


def _bands(series: Series, scale: Scale) -> str:
    stripes = []
    for index, band in enumerate(series.bands):
        top, height = scale.span(band.low, band.high)
        stripes.append(
            f'<rect class="prom-chart__band" data-band="{escape(band.label)}" data-low="{_number(band.low)}" '
            f'data-high="{_number(band.high)}" x="{LEFT}" y="{top:.1f}" width="{PLOT_WIDTH}" height="{height:.1f}" '
            f'fill="{BAND_FILLS[index % 2]}"><title>{escape(band.label)}: {_number(band.low)} to '
            f'{_number(band.high)}</title></rect>'
            f'<text x="{WIDTH - RIGHT - 4}" y="{top + min(height, 14) - 3:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT_COLOUR}" aria-hidden="true">{escape(band.label)}</text>'
        )
    return f'<g class="prom-chart__bands">{"".join(stripes)}</g>' if stripes else ""


def _mid_band(series: Series, scale: Scale) -> str:
    baseline = series.baseline_value
    if series.mid is None or baseline is None:
        return ""
    low, high = baseline - series.mid, baseline + series.mid
    top, height = scale.span(low, high)
    return (f'<rect class="prom-chart__mid-band" data-low="{_number(low)}" data-high="{_number(high)}" x="{LEFT}" '
            f'y="{top:.1f}" width="{PLOT_WIDTH}" height="{height:.1f}" fill="{MID_COLOUR}" fill-opacity="0.25">'
            f'<title>Within the minimal important difference of the baseline: {_number(low)} to {_number(high)}'
            f'</title></rect>')


def _baseline(series: Series, scale: Scale) -> str:
    baseline = series.baseline_value
    if baseline is None:
        return ""
    y = scale.y(baseline)
    return (f'<line class="prom-chart__baseline" data-value="{_number(baseline)}" x1="{LEFT}" x2="{LEFT + PLOT_WIDTH}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{BASELINE_COLOUR}" stroke-width="2" stroke-dasharray="6 4">'
            f'<title>Baseline {_number(baseline)}</title></line>')


def _axes(series: Series, scale: Scale) -> str:
    ticks = "".join(
        f'<line x1="{LEFT - 4}" x2="{LEFT}" y1="{scale.y(v):.1f}" y2="{scale.y(v):.1f}" stroke="{TEXT_COLOUR}"/>'
        f'<text x="{LEFT - 8}" y="{scale.y(v) + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT_COLOUR}">'
        f'{_number(v)}</text>' for v in ticks_between(series.low, series.high)
    )
    dates = ""
    if series.points:
        first, last = series.points[0].at, series.points[-1].at
        dates = f'<text x="{scale.x(first):.1f}" y="{HEIGHT - 12}" font-size="12" fill="{TEXT_COLOUR}" ' \
                f'text-anchor="{"start" if first != last else "middle"}">{_day(first)}</text>'
        if first != last:
            dates += f'<text x="{scale.x(last):.1f}" y="{HEIGHT - 12}" font-size="12" fill="{TEXT_COLOUR}" ' \
                     f'text-anchor="end">{_day(last)}</text>'
    frame = (f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + PLOT_HEIGHT}" stroke="{TEXT_COLOUR}"/>'
             f'<line x1="{LEFT}" x2="{LEFT + PLOT_WIDTH}" y1="{TOP + PLOT_HEIGHT}" y2="{TOP + PLOT_HEIGHT}" '
             f'stroke="{TEXT_COLOUR}"/>')
    return f'<g class="prom-chart__axes" aria-hidden="true">{frame}{ticks}{dates}</g>'


def _line(series: Series, scale: Scale) -> str:
    if not series.points:
        return ""
    coordinates = " ".join(f"{scale.x(p.at):.1f},{scale.y(p.value):.1f}" for p in series.points)
    dots = "".join(
        f'<circle class="prom-chart__point" data-value="{_number(p.value)}" data-at="{p.at.date().isoformat()}" '
        f'cx="{scale.x(p.at):.1f}" cy="{scale.y(p.value):.1f}" r="5" fill="{SERIES_COLOUR}">'
        f'<title>{_day(p.at)}: {_number(p.value)}</title></circle>' for p in series.points
    )
    return (f'<g class="prom-chart__series"><polyline points="{coordinates}" fill="none" stroke="{SERIES_COLOUR}" '
            f'stroke-width="3" stroke-linejoin="round"/>{dots}</g>')


def ticks_between(low: float, high: float, wanted: int = 5) -> list[float]:
    """Round values for the axis: steps of 1, 2, 2.5 or 5 times a power of ten, about `wanted` of them."""
    raw = (high - low) / max(wanted - 1, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 6) for i in range(int((high - first) / step + 1e-9) + 1)]


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _day(at: datetime) -> str:
    return f"{at:%-d %b %Y}"

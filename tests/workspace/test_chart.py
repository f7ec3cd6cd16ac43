"""The SVG chart module: baseline, MID band, instrument bands and each value where it belongs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timezone

import pytest

from prom_service.workspace import chart

SVG = "{http://www.w3.org/2000/svg}"


def at(day: int, month: int = 1) -> datetime:
    return datetime(2026, month, day, tzinfo=timezone.utc)


LIS = chart.Series("Life Improver Score", (chart.Point(at(1), 40), chart.Point(at(11), 50), chart.Point(at(21), 70)),
                   0, 100, mid=5)
PHQ9 = chart.Series("Mood (PHQ-9)", (chart.Point(at(1), 20), chart.Point(at(31), 5)), 0, 27, higher_is_better=False,
                    mid=5, bands=(chart.Band(0, 5, "None-minimal"), chart.Band(5, 10, "Mild"),
                                  chart.Band(10, 27, "Moderate or worse")))


def parsed(series: chart.Series) -> ElementTree.Element:
    return ElementTree.fromstring(chart.svg(series, "c1"))


def y_of(value: float, series: chart.Series) -> float:
    share = (value - series.low) / (series.high - series.low)
    return chart.TOP + (1 - share if series.higher_is_better else share) * chart.PLOT_HEIGHT


class TestWhatIsDrawn:
    def test_the_svg_names_itself_for_screen_readers(self):
        svg = parsed(LIS)
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
        assert svg.find(f"{SVG}title").text == "Life Improver Score"
        assert "3 measurements: 40 on 1 Jan 2026, latest 70 on 21 Jan 2026" in svg.find(f"{SVG}desc").text

    def test_the_baseline_is_a_line_at_the_first_value(self):
        line = parsed(LIS).find(f".//{SVG}line[@class='prom-chart__baseline']")
        assert line.get("data-value") == "40" and float(line.get("y1")) == pytest.approx(y_of(40, LIS), abs=0.1)

    def test_the_mid_band_spans_the_baseline_plus_and_minus_the_mid(self):
        band = parsed(LIS).find(f".//{SVG}rect[@class='prom-chart__mid-band']")
        assert (band.get("data-low"), band.get("data-high")) == ("35", "45")
        assert float(band.get("y")) == pytest.approx(y_of(45, LIS), abs=0.1)
        assert float(band.get("height")) == pytest.approx(y_of(35, LIS) - y_of(45, LIS), abs=0.2)

    def test_each_instrument_band_is_a_stripe_with_its_label(self):
        bands = parsed(PHQ9).findall(f".//{SVG}rect[@class='prom-chart__band']")
        assert [b.get("data-band") for b in bands] == ["None-minimal", "Mild", "Moderate or worse"]
        assert bands[1].find(f"{SVG}title").text == "Mild: 5 to 10"

    def test_a_chart_without_bands_or_mid_draws_neither(self):
        plain = chart.Series("Days at home", (chart.Point(at(1), 80),), 0, 90)
        svg = chart.svg(plain, "c2")
        assert "prom-chart__band" not in svg and "prom-chart__mid-band" not in svg


class TestWhereValuesFall:
    def test_points_run_left_to_right_in_time_and_up_with_value(self):
        points = parsed(LIS).findall(f".//{SVG}circle")
        xs = [float(p.get("cx")) for p in points]
        assert xs == [chart.LEFT, pytest.approx(chart.LEFT + chart.PLOT_WIDTH / 2, abs=0.1),
                      chart.LEFT + chart.PLOT_WIDTH]
        assert [float(p.get("cy")) for p in points] == [pytest.approx(y_of(v, LIS), abs=0.1) for v in (40, 50, 70)]

    def test_the_polyline_joins_the_points(self):
        polyline = parsed(LIS).find(f".//{SVG}polyline")
        pairs = [tuple(map(float, pair.split(","))) for pair in polyline.get("points").split()]
        assert pairs[-1] == (chart.LEFT + chart.PLOT_WIDTH, pytest.approx(y_of(70, LIS), abs=0.1))

    def test_for_a_lower_is_better_measure_better_is_still_up(self):
        first, last = parsed(PHQ9).findall(f".//{SVG}circle")
        assert float(last.get("cy")) < float(first.get("cy"))
        assert "Lower is better" in chart.describe(PHQ9)

    def test_a_single_point_sits_in_the_middle(self):
        single = chart.Series("LIS", (chart.Point(at(1), 50),), 0, 100)
        assert float(parsed(single).find(f".//{SVG}circle").get("cx")) == chart.LEFT + chart.PLOT_WIDTH / 2

    def test_values_outside_the_axis_are_drawn_at_its_edge(self):
        outside = chart.Series("LIS", (chart.Point(at(1), 120),), 0, 100)
        assert float(parsed(outside).find(f".//{SVG}circle").get("cy")) == chart.TOP


class TestFigure:
    def test_the_figures_are_in_a_table_inside_details(self):
        html = chart.figure(LIS, "c1")
        details = html[html.index("<details"):]
        assert re.findall(r"<td class=\"nhsuk-table__cell\">([^<]+)</td>", details) == [
            "1 Jan 2026", "40", "11 Jan 2026", "50", "21 Jan 2026", "70"]

    def test_text_is_escaped(self):
        html = chart.figure(chart.Series("<script>", (), 0, 1), "c3")
        assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("low, high, ticks", [
    (0, 100, [0, 25, 50, 75, 100]), (0, 27, [0, 10, 20]), (-0.285, 1, [0, 0.5, 1]), (0, 10, [0, 2.5, 5, 7.5, 10]),
])
def test_axis_ticks_are_round_numbers(low, high, ticks):
    assert chart.ticks_between(low, high) == ticks

"""The value report's bar charts: each figure's bar, interval and label where it belongs, readable without sight."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal

import pytest

from prom_service.domain.value_figures import Tally, figures
from prom_service.services.segments import Segment
from prom_service.services.value_report import CommunityValue, ValueReport
from prom_service.workspace import value_charts
from prom_service.workspace.value_charts import Bar, BarChart

SVG = "{http://www.w3.org/2000/svg}"
CHANGE = BarChart("Mean change", "Mean change (points)", "Community",
                  (Bar("Frail elderly", 10, 5, 15), Bar("Knee pain", 20), Bar("Heart failure", -4, -9, 1),
                   Bar("Perinatal", None)), shown=value_charts.signed)


def parsed(chart: BarChart) -> ElementTree.Element:
    return ElementTree.fromstring(value_charts.svg(chart, "v1"))


def bars_of(svg: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {rect.get("data-label"): rect for rect in svg.iter(f"{SVG}rect")}


def zero_x(svg: ElementTree.Element) -> float:
    return float(svg.find(f".//{SVG}line[@class='prom-chart__zero']").get("x1"))


class TestWhereEachBarFalls:
    def test_bars_grow_from_zero_in_proportion_to_their_values(self):
        svg = parsed(CHANGE)
        frail, knee = bars_of(svg)["Frail elderly"], bars_of(svg)["Knee pain"]
        assert float(frail.get("x")) == pytest.approx(zero_x(svg), abs=0.1) == pytest.approx(float(knee.get("x")))
        assert float(knee.get("width")) == pytest.approx(2 * float(frail.get("width")), abs=0.2)

    def test_a_negative_value_is_drawn_left_of_zero(self):
        svg = parsed(CHANGE)
        heart = bars_of(svg)["Heart failure"]
        assert float(heart.get("x")) + float(heart.get("width")) == pytest.approx(zero_x(svg), abs=0.1)
        assert float(heart.get("width")) == pytest.approx(0.4 * float(bars_of(svg)["Frail elderly"].get("width")),
                                                          abs=0.2)

    def test_the_axis_runs_between_round_ticks_covering_every_interval(self):
        scale = value_charts.Scale(CHANGE)
        assert (scale.low, scale.high) == (-10, 20)
        assert scale.x(-10) == value_charts.LEFT and scale.x(20) == value_charts.LEFT + value_charts.PLOT_WIDTH

    def test_the_interval_is_a_whisker_from_its_low_to_its_high_end(self):
        svg, scale = parsed(CHANGE), value_charts.Scale(CHANGE)
        whiskers = svg.findall(f".//{SVG}g[@class='prom-chart__ci']")
        assert [(w.get("data-low"), w.get("data-high")) for w in whiskers] == [("5", "15"), ("-9", "1")]
        assert len(whiskers[0].findall(f"{SVG}line[@class='prom-chart__ci-end']")) == 2
        line = whiskers[0].find(f"{SVG}line")
        assert (float(line.get("x1")), float(line.get("x2"))) == (pytest.approx(scale.x(5), abs=0.1),
                                                                  pytest.approx(scale.x(15), abs=0.1))

    def test_a_group_with_nothing_to_show_says_so_instead_of_a_zero_bar(self):
        svg = parsed(CHANGE)
        assert "Perinatal" not in bars_of(svg)
        assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "prom-chart__missing"] == ["not enough data"]

    def test_an_interval_past_the_possible_range_runs_to_the_edge_without_its_end_cap(self):
        wide = BarChart("Change", "Mean change", "Community", (Bar("Two people", -2.6, -267.3, 262.1), Bar("B", 14)),
                        limits=value_charts.CHANGE_LIMITS)
        scale, svg = value_charts.Scale(wide), parsed(wide)
        assert (scale.low, scale.high) == (-100, 100)
        whisker = svg.find(f".//{SVG}g[@class='prom-chart__ci']")
        assert whisker.get("data-low") == "-267.3" and whisker.findall(f"{SVG}line[@class='prom-chart__ci-end']") == []
        line = whisker.find(f"{SVG}line")
        assert float(line.get("x1")) == value_charts.LEFT and float(line.get("x2")) == scale.x(100)
        assert "(95% CI -267.3 to 262.1)" in svg.find(f"{SVG}desc").text

    def test_every_value_is_all_zero_or_missing_still_has_an_axis(self):
        empty = BarChart("Nothing yet", "Mean change", "Community", (Bar("A", None), Bar("B", 0)))
        assert value_charts.Scale(empty).high > value_charts.Scale(empty).low
        assert float(bars_of(parsed(empty))["B"].get("width")) == 0


class TestReadingItWithoutSeeingIt:
    def test_the_svg_names_itself_and_reads_every_value_out(self):
        svg = parsed(CHANGE)
        assert svg.get("role") == "img" and svg.get("aria-labelledby") == "v1-title v1-desc"
        assert svg.find(f"{SVG}title").text == "Mean change"
        assert svg.find(f"{SVG}desc").text == (
            "Mean change (points) by community. Frail elderly: +10.0 (95% CI +5.0 to +15.0); Knee pain: +20.0; "
            "Heart failure: \u22124.0 (95% CI \u22129.0 to +1.0); Perinatal: not enough data.")

    def test_the_figure_carries_the_same_figures_as_a_table(self):
        markup = value_charts.figure(CHANGE, "v1")
        table = ElementTree.fromstring(markup).find(".//table")
        headers = [th.text for th in table.find("thead").iter("th")]
        rows = [[cell.text for cell in row] for row in table.find("tbody")]
        assert headers == ["Community", "Mean change (points)", "95% CI"]
        assert rows[0] == ["Frail elderly", "+10.0", "+5.0 to +15.0"] and rows[3] == ["Perinatal", "not enough data", "–"]

    def test_labels_are_escaped_and_long_ones_cut_on_the_drawing_only(self):
        long = "Women with perinatal <mental> health & wellbeing needs"
        chart = BarChart("T", "Rate", "Community", (Bar(long, 50),))
        markup = value_charts.figure(chart, "v2")
        assert "<mental>" not in markup and "&lt;mental&gt;" in markup
        labels = [t.text for t in ElementTree.fromstring(value_charts.svg(chart, "v2")).iter(f"{SVG}text")
                  if t.get("text-anchor") == "end"]
        assert labels == ["Women with perinatal…"]


def community(code: str, name: str, overall: Tally, deciles=(), segments=()) -> CommunityValue:
    return CommunityValue(code, name, figures(overall), tuple((s, figures(t)) for s, t in segments),
                          tuple((d, figures(t)) for d, t in deciles))


PAIRED = Tally(people=4, paired=3, invitations_sent=8, invitations_completed=6, sum_change=33.0,
               sum_change_squared=509.0, cost=Decimal("1200.00"), paired_cost=Decimal("1100.00"), enrolled_days=1461)


class TestTheProgrammeCharts:
    def test_across_communities_without_any_cost_shows_only_the_change(self):
        report = ValueReport(date(2026, 6, 30), 12, (community("a", "A", Tally(people=1)),))
        assert [chart_id for chart_id, _ in value_charts.across_communities(report)] == ["value-change"]

    def test_across_communities_with_cost_sets_gain_per_1000_beside_cost_per_person_year(self):
        report = ValueReport(date(2026, 6, 30), 12, (community("a", "A", PAIRED), community("b", "B", Tally(people=2))))
        charts = dict(value_charts.across_communities(report))
        assert [bar.value for bar in charts["value-per-1000"].bars] == [30.0, None]
        assert [bar.value for bar in charts["value-cost"].bars] == [300.0, None]
        change = charts["value-change"].bars[0]
        assert change.value == 11.0 and change.low < 11.0 < change.high

    def test_the_equity_view_has_every_decile_and_the_unknown_area(self):
        deciles = [(d, Tally(people=1, invitations_sent=4, invitations_completed=d % 5)) for d in range(1, 11)]
        value = community("a", "A", PAIRED, deciles + [(None, Tally(people=1))])
        response, change = (chart for _, chart in value_charts.by_decile(value))
        assert [bar.label for bar in response.bars] == (
            ["1 (most deprived)"] + [str(d) for d in range(2, 10)] + ["10 (least deprived)", "Area unknown"])
        assert [bar.value for bar in response.bars][:3] == [25.0, 50.0, 75.0] and response.bars[-1].value is None
        assert response.shown(25.0) == "25%"

    def test_segments_show_cost_only_where_the_community_has_some(self):
        segments = [(Segment("top_20", "top 20%", 0.2), PAIRED), (Segment("rest", "21–100%", None), Tally(people=1))]
        with_cost = value_charts.by_segment(community("a", "A", PAIRED, segments=segments))
        assert [chart_id for chart_id, _ in with_cost] == ["value-a-segment-change", "value-a-segment-cost"]
        without = value_charts.by_segment(community("b", "B", Tally(people=1), segments=segments))
        assert [chart_id for chart_id, _ in without] == ["value-b-segment-change"]

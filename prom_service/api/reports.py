"""/api/v1/reports/value: outcomes next to cost per community, segment and deprivation decile."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields

import marshmallow as ma
from flask import Response, current_app, request
from flask_smorest import Blueprint

from prom_service.api.auth import current_actor, requires_scope
from prom_service.api.decimal_string import DecimalString
from prom_service.domain.value_figures import ValueFigures
from prom_service.services import value_report
from prom_service.services.segments import segment_scheme

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Value: outcomes per pound")

FIGURE_NAMES = [field.name for field in fields(ValueFigures)]


class ValueQuery(ma.Schema):
    community = ma.fields.String(load_default=None, metadata={"description": "A community code; all when absent"})
    as_of = ma.fields.Date(load_default=None, metadata={"description": "Report date (default today)"})


class FiguresOut(ma.Schema):
    people_enrolled = ma.fields.Integer(metadata={"description": "Enrolments (care cycles) in the group"})
    people_with_baseline_and_follow_up = ma.fields.Integer()
    invitations_sent = ma.fields.Integer(metadata={"description": "sent, reminded, partial, completed or expired"})
    invitations_completed = ma.fields.Integer()
    response_rate = ma.fields.Float(allow_none=True, metadata={"description": "completed / sent"})
    mean_baseline_lis = ma.fields.Float(allow_none=True, metadata={"description": "Over people with both"})
    mean_latest_lis = ma.fields.Float(allow_none=True)
    mean_change = ma.fields.Float(allow_none=True)
    change_ci95 = ma.fields.List(ma.fields.Float(), allow_none=True,
                                 metadata={"description": "[low, high], t-distribution; null below 2 people"})
    share_meaningfully_improved = ma.fields.Float(allow_none=True, metadata={"description": "Change ≥ LIS MID"})
    total_cost = DecimalString(metadata={"description": "£ inside enrolment periods"})
    mean_cost_per_person = DecimalString(allow_none=True)
    person_years = ma.fields.Float()
    cost_per_person_year = DecimalString(allow_none=True)
    lis_points_per_1000_gbp = ma.fields.Float(allow_none=True)
    people_with_days_at_home = ma.fields.Integer()
    mean_days_at_home = ma.fields.Float(allow_none=True)


class SegmentFiguresOut(FiguresOut):
    segment = ma.fields.String(metadata={"description": "top_1, top_2_5, top_6_20, top_21_50, rest (configurable)"})
    label = ma.fields.String()


class DecileFiguresOut(FiguresOut):
    decile = ma.fields.Integer(allow_none=True, metadata={"description": "IMD decile, 1 most deprived; null unknown"})


class EquityOut(ma.Schema):
    decile = ma.fields.Integer()
    people_enrolled = ma.fields.Integer()
    response_rate = ma.fields.Float(allow_none=True)
    mean_change = ma.fields.Float(allow_none=True)
    change_ci95 = ma.fields.List(ma.fields.Float(), allow_none=True)
    share_meaningfully_improved = ma.fields.Float(allow_none=True)


class CommunityValueOut(ma.Schema):
    community = ma.fields.String()
    name = ma.fields.String()
    overall = ma.fields.Nested(FiguresOut)
    by_segment = ma.fields.List(ma.fields.Nested(SegmentFiguresOut))
    by_deprivation_decile = ma.fields.List(ma.fields.Nested(DecileFiguresOut))
    equity = ma.fields.List(ma.fields.Nested(EquityOut), metadata={"description": "Response and gain by decile"})


class ValueReportOut(ma.Schema):
    as_of = ma.fields.Date()
    segment_lookback_months = ma.fields.Integer()
    communities = ma.fields.List(ma.fields.Nested(CommunityValueOut))


@blp.get("/value")
@blp.arguments(ValueQuery, location="query")
@blp.response(200, ValueReportOut)
@blp.doc(responses={"200": {"content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/ValueReportOut"}},
    "text/csv": {"schema": {"type": "string"}},
}}})
@requires_scope("read:reports")
def read_value_report(query):
    """The value report (JSON, or CSV for `Accept: text/csv`): one row per community, segment and decile."""
    parts = current_app.extensions["prom"]
    report = value_report.value_report(
        parts.uow(), current_actor(), segment_scheme(parts.settings), query["as_of"] or parts.clock.now().date(),
        query["community"],
    )
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return Response(report_csv(report), mimetype="text/csv")
    return {"as_of": report.as_of, "segment_lookback_months": report.segment_lookback_months,
            "communities": [_community(community) for community in report.communities]}


def _community(value: value_report.CommunityValue) -> dict:
    return {
        "community": value.community, "name": value.name, "overall": asdict(value.overall),
        "by_segment": [{"segment": s.code, "label": s.label, **asdict(f)} for s, f in value.by_segment],
        "by_deprivation_decile": [{"decile": decile, **asdict(f)} for decile, f in value.by_deprivation_decile],
        "equity": [{"decile": decile, **{name: getattr(f, name) for name in EquityOut._declared_fields if name != "decile"}}
                   for decile, f in value.by_deprivation_decile if decile is not None],
    }


def report_csv(report: value_report.ValueReport) -> str:
    """One row per community × breakdown (overall, segment, decile) × group, the CI in two columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [name for name in FIGURE_NAMES if name != "change_ci95"]
    writer.writerow(["as_of", "community", "breakdown", "group", *names, "change_ci95_low", "change_ci95_high"])
    for community in report.communities:
        groups = [("overall", "all", community.overall)]
        groups += [("segment", segment.code, figures) for segment, figures in community.by_segment]
        groups += [("deprivation_decile", decile or "unknown", figures) for decile, figures in community.by_deprivation_decile]
        for breakdown, group, figures in groups:
            ci = figures.change_ci95 or ("", "")
            values = ["" if getattr(figures, name) is None else getattr(figures, name) for name in names]
            writer.writerow([report.as_of.isoformat(), community.community, breakdown, group, *values, *ci])
    return out.getvalue()

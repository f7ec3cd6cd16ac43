"""The programme view `/team/programme` (programme leads) and the audit search `/team/audit` (admins)."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, render_template, request
from markupsafe import Markup

from prom_service.services import value_report
from prom_service.services.audit_search import AuditQuery, search_audit
from prom_service.services.response_rates import response_rates
from prom_service.services.segments import segment_scheme
from prom_service.workspace import value_charts
from prom_service.workspace.blueprint import blueprint
from prom_service.workspace.session import signed_in


@blueprint.get("/programme")
@signed_in("programme_lead", "admin")
def programme():
    """Response rates by community, channel and language, and the value report's figures as charts."""
    parts = current_app.extensions["prom"]
    now, actor = parts.clock.now(), g.workspace_user.actor
    rates = response_rates(parts.uow(), actor, now)
    report = value_report.value_report(parts.uow(), actor, segment_scheme(parts.settings), now.date())
    return render_template("workspace/programme.html", section="programme", rates=rates, report=report,
                           charts=_value_charts(report), has_cost=value_charts.has_cost(report))


def _value_charts(report: value_report.ValueReport) -> dict:
    """The value report's figures drawn: across communities, and per community by decile and by segment."""
    def drawn(charts):
        return [Markup(value_charts.figure(chart, chart_id)) for chart_id, chart in charts]

    return {
        "across": drawn(value_charts.across_communities(report)),
        "by_decile": {c.community: drawn(value_charts.by_decile(c)) for c in report.communities},
        "by_segment": {c.community: drawn(value_charts.by_segment(c)) for c in report.communities},
    }


@blueprint.get("/audit")
@signed_in("admin")
def audit_trail():
    """Search who saw or changed what; there is no page that edits or deletes an event."""
    parts = current_app.extensions["prom"]
    query, problems = _audit_query(request.args)
    found = search_audit(parts.uow(), g.workspace_user.actor, query)
    return render_template("workspace/audit.html", section="audit", found=found, args=request.args,
                           problems=problems)


def _audit_query(args) -> tuple[AuditQuery, dict[str, str]]:
    problems: dict[str, str] = {}

    def number(name: str) -> int | None:
        text = args.get(name, "").strip()
        if text and not text.isdigit():
            problems[name] = "Enter a number, like 42"
        return int(text) if text.isdigit() else None

    def day(name: str) -> date | None:
        text = args.get(name, "").strip()
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            problems[name] = "Enter a date like 2026-11-23"
            return None

    query = AuditQuery(patient_id=number("patient"), user_id=str(number("user") or "") or None,
                       action=args.get("action", "").strip() or None, since=day("since"), until=day("until"),
                       page=number("page") or 1)
    return query, problems

"""The caseload page `/team/` and its CSV export: thin views over `services.caseload`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, current_app, g, render_template, request, url_for

from prom_service.services.caseload import SEVERITIES, SORTS, CaseloadQuery, caseload as caseload_of
from prom_service.workspace.blueprint import blueprint
from prom_service.workspace.session import signed_in

SORT_LABELS = {"alerts": "Alerts, most urgent first", "name": "Name", "lis": "Latest Life Improver Score",
               "change": "Change since baseline, worst first", "next_due": "Next questionnaire", "overdue": "Overdue"}
EXPORT_COLUMNS = ("patient_id", "name", "nhs_number", "community", "latest_lis", "change_from_baseline",
                  "classification", "alert_severity", "unresolved_alerts", "next_due", "overdue")


@blueprint.get("/")
@signed_in()
def caseload():
    """The team's patients with their latest score, change, alerts and questionnaires."""
    found = _caseload(_query_from(request.args))
    return render_template("workspace/caseload.html", section="caseload", caseload=found, severities=SEVERITIES,
                           sorts=SORT_LABELS, args=request.args, patient_path=_patient_path())


@blueprint.get("/caseload.csv")
@signed_in()
def caseload_export():
    """The filtered caseload as CSV (every page); the export is audited like any other request."""
    query = _query_from(request.args)
    rows, page = [], 1
    while True:
        found = _caseload(CaseloadQuery(**{**query.__dict__, "page": page, "per_page": 500}))
        rows.extend(found.rows)
        if page >= found.pages:
            break
        page += 1
    return Response(_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=caseload.csv"})


def _caseload(query: CaseloadQuery):
    parts = current_app.extensions["prom"]
    overdue_after = timedelta(days=parts.settings["workspace.overdue_after_days"])
    return caseload_of(parts.uow(), g.workspace_user.actor, query, parts.clock.now(), overdue_after)


def _patient_path() -> str:
    """The patient page's path without its id: each row appends its id, rather than 500 rows each building
    the link with `url_for` (about a fifth of the page's rendering)."""
    return url_for("workspace.patient", patient_id=0).removesuffix("0")


def _query_from(args) -> CaseloadQuery:
    page = args.get("page", "1")
    return CaseloadQuery(
        community=args.get("community") or None,
        severity=args.get("severity") if args.get("severity") in SEVERITIES + ("any",) else None,
        overdue_only=args.get("overdue") == "yes",
        sort=args.get("sort") if args.get("sort") in SORTS else "alerts",
        page=max(1, int(page)) if page.isdigit() else 1,
        per_page=current_app.extensions["prom"].settings["workspace.caseload_page_size"],
    )


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        change = row.from_baseline
        writer.writerow([
            row.patient_id, _cell(row.name), row.nhs_number or "", row.community, _number(row.latest_lis),
            _number(change.difference if change else None), change.classification.value if change else "",
            row.alert_severity or "", row.unresolved_alerts, row.next_due.date().isoformat() if row.next_due else "",
            row.overdue,
        ])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _cell(text: str) -> str:
    """Text a spreadsheet must not run as a formula (a name starting `=`, `+`, `-` or `@`)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

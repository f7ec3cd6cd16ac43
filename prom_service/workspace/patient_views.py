"""The patient page `/team/patients/<id>`: the record, its charts, and what matters to the person."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from markupsafe import Markup

from prom_service.services.care_record import care_record
from prom_service.workspace import chart
from prom_service.workspace.blueprint import blueprint
from prom_service.workspace.record_charts import charts_of
from prom_service.workspace.session import signed_in


@blueprint.get("/patients/<int:patient_id>")
@signed_in()
def patient(patient_id: int):
    """Timeline, charts, answers and provenance of one person in the team's caseload."""
    record = read_record(patient_id)
    charts = {e.enrolment.id: [Markup(chart.figure(series, chart_id)) for chart_id, series in charts_of(e)]
              for e in record.enrolments}
    return render_template("workspace/patient.html", section="caseload", record=record, charts=charts)


def read_record(patient_id: int):
    """The record within the signed-in user's teams (NotFound, answered 404, for anyone else's)."""
    parts = current_app.extensions["prom"]
    return care_record(parts.uow(), g.workspace_user.actor, patient_id, parts.clock.now(), request.remote_addr)

"""The alerts worklist `/team/alerts` and the actions on one alert: thin views over `services.alert_work`."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for

from prom_service.services import alert_work
from prom_service.services.errors import Conflict, InvalidInput
from prom_service.workspace.blueprint import blueprint
from prom_service.workspace.session import signed_in

FILTERS = {"unresolved": "Unresolved", "open": "Open", "acknowledged": "Acknowledged", "resolved": "Resolved"}


@blueprint.get("/alerts")
@signed_in()
def alerts():
    """Urgent first, then the longest waiting; how long each has been open."""
    status = request.args.get("status") if request.args.get("status") in FILTERS else "unresolved"
    items = alert_work.worklist(_parts().uow(), g.workspace_user.actor, status)
    return render_template("workspace/alerts.html", section="alerts", items=items, status=status, filters=FILTERS,
                           now=_parts().clock.now())


@blueprint.get("/alerts/<int:alert_id>")
@signed_in()
def alert(alert_id: int, problem: str | None = None, status: int = 200):
    """One alert with the forms to assign, acknowledge and resolve it."""
    item = alert_work.alert_item(_parts().uow(), g.workspace_user.actor, alert_id)
    g.audit_patient_id = item.alert.patient_id
    members = alert_work.team_members(_parts().uow(), g.workspace_user.actor)
    return render_template("workspace/alert.html", section="alerts", item=item, members=members, error=problem,
                           now=_parts().clock.now()), status


@blueprint.post("/alerts/<int:alert_id>/assign")
@signed_in()
def assign_alert(alert_id: int):
    assignee = request.form.get("assignee", "")
    return _act(alert_id, lambda uow, actor, now, addr: alert_work.assign(
        uow, actor, alert_id, int(assignee) if assignee.isdigit() else -1, now, addr))


@blueprint.post("/alerts/<int:alert_id>/acknowledge")
@signed_in()
def acknowledge_alert(alert_id: int):
    return _act(alert_id, lambda uow, actor, now, addr: alert_work.acknowledge(uow, actor, alert_id, now, addr))


@blueprint.post("/alerts/<int:alert_id>/resolve")
@signed_in()
def resolve_alert(alert_id: int):
    note = request.form.get("note", "")
    return _act(alert_id, lambda uow, actor, now, addr: alert_work.resolve(uow, actor, alert_id, note, now, addr))


def _act(alert_id: int, action):
    """Run the action; back to the alert page, or the page again with what to fix (post/redirect/get)."""
    try:
        action(_parts().uow(), g.workspace_user.actor, _parts().clock.now(), request.remote_addr)
    except (InvalidInput, Conflict) as refusal:
        message = "; ".join(" ".join(v) for v in refusal.errors.values()) if isinstance(refusal, InvalidInput) \
            else str(refusal)
        return alert(alert_id, problem=message.capitalize(), status=400 if isinstance(refusal, InvalidInput) else 409)
    return redirect(url_for("workspace.alert", alert_id=alert_id))


def _parts():
    return current_app.extensions["prom"]

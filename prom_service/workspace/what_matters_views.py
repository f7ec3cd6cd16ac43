""""What matters to me": agreeing domain weights and personal goals with the person, and rating goals.

Thin views over `services.what_matters`, which keeps every earlier set of weights and every rating.
"""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for

from prom_service.services import what_matters as personal_layer
from prom_service.services.care_record import enrolment_of
from prom_service.services.errors import InvalidInput
from prom_service.workspace.blueprint import blueprint
from prom_service.workspace.patient_views import read_record
from prom_service.workspace.session import signed_in

PATH = "/patients/<int:patient_id>/enrolments/<int:enrolment_id>/what-matters"


@blueprint.get(PATH)
@signed_in()
def what_matters(patient_id: int, enrolment_id: int, errors: dict | None = None, status: int = 200):
    """The weights form with its history, the goals with their ratings, and the forms to change them."""
    record = read_record(patient_id)
    chosen = next((e for e in record.enrolments if e.enrolment.id == enrolment_id), None)
    if chosen is None:
        enrolment_of(_parts().uow(), g.workspace_user.actor, patient_id, enrolment_id)  # raises NotFound
    return render_template("workspace/what_matters.html", section="caseload", record=record, enrolment=chosen,
                           errors=errors or {}, form=request.form if errors else {}), status



@blueprint.post(PATH + "/weights")
@signed_in()
def set_weights(patient_id: int, enrolment_id: int):
    weights, problems = _read_weights(request.form)
    return _change(patient_id, enrolment_id, problems, lambda uow, actor, now: personal_layer.set_personal_weights(
        uow, actor, enrolment_id, weights, request.form.get("agreed_with", "").strip() or "the person", now))


@blueprint.post(PATH + "/goals")
@signed_in()
def set_goal(patient_id: int, enrolment_id: int):
    numbers, problems = _read_numbers(request.form, ("importance", "difficulty", "baseline_level"))
    goal = personal_layer.NewGoal(request.form.get("text", "").strip(), numbers.get("importance", 0),
                                numbers.get("difficulty", 0), numbers.get("baseline_level", -1))
    if not goal.text:
        problems["text"] = "Describe the goal in the person's words"
    return _change(patient_id, enrolment_id, problems,
                   lambda uow, actor, now: personal_layer.set_goal(uow, actor, enrolment_id, goal, now))


@blueprint.post(PATH + "/ratings")
@signed_in()
def rate_goals(patient_id: int, enrolment_id: int):
    keys = [k for k in request.form if k.startswith("goal-")]
    numbers, problems = _read_numbers(request.form, keys)
    ratings = {int(key.removeprefix("goal-")): value for key, value in numbers.items()}
    return _change(patient_id, enrolment_id, problems,
                   lambda uow, actor, now: personal_layer.rate_goals(uow, actor, enrolment_id, ratings, now))


def _change(patient_id: int, enrolment_id: int, problems: dict, change):
    """Check the enrolment is this patient's and the team's, make the change, and go back (PRG)."""
    enrolment_of(_parts().uow(), g.workspace_user.actor, patient_id, enrolment_id)
    g.audit_patient_id = patient_id
    if not problems:
        try:
            change(_parts().uow(), g.workspace_user.actor, _parts().clock.now())
        except InvalidInput as refusal:
            problems = {field: " ".join(messages) for field, messages in refusal.errors.items()}
    if problems:
        return what_matters(patient_id, enrolment_id, errors=problems, status=400)
    return redirect(url_for("workspace.what_matters", patient_id=patient_id, enrolment_id=enrolment_id))


def _read_weights(form) -> tuple[dict[str, float], dict[str, str]]:
    weights, problems = {}, {}
    for key in (k for k in form if k.startswith("weight-")):
        try:
            weights[key.removeprefix("weight-")] = float(form[key])
        except ValueError:
            problems[key] = "Enter a weight as a number, 0 or more"
    return weights, problems


def _read_numbers(form, keys) -> tuple[dict[str, int], dict[str, str]]:
    numbers, problems = {}, {}
    for key in keys:
        text = form.get(key, "").strip()
        try:
            numbers[key] = int(text)
        except ValueError:
            problems[key] = "Choose one of the options"
    return numbers, problems


def _parts():
    return current_app.extensions["prom"]

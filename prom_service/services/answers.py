"""Recording answers: one item at a time (SMS, web) or a whole response at once (API).

Every channel ends in the same place: when the last instrument of an invitation is answered, the
assessment (scores, Life Improver Score, alerts) runs in the same transaction as the last answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Mapping

from sqlalchemy import select

from scoring import instruments
from prom_service.db.models import Answer, Invitation, OutcomeSetVersion, Response
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import alerting, assessment, outcome_sets
from prom_service.services.access import Actor
from prom_service.services.errors import Conflict, InvalidInput, NotFound
from prom_service.services.invitation_planning import record_transition
from prom_service.services.patients import get_patient

OPEN_STATUSES = ("planned", "sent", "reminded", "partial")


@dataclass(frozen=True)
class Progress:
    """Where the person is: the next unanswered (instrument, item), or None when all is answered."""

    invitation_id: int
    next_item: tuple[str, str] | None
    answered: int
    total: int
    outcome: assessment.Outcome | None = None
    alerts: tuple[alerting.RaisedAlert, ...] = ()

    @property
    def red_flag(self) -> bool:
        """An urgent alert was raised by this answer or by the assessment it completed."""
        raised = self.alerts + (self.outcome.alerts if self.outcome else ())
        return any(alert.severity == "urgent" for alert in raised)


def submit_response(
    uow: UnitOfWork, actor: Actor, invitation_id: int, answers: Mapping[str, int | None], channel: str, now: datetime,
) -> assessment.Outcome:
    """Store a whole response sent by another system and assess it; missing items follow each instrument's rules."""
    with uow:
        invitation = _open_invitation(uow, invitation_id, actor)
        by_instrument = _group_answers(invitation, answers)
        for instrument in invitation.instruments:
            response = _response(uow, invitation, instrument, channel, now)
            for item_id in instruments(instrument).item_ids:
                _store(uow, response, item_id, by_instrument[instrument].get(item_id), None, now)
        outcome = _complete(uow, invitation, now)
        uow.commit()
        return outcome


def record_answer(
    uow: UnitOfWork, invitation_id: int, instrument: str, item_id: str, value: int | None, channel: str,
    now: datetime, raw_text: str | None = None,
) -> Progress:
    """Store one answer as it is given (None = skipped); assess when it was the last one."""
    with uow:
        invitation = _open_invitation(uow, invitation_id)
        if instrument not in invitation.instruments:
            raise InvalidInput({"instrument": f"this questionnaire does not ask {instrument!r}"})
        _check_value(instrument, item_id, value, f"{instrument}.{item_id}")
        _store(uow, _response(uow, invitation, instrument, channel, now), item_id, value, raw_text, now)
        raised = _item_alerts(uow, invitation, instrument, item_id, value, now)
        progress = replace(_progress(uow, invitation), alerts=raised)
        if progress.next_item is None:
            progress = replace(progress, outcome=_complete(uow, invitation, now))
        elif invitation.status != "partial":
            record_transition(uow, invitation, invitation.status, "partial", channel, now)
        uow.commit()
        return progress


def progress_of(uow: UnitOfWork, invitation_id: int) -> Progress:
    """The next unanswered item, so a person coming back resumes where they stopped."""
    invitation = uow.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"no invitation {invitation_id}")
    return _progress(uow, invitation)


def _item_alerts(uow, invitation: Invitation, instrument: str, item_id: str, value, now) -> tuple:
    version = uow.session.get(OutcomeSetVersion, invitation.outcome_set_version_id)
    return tuple(alerting.evaluate_answer(uow, outcome_sets.outcome_set_of(version), invitation.patient_id,
                                          invitation.enrolment_id, instrument, item_id, value, now))


def _open_invitation(uow: UnitOfWork, invitation_id: int, actor: Actor | None = None) -> Invitation:
    """The invitation, locked; the actor's team check comes first, so another team's invitation is
    simply not found (its state, and its patient's id, are not revealed)."""
    invitation = uow.session.get(Invitation, invitation_id, with_for_update=True)
    if invitation is None or (actor is not None and not _visible(uow, actor, invitation.patient_id)):
        raise NotFound(f"no invitation {invitation_id}")
    if invitation.status not in OPEN_STATUSES:
        raise Conflict(f"invitation {invitation_id} is {invitation.status}; it takes no more answers")
    return invitation


def _visible(uow: UnitOfWork, actor: Actor, patient_id: int) -> bool:
    try:
        get_patient(uow, actor, patient_id)
    except NotFound:
        return False
    return True


def _group_answers(invitation: Invitation, answers: Mapping[str, int | None]) -> dict[str, dict[str, int | None]]:
    """Read `phq9.q1` or, where only one instrument has the item, plain `q1`; name every bad key."""
    grouped: dict[str, dict[str, int | None]] = {name: {} for name in invitation.instruments}
    errors: dict[str, str] = {}
    for key, value in answers.items():
        instrument, item_id, problem = _locate(invitation.instruments, key)
        if problem:
            errors[key] = problem
            continue
        try:
            _check_value(instrument, item_id, value, key)
        except InvalidInput as error:
            errors.update({k: " ".join(v) for k, v in error.errors.items()})
            continue
        grouped[instrument][item_id] = value
    if errors:
        raise InvalidInput(errors)
    return grouped


def _locate(asked: list[str], key: str) -> tuple[str, str, str | None]:
    instrument, dot, item_id = key.partition(".")
    if dot:
        if instrument not in asked:
            return instrument, item_id, f"this questionnaire does not ask {instrument!r} (it asks {', '.join(asked)})"
        if item_id not in instruments(instrument).item_ids:
            return instrument, item_id, f"{instrument} has no item {item_id!r}"
        return instrument, item_id, None
    owners = [name for name in asked if key in instruments(name).item_ids]
    if len(owners) == 1:
        return owners[0], key, None
    if owners:
        return "", key, f"ambiguous: write it as one of {', '.join(f'{o}.{key}' for o in owners)}"
    return "", key, f"no instrument in this questionnaire has an item {key!r}"


def _check_value(instrument: str, item_id: str, value, field: str) -> None:
    if value is None:
        return
    if item_id not in instruments(instrument).item_ids:
        raise InvalidInput({field: f"{instrument} has no item {item_id!r}"})
    item = next(i for i in instruments(instrument).items if i.id == item_id)
    if isinstance(value, bool) or not isinstance(value, int) or not item.min <= value <= item.max:
        raise InvalidInput({field: f"must be a whole number from {item.min} to {item.max}, got {value!r}"})


def _response(uow: UnitOfWork, invitation: Invitation, instrument: str, channel: str, now: datetime) -> Response:
    response = uow.session.scalar(select(Response).where(
        Response.invitation_id == invitation.id, Response.instrument == instrument))
    if response is None:
        response = Response(invitation_id=invitation.id, patient_id=invitation.patient_id, instrument=instrument,
                            channel=channel, status="partial", started_at=now, created_at=now)
        uow.session.add(response)
        uow.session.flush()
    return response


def _store(uow, response: Response, item_id: str, value, raw_text, now) -> None:
    answer = uow.session.scalar(select(Answer).where(Answer.response_id == response.id, Answer.item_id == item_id))
    if answer is None:
        uow.session.add(Answer(response_id=response.id, item_id=item_id, value=value, raw_text=raw_text, answered_at=now))
    else:
        answer.value, answer.raw_text, answer.answered_at = value, raw_text, now
    uow.session.flush()


def _progress(uow: UnitOfWork, invitation: Invitation) -> Progress:
    answered = {(instrument, item_id) for instrument, item_id in uow.session.execute(
        select(Response.instrument, Answer.item_id).join(Answer, Answer.response_id == Response.id)
        .where(Response.invitation_id == invitation.id)
    )}
    order = [(name, item) for name in invitation.instruments for item in instruments(name).item_ids]
    pending = [pair for pair in order if pair not in answered]
    return Progress(invitation.id, pending[0] if pending else None, len(order) - len(pending), len(order))


def _complete(uow: UnitOfWork, invitation: Invitation, now: datetime) -> assessment.Outcome:
    for response in uow.session.scalars(select(Response).where(Response.invitation_id == invitation.id)):
        response.status, response.submitted_at = "complete", now
    record_transition(uow, invitation, invitation.status, "completed", None, now)
    invitation.completed_at = now
    invitation.next_reminder_at = None
    return assessment.assess_invitation(uow, invitation, now)

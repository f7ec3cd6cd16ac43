"""Recording answers: one item at a time (SMS, web) or a whole response at once (API).

Every channel ends in the same place: when the last instrument of an invitation is answered, the
assessment (scores, Life Improver Score, alerts) runs in the same transaction as the last answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping

from sqlalchemy import Insert, bindparam, insert, select, update

from scoring import instruments
from prom_service.db.models import Answer, Invitation, OutcomeSetVersion, Response
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import alerting, assessment, outcome_sets
from prom_service.services.access import Actor
from prom_service.services.errors import Conflict, InvalidInput, NotFound
from prom_service.services.invitation_planning import record_transition
from prom_service.services.patients import get_patient

OPEN_STATUSES = ("planned", "sent", "reminded", "partial")
_ANSWER_COLUMNS = ("response_id", "item_id", "value", "raw_text", "answered_at")
# The message an answer came in: a built-once INSERT (named bind parameters) and its values.
Carrier = tuple[Insert, Mapping[str, Any]]


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


@dataclass(frozen=True)
class OpenInvitation:
    """An invitation taking answers, locked by the caller's transaction, with the answers it already has.

    Read once per answer: a channel that must know the next question before it can read a reply (SMS)
    and the recording of that reply share one read, instead of each making its own.
    """

    id: int
    patient_id: int
    enrolment_id: int
    outcome_set_version_id: int
    outcome_set_fingerprint: str
    instruments: tuple[str, ...]
    status: str
    response_ids: Mapping[str, int]
    answered: frozenset[tuple[str, str]]

    def progress(self, just_answered: tuple[str, str] | None = None) -> Progress:
        """Where the person is, counting `just_answered` too (an answer written after this was read)."""
        answered = self.answered | {just_answered} if just_answered else self.answered
        order = [(name, item) for name in self.instruments for item in instruments(name).item_ids]
        pending = [pair for pair in order if pair not in answered]
        return Progress(self.id, pending[0] if pending else None, len(order) - len(pending), len(order))


# What an answer needs of its invitation, read with the lock that makes answers to it wait their turn
# (`with_for_update(of=Invitation)`); a caller that locks the invitation in a statement of its own selects
# these columns there and passes the row to `answers_so_far`.
INVITATION_COLUMNS = (Invitation.id.label("invitation_id"), Invitation.patient_id, Invitation.enrolment_id,
                      Invitation.outcome_set_version_id, OutcomeSetVersion.fingerprint, Invitation.instruments,
                      Invitation.status)
# Built once: these run for every answer, and building a statement costs more Python than running it.
_LOCK = (select(*INVITATION_COLUMNS)
         .join(OutcomeSetVersion, OutcomeSetVersion.id == Invitation.outcome_set_version_id)
         .where(Invitation.id == bindparam("invitation_id")).with_for_update(of=Invitation))
_ANSWERED = (select(Response.id, Response.instrument, Answer.item_id)
             .outerjoin(Answer, Answer.response_id == Response.id)
             .where(Response.invitation_id == bindparam("invitation_id")))
_NEW_RESPONSE = insert(Response).returning(Response.id)
_NEW_ANSWERS = insert(Answer)
_CHANGED_ANSWER = (update(Answer)
                   .where(Answer.response_id == bindparam("response"), Answer.item_id == bindparam("item"))
                   .values(value=bindparam("new_value"), raw_text=bindparam("new_raw_text"),
                           answered_at=bindparam("new_answered_at")))


def submit_response(
    uow: UnitOfWork, actor: Actor, invitation_id: int, answers: Mapping[str, int | None], channel: str, now: datetime,
) -> assessment.Outcome:
    """Store a whole response sent by another system and assess it; missing items follow each instrument's rules."""
    with uow:
        invitation = lock_for_answers(uow, invitation_id, actor)
        by_instrument = _group_answers(invitation, answers)
        for instrument in invitation.instruments:
            given = by_instrument[instrument]
            _store(uow, invitation, instrument, {item: given.get(item) for item in instruments(instrument).item_ids},
                   channel, now)
        outcome = _complete(uow, invitation, now)
        uow.commit()
        return outcome


def record_answer(
    uow: UnitOfWork, invitation_id: int, instrument: str, item_id: str, value: int | None, channel: str,
    now: datetime, raw_text: str | None = None,
) -> Progress:
    """Store one answer as it is given (None = skipped); assess when it was the last one."""
    with uow:
        progress = answer(uow, lock_for_answers(uow, invitation_id), instrument, item_id, value, channel, now, raw_text)
        uow.commit()
        return progress


def lock_for_answers(uow: UnitOfWork, invitation_id: int, actor: Actor | None = None) -> OpenInvitation:
    """The invitation, locked until the caller's transaction ends, and what is answered already. The
    actor's team check comes before the status check, so another team's invitation is simply not found
    (its state, and its patient's id, are not revealed)."""
    row = uow.session.connection().execute(_LOCK, {"invitation_id": invitation_id}).first()
    if row is None or (actor is not None and not _visible(uow, actor, row.patient_id)):
        raise NotFound(f"no invitation {invitation_id}")
    if row.status not in OPEN_STATUSES:
        raise Conflict(f"invitation {invitation_id} is {row.status}; it takes no more answers")
    return answers_so_far(uow, row)


def answers_so_far(uow: UnitOfWork, locked) -> OpenInvitation:
    """What is answered on the invitation of `locked`, a row of INVITATION_COLUMNS read in this transaction
    with the invitation locked. Read in a statement after the lock's, so it includes every answer
    committed by whoever held the lock before (a statement sees what was committed when it began)."""
    responses, answered = {}, set()
    for response_id, instrument, item_id in uow.session.connection().execute(
            _ANSWERED, {"invitation_id": locked.invitation_id}):
        responses[instrument] = response_id
        if item_id is not None:
            answered.add((instrument, item_id))
    return OpenInvitation(locked.invitation_id, locked.patient_id, locked.enrolment_id, locked.outcome_set_version_id,
                          locked.fingerprint, tuple(locked.instruments), locked.status, responses,
                          frozenset(answered))


def answer(
    uow: UnitOfWork, invitation: OpenInvitation, instrument: str, item_id: str, value: int | None, channel: str,
    now: datetime, raw_text: str | None = None, carried_by: Carrier | None = None,
) -> Progress:
    """Record one answer on an invitation the caller has locked, in the caller's transaction (no commit).

    `carried_by`, the row of the message the answer came in, is saved with it: on PostgreSQL by the
    answer's own statement (a data-modifying WITH), so a text and its answer cost one round trip.
    """
    if instrument not in invitation.instruments:
        raise InvalidInput({"instrument": f"this questionnaire does not ask {instrument!r}"})
    _check_value(instrument, item_id, value, f"{instrument}.{item_id}")
    _store(uow, invitation, instrument, {item_id: value}, channel, now, raw_text, carried_by)
    raised = _item_alerts(uow, invitation, instrument, item_id, value, now)
    progress = replace(invitation.progress(just_answered=(instrument, item_id)), alerts=raised)
    if progress.next_item is None:
        progress = replace(progress, outcome=_complete(uow, invitation, now))
    elif invitation.status != "partial":
        record_transition(uow, uow.session.get(Invitation, invitation.id), invitation.status, "partial", channel, now)
    return progress


def _item_alerts(uow, invitation: OpenInvitation, instrument: str, item_id: str, value, now) -> tuple:
    outcome_set = outcome_sets.outcome_set_by_id(uow, invitation.outcome_set_version_id,
                                                 invitation.outcome_set_fingerprint)
    return tuple(alerting.evaluate_answer(uow, outcome_set, invitation.patient_id, invitation.enrolment_id,
                                          instrument, item_id, value, now))


def _store(uow: UnitOfWork, invitation: OpenInvitation, instrument: str, values: Mapping[str, int | None],
           channel: str, now: datetime, raw_text: str | None = None, carried_by: Carrier | None = None) -> None:
    """Write one instrument's answers: its response row the first time, then new answers and changed ones,
    and the row of the message that carried them."""
    connection = uow.session.connection()
    response_id = invitation.response_ids.get(instrument)
    if response_id is None:
        response_id = connection.execute(_NEW_RESPONSE, {
            "invitation_id": invitation.id, "patient_id": invitation.patient_id, "instrument": instrument,
            "channel": channel, "status": "partial", "started_at": now, "created_at": now}).scalar_one()
    new = [{"response_id": response_id, "item_id": item_id, "value": value, "raw_text": raw_text, "answered_at": now}
           for item_id, value in values.items() if (instrument, item_id) not in invitation.answered]
    changed = [{"response": response_id, "item": item_id, "new_value": value, "new_raw_text": raw_text,
                "new_answered_at": now}
               for item_id, value in values.items() if (instrument, item_id) in invitation.answered]
    if carried_by is not None and len(new) == 1 and connection.dialect.name == "postgresql":
        carrier, carried = carried_by
        connection.execute(_new_answer_with(carrier), {**{f"answer_{k}": v for k, v in new[0].items()}, **carried})
        new, carried_by = [], None
    if carried_by is not None:
        connection.execute(*carried_by)
    if new:
        connection.execute(_NEW_ANSWERS, new)
    if changed:
        connection.execute(_CHANGED_ANSWER, changed)


@lru_cache(maxsize=8)
def _new_answer_with(carrier: Insert) -> Insert:
    """One new answer and its carrier's row in one PostgreSQL statement; built once per carrier."""
    return (insert(Answer).values({column: bindparam(f"answer_{column}") for column in _ANSWER_COLUMNS})
            .add_cte(carrier.cte("carrier")))


def _visible(uow: UnitOfWork, actor: Actor, patient_id: int) -> bool:
    try:
        get_patient(uow, actor, patient_id)
    except NotFound:
        return False
    return True


def _group_answers(invitation: OpenInvitation, answers: Mapping[str, int | None]) -> dict[str, dict[str, int | None]]:
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


def _complete(uow: UnitOfWork, held: OpenInvitation, now: datetime) -> assessment.Outcome:
    invitation = uow.session.get(Invitation, held.id)
    for response in uow.session.scalars(select(Response).where(Response.invitation_id == invitation.id)):
        response.status, response.submitted_at = "complete", now
    record_transition(uow, invitation, invitation.status, "completed", None, now)
    invitation.completed_at = now
    invitation.next_reminder_at = None
    return assessment.assess_invitation(uow, invitation, now)

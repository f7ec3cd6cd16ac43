"""The person's way through a questionnaire: open the link, see where they are, answer, submit.

Plain use-case code for the pages (no Flask here): each step opens its own unit of work, and answers go
through `answers.record_answer`, the same code the SMS channel uses, so the last answer scores the
questionnaire, recomputes the Life Improver Score and raises alerts in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import select

from prom_service.channels.web.questions import ENGLISH, Question, build_question, steps
from prom_service.db.models import Answer, Patient, Response
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import answers, instrument_wording, patient_links

CHANNEL = "web"
MakeUow = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Visit:
    """An open link's invitation as the pages need it: who, what is asked, what is answered."""

    invitation_id: int
    token_hash: str
    instruments: tuple[str, ...]
    patient_language: str
    has_date_of_birth: bool
    stored: dict[tuple[str, str], int | None] = field(default_factory=dict)

    @property
    def order(self) -> list[tuple[str, str]]:
        return steps(self.instruments)

    @property
    def total(self) -> int:
        return len(self.order)

    def first_unanswered(self) -> int | None:
        """The 1-based number of the first question without a stored answer: where a person resumes."""
        return next((number for number, step in enumerate(self.order, 1) if step not in self.stored), None)

    def is_last_unanswered(self, number: int) -> bool:
        """Whether answering `number` answers everything, which completes the questionnaire."""
        return self.order[number - 1] not in self.stored and len(self.stored) == self.total - 1


@dataclass(frozen=True)
class Opened:
    """A link's visit, or the reason it opens nothing (`unknown`, `expired`, `completed`, `cancelled`)."""

    visit: Visit | None
    reason: str | None = None


def open_visit(make_uow: MakeUow, token: str, now: datetime) -> Opened:
    """Open a link and read where its questionnaire stands."""
    with make_uow() as uow:
        state = patient_links.open_link(uow, token, now)
        if state.invitation is None:
            return Opened(None, state.reason)
        invitation = state.invitation
        patient = uow.session.get(Patient, invitation.patient_id)
        visit = Visit(invitation.id, invitation.token_hash, tuple(invitation.instruments), patient.language or ENGLISH,
                      patient.date_of_birth is not None, _stored_answers(uow, invitation.id))
        return Opened(visit, state.reason)


def questions(make_uow: MakeUow, visit: Visit, language: str) -> list[Question]:
    """Every question of the visit, worded for `language` where a licensed translation was loaded."""
    with make_uow() as uow:
        wordings = instrument_wording.wordings_for(uow, visit.instruments, {language, ENGLISH})
    return [build_question(visit.instruments, number, wordings, language) for number in range(1, visit.total + 1)]


def question(make_uow: MakeUow, visit: Visit, number: int, language: str) -> Question:
    with make_uow() as uow:
        wordings = instrument_wording.wordings_for(uow, visit.instruments, {language, ENGLISH})
    return build_question(visit.instruments, number, wordings, language)


def answer(make_uow: MakeUow, visit: Visit, number: int, value: int | None, now: datetime) -> answers.Progress:
    """Store one answer as given; the last one also runs the assessment."""
    instrument, item_id = visit.order[number - 1]
    return answers.record_answer(make_uow(), visit.invitation_id, instrument, item_id, value, CHANNEL, now)


def _stored_answers(uow: UnitOfWork, invitation_id: int) -> dict[tuple[str, str], int | None]:
    rows = uow.session.execute(
        select(Response.instrument, Answer.item_id, Answer.value).join(Answer, Answer.response_id == Response.id)
        .where(Response.invitation_id == invitation_id))
    return {(instrument, item_id): value for instrument, item_id, value in rows}

"""Patient links: `/s/{token}` opens one invitation's web questionnaire, and only that one.

The token is a bearer secret (192 random bits from `secrets.token_urlsafe(24)`); only its SHA-256 is
stored, so a copy of the database opens nothing. A link lives as long as its invitation: it stops
working when the invitation expires, is completed or is cancelled, and issuing a new one replaces it.
A caller that passes a `link_secret` gets a token derived from it and the invitation instead (HMAC,
as many bits), so a reminder re-sends the very link of the first text and that link keeps working.

Before any question is shown the person may be asked their date of birth (`web.identity_check`), in
case a text reached the wrong phone. Wrong answers are counted per invitation: five within an hour lock
the link for an hour, so the check cannot be walked through the 36,500 days of a century. Every answer,
right or wrong, is audited with the patient's id, never with the date that was typed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from prom_service.db.models import Invitation, LinkAttempt, Patient
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import audit
from prom_service.services.access import Actor
from prom_service.services.errors import Conflict, NotFound

TOKEN_BYTES = 24
OPEN_STATUSES = ("planned", "sent", "reminded", "partial")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
LOCKED_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class LinkState:
    """What a link opens: the invitation, or why not (`unknown`, `expired`, `completed`, `cancelled`)."""

    invitation: Invitation | None
    reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class IdentityCheck:
    """The result of one date-of-birth answer; `locked_until` is set while the link refuses answers."""

    passed: bool
    locked_until: datetime | None = None
    attempts_left: int = MAX_FAILURES
    reason: str | None = None


def token_hash(token: str) -> str:
    """The stored form of a token; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    uow: UnitOfWork, invitation_id: int, now: datetime, public_base_url: str, link_secret: str | None = None,
) -> str:
    """Give the invitation a token (replacing any other) and return its full link.

    Runs inside the caller's open unit of work (the dispatcher's send transaction) and neither opens
    `with uow:` nor commits, so the link and the message that carries it are saved together or not at all.
    """
    invitation = uow.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(f"no invitation {invitation_id}")
    if invitation.status not in OPEN_STATUSES:
        raise Conflict(f"invitation {invitation_id} is {invitation.status}; it needs no link")
    token = _derived_token(link_secret, invitation_id) if link_secret else secrets.token_urlsafe(TOKEN_BYTES)
    invitation.token_hash = token_hash(token)
    invitation.updated_at = now
    return f"{public_base_url.rstrip('/')}/s/{token}"


def _derived_token(link_secret: str, invitation_id: int) -> str:
    digest = hmac.new(link_secret.encode(), f"patient-link:{invitation_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode().rstrip("=")


def open_link(uow: UnitOfWork, token: str, now: datetime) -> LinkState:
    """Find the invitation a token opens, or the reason it opens nothing; reads in the caller's unit of work."""
    invitation = uow.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if invitation is None:
        return LinkState(None, "unknown")
    if invitation.status in ("completed", "cancelled"):
        return LinkState(invitation, invitation.status)
    if invitation.status not in OPEN_STATUSES or (invitation.expires_at and invitation.expires_at <= now):
        return LinkState(invitation, "expired")
    return LinkState(invitation)


def check_identity(
    uow: UnitOfWork, invitation_id: int, date_of_birth: date, now: datetime, remote_addr: str | None = None,
) -> IdentityCheck:
    """Compare a typed date of birth with the patient's; count, audit and commit the attempt."""
    with uow:
        invitation = uow.session.get(Invitation, invitation_id, with_for_update=True)
        if invitation is None:
            raise NotFound(f"no invitation {invitation_id}")
        patient = uow.session.get(Patient, invitation.patient_id)
        actor = Actor(kind="patient", id=str(patient.id))
        locked = locked_until(uow, invitation_id, now)
        if locked:
            _audit(uow, actor, "patient_link.identity_locked", invitation, now, remote_addr)
            uow.commit()
            return IdentityCheck(False, locked, 0, "locked")
        result = _record_attempt(uow, actor, invitation, patient, date_of_birth, now, remote_addr)
        uow.commit()
        return result


def locked_until(uow: UnitOfWork, invitation_id: int, now: datetime) -> datetime | None:
    """When the lock lifts, if the last five answers since a right one were all wrong within an hour."""
    recent = uow.session.scalars(
        select(LinkAttempt).where(
            LinkAttempt.invitation_id == invitation_id, LinkAttempt.at > now - FAILURE_WINDOW - LOCKED_FOR)
        .order_by(LinkAttempt.at.desc(), LinkAttempt.id.desc()).limit(MAX_FAILURES)
    ).all()
    failures = []
    for attempt in recent:
        if attempt.succeeded:
            break
        failures.append(attempt)
    if len(failures) < MAX_FAILURES or failures[0].at - failures[-1].at > FAILURE_WINDOW:
        return None
    until = failures[0].at + LOCKED_FOR
    return until if now < until else None


def _record_attempt(uow, actor, invitation, patient, date_of_birth, now, remote_addr) -> IdentityCheck:
    if patient.date_of_birth is None:
        _audit(uow, actor, "patient_link.identity_unavailable", invitation, now, remote_addr)
        return IdentityCheck(False, None, MAX_FAILURES, "no_date_of_birth")
    passed = patient.date_of_birth == date_of_birth
    uow.session.add(LinkAttempt(invitation_id=invitation.id, succeeded=passed, at=now))
    uow.session.flush()
    action = "patient_link.identity_passed" if passed else "patient_link.identity_failed"
    _audit(uow, actor, action, invitation, now, remote_addr)
    if passed:
        return IdentityCheck(True)
    locked = locked_until(uow, invitation.id, now)
    return IdentityCheck(False, locked, 0 if locked else _attempts_left(uow, invitation.id, now),
                         "locked" if locked else "wrong_date_of_birth")


def _attempts_left(uow: UnitOfWork, invitation_id: int, now: datetime) -> int:
    recent = uow.session.scalars(
        select(LinkAttempt.succeeded).where(
            LinkAttempt.invitation_id == invitation_id, LinkAttempt.at > now - FAILURE_WINDOW)
        .order_by(LinkAttempt.at.desc(), LinkAttempt.id.desc()).limit(MAX_FAILURES)
    ).all()
    wrong = 0
    for succeeded in recent:
        if succeeded:
            break
        wrong += 1
    return MAX_FAILURES - wrong


def _audit(uow, actor: Actor, action: str, invitation: Invitation, now: datetime, remote_addr: str | None) -> None:
    audit.record(uow, actor, action, now, patient_id=invitation.patient_id, target=f"invitation:{invitation.id}",
                 remote_addr=remote_addr, invitation_id=invitation.id)

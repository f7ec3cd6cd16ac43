"""What the browser remembers about one link, in Flask's signed session cookie.

Per link: whether the identity check passed, the form token, the language chosen, the last answer
while it waits on the check-your-answers page, and, after submitting, whether to show safety advice.
Entries are keyed by invitation and bound to the link's token hash, so a re-issued link starts afresh.

Why a per-link form token is enough against cross-site request forgery: the link itself is a bearer
secret, so a forger would already need it; the token (random, in the signed session, compared in
constant time) stops another site from posting answers into a browser that has the link open, and the
session cookie is HttpOnly and SameSite=Lax, so cross-site POSTs do not even carry it.

The last answer waits here rather than in the database because recording it completes the questionnaire
and runs the assessment, and the person must be able to change any answer before that. It leaves the
cookie the moment they submit. Every earlier answer is stored as it is given.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import session

from prom_service.channels.web.journey import Visit

KEY = "patient_links"


def _entry(visit: Visit) -> dict[str, Any]:
    links = session.setdefault(KEY, {})
    entry = links.get(str(visit.invitation_id))
    if entry is None or entry.get("link") != visit.token_hash[:16]:
        entry = links[str(visit.invitation_id)] = {"link": visit.token_hash[:16]}
    return entry


def _update(visit: Visit, **values: Any) -> None:
    _entry(visit).update(values)
    session.modified = True


def is_verified(visit: Visit) -> bool:
    return bool(_entry(visit).get("verified"))


def mark_verified(visit: Visit) -> None:
    session.permanent = False
    _update(visit, verified=True)


def form_token(visit: Visit) -> str:
    """The token every form of this link carries; made on first use."""
    token = _entry(visit).get("csrf")
    if token is None:
        token = secrets.token_urlsafe(24)
        _update(visit, csrf=token)
    return token


def form_token_matches(visit: Visit, sent: str | None) -> bool:
    expected = _entry(visit).get("csrf")
    return bool(expected and sent) and hmac.compare_digest(expected, sent)


def language(visit: Visit) -> str | None:
    return _entry(visit).get("language")


def choose_language(visit: Visit, code: str) -> None:
    _update(visit, language=code)


def pending_answer(visit: Visit) -> tuple[int, int | None] | None:
    """The last question's number and answer, waiting for the person to submit."""
    pending = _entry(visit).get("pending")
    return (pending[0], pending[1]) if pending else None


def hold_answer(visit: Visit, number: int, value: int | None) -> None:
    _update(visit, pending=[number, value])


def finish(visit: Visit, red_flag: bool) -> None:
    """Forget the waiting answer and remember whether the confirmation must show safety advice."""
    _update(visit, pending=None, done={"red_flag": red_flag})


def finished(visit: Visit) -> dict[str, Any] | None:
    return _entry(visit).get("done")

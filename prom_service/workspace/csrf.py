"""Cross-site request forgery protection: a per-session token that every POST must carry back.

A dozen lines of our own instead of Flask-WTF: the workspace's forms are plain HTML read by services,
so a form library would bring a second way of reading input for the sake of this one check. The token
is random, kept in the signed session cookie, compared in constant time, and renewed at sign-in.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """This session's token, made on first use; every form puts it in a hidden field."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def check_csrf() -> None:
    """Refuse (400) any state-changing request whose form does not carry this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = session.get(FIELD)
    sent = request.form.get(FIELD) or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="form_expired")

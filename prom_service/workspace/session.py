"""Who is signed in to the workspace: the user id in the signed session cookie, checked on every request.

The cookie holds only the user id and when it was last used; the account, its role and teams are read
afresh each request, so deactivating a user or changing their teams takes effect at once. A session
idle for longer than `workspace.idle_minutes` ends.
"""

from __future__ import annotations

import functools
from typing import Callable

from flask import abort, current_app, g, redirect, request, session, url_for

from prom_service.services.sign_in import WorkspaceUser, workspace_user
from prom_service.workspace.csrf import csrf_token

USER_KEY = "workspace_user_id"
SEEN_KEY = "workspace_seen_at"


def begin(user_id: int) -> None:
    """Start a fresh session for the user, with a new CSRF token: a planted cookie or token is worth nothing."""
    session.clear()
    session[USER_KEY] = user_id
    session[SEEN_KEY] = _parts().clock.now().timestamp()
    csrf_token()


def end() -> None:
    session.clear()


def current_user() -> WorkspaceUser | None:
    """The signed-in user, or None when nobody is, the session went idle, or the account was closed."""
    user_id = session.get(USER_KEY)
    if user_id is None:
        return None
    now = _parts().clock.now().timestamp()
    if now - session.get(SEEN_KEY, 0) > _parts().settings["workspace.idle_minutes"] * 60:
        end()
        return None
    user = workspace_user(_parts().uow(), user_id)
    if user is None:
        end()
        return None
    session[SEEN_KEY] = now
    return user


def signed_in(*roles: str) -> Callable:
    """Let the view run for a signed-in user (with one of `roles`, when given); others go to sign in."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("workspace.sign_in", next=request.full_path.rstrip("?")))
            g.workspace_user = user
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def safe_next(target: str | None) -> str:
    """Where to go after signing in: only a workspace path on this site, never another host."""
    if target and target.startswith("/team/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("workspace.caseload")


def _parts():
    return current_app.extensions["prom"]

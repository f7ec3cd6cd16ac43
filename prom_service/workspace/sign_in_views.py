"""Signing in and out of the workspace: thin views over `services.sign_in`."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for

from prom_service.services import sign_in as sign_in_service
from prom_service.workspace import session
from prom_service.workspace.blueprint import blueprint

MESSAGES = {
    "refused": "Enter the email address and password of your workspace account",
    "locked": "Too many wrong passwords: this account is locked for {minutes} minutes",
}


@blueprint.get("/sign-in")
def sign_in():
    """The sign-in form (or straight on, when already signed in)."""
    if session.current_user() is not None:
        return redirect(session.safe_next(request.args.get("next")))
    return render_template("workspace/sign_in.html", next=request.args.get("next", ""), error=None, email="")


@blueprint.post("/sign-in")
def sign_in_submitted():
    """Check the password; start a fresh session or show what went wrong."""
    parts = current_app.extensions["prom"]
    policy = sign_in_service.LockoutPolicy.from_settings(parts.settings)
    email = request.form.get("email", "")
    result = sign_in_service.sign_in(parts.uow(), email, request.form.get("password", ""), parts.clock.now(),
                                     policy, request.remote_addr)
    if result.user_id is None:
        error = MESSAGES[result.reason].format(minutes=policy.lock_minutes)
        status = 429 if result.reason == "locked" else 401
        return render_template("workspace/sign_in.html", next=request.form.get("next", ""), error=error,
                               email=email), status
    session.begin(result.user_id)
    return redirect(session.safe_next(request.form.get("next")))


@blueprint.post("/sign-out")
@session.signed_in()
def sign_out():
    """End the session (audited) and go back to the sign-in page."""
    parts = current_app.extensions["prom"]
    sign_in_service.record_sign_out(parts.uow(), g.workspace_user, parts.clock.now(), request.remote_addr)
    session.end()
    g.workspace_user = None
    return redirect(url_for("workspace.sign_in"))

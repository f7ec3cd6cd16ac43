"""The patient's web questionnaire at `/s/{token}`: thin views over the journey and link services.

Every step works without JavaScript: each page is a plain form that posts back to its own address and
redirects on success (post/redirect/get), so refreshing never answers twice.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, redirect, request, url_for

from prom_service.channels.web import forms, journey, link_session, pages
from prom_service.channels.web.headers import secure
from prom_service.channels.web.journey import Visit
from prom_service.channels.web.languages import ENGLISH, supported
from prom_service.services import patient_links
from prom_service.services.errors import Conflict

blueprint = Blueprint("patient_web", __name__, url_prefix="/s", template_folder="templates")


@blueprint.after_request
def _secure(response: Response) -> Response:
    return secure(response, _parts().settings.environment == "production")


@blueprint.context_processor
def _form_token() -> dict:
    return {"form_token": link_session.form_token}


@blueprint.get("/<token>")
def start(token: str):
    """Open the link: a kind page when it cannot be used, else the identity check or the next question."""
    visit, stop = _opened(token)
    if stop:
        return stop
    if _needs_identity(visit):
        return pages.identity(visit) if visit.has_date_of_birth else pages.link_problem("no_date_of_birth")
    return redirect(_resume_url(token, visit))


@blueprint.post("/<token>")
def identity(token: str):
    """Check the date of birth typed on the identity page."""
    visit, stop = _opened(token)
    if stop:
        return stop
    if not _needs_identity(visit):
        return redirect(url_for(".start", token=token))
    if not link_session.form_token_matches(visit, request.form.get("form_token")):
        return pages.identity(visit, forms.Read(problem="form_expired", field="dob-day"), status=400)
    read = forms.read_date_of_birth(request.form, _parts().clock.now().date())
    if read.problem:
        return pages.identity(visit, read, form=request.form)
    result = patient_links.check_identity(_parts().uow(), visit.invitation_id, read.value, _parts().clock.now(),
                                          request.remote_addr)
    if result.passed:
        link_session.mark_verified(visit)
        return redirect(url_for(".start", token=token))
    if result.reason in ("locked", "no_date_of_birth"):
        return pages.link_problem(result.reason, locked_until=result.locked_until)
    return pages.identity(visit, forms.Read(problem="dob_mismatch", field="dob-day"),
                          attempts_left=result.attempts_left, form=request.form)


@blueprint.route("/<token>/questions/<int:number>", methods=["GET", "POST"])
def question(token: str, number: int):
    """Show one question, or store its answer and go on to the next."""
    visit, stop = _admitted(token)
    if stop:
        return stop
    if not 1 <= number <= (visit.first_unanswered() or visit.total):
        return redirect(_resume_url(token, visit))
    shown = journey.question(_parts().uow, visit, number, g.page_language)
    if request.method == "GET":
        return pages.question(visit, shown, _current_value(visit, number))
    if not link_session.form_token_matches(visit, request.form.get("form_token")):
        return pages.question(visit, shown, None, problem="form_expired", status=400)
    read = forms.read_answer(shown, request.form)
    if read.problem:
        return pages.question(visit, shown, None, problem=read.problem)
    if visit.is_last_unanswered(number):
        link_session.hold_answer(visit, number, read.value)
        return redirect(url_for(".check", token=token))
    try:
        journey.answer(_parts().uow, visit, number, read.value, _parts().clock.now())
    except Conflict:
        return redirect(url_for(".start", token=token))
    return redirect(url_for(".start", token=token))


@blueprint.route("/<token>/check", methods=["GET", "POST"])
def check(token: str):
    """Show every answer with a Change link; submitting stores the last answer, which scores them all."""
    visit, stop = _admitted(token)
    if stop:
        return stop
    pending = link_session.pending_answer(visit)
    if not pending or visit.first_unanswered() != pending[0] or len(visit.stored) != visit.total - 1:
        return redirect(_resume_url(token, visit))
    if request.method == "GET" or not link_session.form_token_matches(visit, request.form.get("form_token")):
        answered = {**visit.stored, visit.order[pending[0] - 1]: pending[1]}
        return pages.check(visit, journey.questions(_parts().uow, visit, g.page_language), answered)
    try:
        progress = journey.answer(_parts().uow, visit, pending[0], pending[1], _parts().clock.now())
    except Conflict:
        return redirect(url_for(".start", token=token))
    link_session.finish(visit, bool(progress.outcome and progress.outcome.red_flag))
    return redirect(url_for(".done", token=token))


@blueprint.get("/<token>/done")
def done(token: str):
    """The confirmation, with the safety text when an answer raised a red flag."""
    opened = journey.open_visit(_parts().uow, token, _parts().clock.now())
    finished = opened.visit and link_session.finished(opened.visit)
    if not finished:
        return redirect(url_for(".start", token=token))
    _set_language(opened.visit)
    return pages.confirmation(finished["red_flag"])


def _parts():
    return current_app.extensions["prom"]


def _opened(token: str) -> tuple[Visit | None, Response | None]:
    """The link's visit with its page language set, or the kind page saying why it cannot be used."""
    opened = journey.open_visit(_parts().uow, token, _parts().clock.now())
    if opened.visit is None:
        g.page_language = supported(request.args.get("lang")) or ENGLISH
        return None, pages.link_problem(opened.reason)
    _set_language(opened.visit)
    if opened.reason == "completed" and link_session.finished(opened.visit):
        return None, pages.confirmation(link_session.finished(opened.visit)["red_flag"])
    if opened.reason:
        return None, pages.link_problem(opened.reason)
    return opened.visit, None


def _admitted(token: str) -> tuple[Visit | None, Response | None]:
    """Like `_opened`, and sends anyone who has not passed the identity check back to it."""
    visit, stop = _opened(token)
    if stop is None and _needs_identity(visit):
        stop = redirect(url_for(".start", token=token))
    return visit, stop


def _set_language(visit: Visit) -> None:
    chosen = supported(request.args.get("lang"))
    if chosen:
        link_session.choose_language(visit, chosen)
    g.page_language = supported(link_session.language(visit)) or supported(visit.patient_language) or ENGLISH


def _needs_identity(visit: Visit) -> bool:
    return _parts().settings["web.identity_check"] == "date_of_birth" and not link_session.is_verified(visit)


def _resume_url(token: str, visit: Visit) -> str:
    """Where a person carries on: the first unanswered question, or the check page when only the held one is left."""
    number = visit.first_unanswered() or visit.total
    pending = link_session.pending_answer(visit)
    if pending and pending[0] == number and len(visit.stored) == visit.total - 1:
        return url_for(".check", token=token)
    return url_for(".question", token=token, number=number)


def _current_value(visit: Visit, number: int) -> int | None:
    pending = link_session.pending_answer(visit)
    if pending and pending[0] == number:
        return pending[1]
    return visit.stored.get(visit.order[number - 1])

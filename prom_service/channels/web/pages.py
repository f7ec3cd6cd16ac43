"""Rendering the patient pages: each page's template, words and HTTP status in one place.

Every message is worded to say what to do, in the page's language, following the NHS error-summary
pattern: the summary links to the field, and the field repeats the message.
"""

from __future__ import annotations

from datetime import datetime
from functools import wraps
from typing import Mapping

from flask import current_app, g, render_template, request
from flask_babel import force_locale, format_time, gettext as _, ngettext

from prom_service.channels.sms.templates import load_templates
from prom_service.channels.web.forms import Read
from prom_service.channels.web.journey import Visit
from prom_service.channels.web.languages import LANGUAGES, direction
from prom_service.channels.web.questions import ENGLISH, Question

# Instruments that ask how often a problem bothered the person: their prompt can say exactly that.
FREQUENCY_INSTRUMENTS = frozenset({"phq9", "phq2", "gad7", "gad2"})
PROBLEM_STATUS = {"unknown": 404, "expired": 410, "completed": 410, "cancelled": 410, "locked": 429,
                  "no_date_of_birth": 403}


def in_page_language(page):
    """Render in the page's language whatever locale selector the app has: another part of the app
    (the care-team workspace) may set up Babel for its own pages, and patient pages must not follow it."""

    @wraps(page)
    def rendered(*args, **kwargs):
        with force_locale(g.get("page_language", ENGLISH)):
            return page(*args, **kwargs)

    return rendered


@in_page_language
def link_problem(reason: str, locked_until: datetime | None = None):
    """A kind page for a link that cannot be used now, saying what to do instead; never an error page."""
    until = format_time(locked_until, "short") if locked_until else ""
    return _render("link_problem.html", PROBLEM_STATUS[reason], reason=reason, locked_until=until)


@in_page_language
def identity(visit: Visit, read: Read | None = None, attempts_left: int | None = None,
             form: Mapping[str, str] | None = None, status: int = 200):
    message = _identity_message(read.problem, attempts_left) if read and read.problem else None
    return _render("identity.html", status, visit=visit, error=message, error_field=read.field if read else None,
                   form=form or {})


@in_page_language
def question(visit: Visit, shown: Question, current: int | None, problem: str | None = None, status: int = 200):
    message = _answer_message(shown, problem) if problem else None
    return _render("question.html", status, visit=visit, question=shown, current=current, error=message,
                   wording_dir=direction(shown.wording_language))


@in_page_language
def check(visit: Visit, questions: list[Question], answered: Mapping[tuple[str, str], int | None]):
    rows = [(shown, _answer_label(shown, answered.get((shown.instrument, shown.item_id)))) for shown in questions]
    return _render("check.html", 200, visit=visit, rows=rows,
                   wording_language=questions[0].wording_language if questions else ENGLISH)


@in_page_language
def confirmation(red_flag: bool):
    safety = _safety_text(g.page_language) if red_flag else None
    return _render("confirmation.html", 200, safety=safety)


def _render(template: str, status: int, **context):
    language = g.get("page_language", ENGLISH)
    context.update(page_language=language, page_direction=direction(language), languages=LANGUAGES,
                   here=request.path)
    return render_template(f"patient_web/{template}", **context), status


def _answer_label(shown: Question, value: int | None) -> str:
    if value is None:
        return _("Not answered")
    return next((choice.label for choice in shown.choices if choice.value == value), str(value))


def _answer_message(shown: Question, problem: str) -> str:
    if problem == "form_expired":
        return _("This page was open for too long. Choose your answer again and select Continue")
    if problem in ("not_a_number", "out_of_range") or not shown.choices:
        return _("Enter a whole number from %(low)s to %(high)s", low=shown.minimum, high=shown.maximum)
    item = shown.text.rstrip("?").strip()
    if shown.instrument in FREQUENCY_INSTRUMENTS and not shown.placeholder:
        return _("Select how often you have been bothered by “%(item)s”", item=item[:1].lower() + item[1:])
    return _("Select an answer for “%(item)s”", item=item)


def _identity_message(problem: str, attempts_left: int | None) -> str:
    messages = {
        "dob_missing": _("Enter your date of birth"),
        "dob_missing_day": _("Date of birth must include a day"),
        "dob_missing_month": _("Date of birth must include a month"),
        "dob_missing_year": _("Date of birth must include a year"),
        "dob_not_real": _("Date of birth must be a real date, like 27 3 1980"),
        "dob_in_future": _("Date of birth must be in the past"),
        "form_expired": _("This page was open for too long. Enter your date of birth again"),
    }
    if problem == "dob_mismatch":
        return ngettext("The date of birth does not match our records. Check it and try again: you have "
                        "%(num)d more try", "The date of birth does not match our records. Check it and try "
                        "again: you have %(num)d more tries", attempts_left or 0)
    return messages[problem]


def _safety_text(language: str) -> str:
    """The same safety text the SMS channel sends after a red flag, in the page's language."""
    templates = current_app.extensions.get("patient_web.sms_templates")
    if templates is None:
        templates = load_templates(current_app.extensions["prom"].settings.config_dir)
        current_app.extensions["patient_web.sms_templates"] = templates
    programme = current_app.extensions["prom"].settings.get("sms.programme_name", "")
    return templates.render("safety", language, programme=programme)

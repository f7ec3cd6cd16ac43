"""/simulator: each demo patient's phone, and a box to reply. A reply goes through the same signed
inbound webhook as a real Twilio message; the webhook's TwiML answer is shown as the next text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from prom_service.channels.sms import simulator
from prom_service.channels.sms.backend import inbound_url, webhook_signing_key
from prom_service.channels.sms.signature import SIGNATURE_HEADER, sign
from prom_service.channels.sms.webhook_forms import inbound_form
from prom_service.db.models import Patient

blueprint = Blueprint("simulator", __name__, template_folder="pages")
SIMULATOR_ACCOUNT = "AC" + "0" * 32
URL = re.compile(r"https?://\S+")


@blueprint.before_request
def only_with_the_simulator():
    if current_app.extensions["prom"].settings["sms.backend"] != "simulator":
        abort(404)


def linkify(text: str) -> Markup:
    """Escape a text and make its links clickable, so a patient link opens the web questionnaire."""
    escaped = str(escape(text))
    return Markup(URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped))


@blueprint.get("/simulator")
def phones():
    """Every demo patient's phone with the conversation of the one chosen."""
    parts = current_app.extensions["prom"]
    with parts.uow() as uow:
        people = uow.session.execute(
            select(Patient.phone_e164, Patient.display_name, Patient.external_id, Patient.date_of_birth)
            .where(Patient.phone_e164.is_not(None)).order_by(Patient.id)).all()
    chosen = request.args.get("phone") or (people[0][0] if people else None)
    messages = simulator.conversation(parts.session_factory, chosen) if chosen else []
    return render_template("simulator.html", people=people, chosen=chosen, messages=messages, linkify=linkify)


@blueprint.post("/simulator/reply")
def reply():
    """Type a text as the patient: kept, signed like Twilio's, posted to /twilio/sms, answered."""
    parts = current_app.extensions["prom"]
    phone, body = request.form.get("phone", ""), request.form.get("body", "").strip()
    if not phone or not body:
        return redirect(url_for("simulator.phones", phone=phone or None))
    sent = simulator.record_inbound(parts.session_factory, phone, body, parts.clock)
    form = inbound_form(message_sid=sent.provider_ref, account_sid=SIMULATOR_ACCOUNT, from_=phone,
                        to=parts.settings["twilio.from"] or "+447700900000", body=body)
    signature = sign(inbound_url(parts.settings), form, webhook_signing_key(parts.settings))
    answer = current_app.test_client().post("/twilio/sms", data=form, headers={SIGNATURE_HEADER: signature})
    for text in _messages(answer.get_data(as_text=True)):
        simulator.record_outbound(parts.session_factory, phone, text, parts.clock)
    return redirect(url_for("simulator.phones", phone=phone))


def _messages(twiml: str) -> list[str]:
    try:
        return [element.text or "" for element in ElementTree.fromstring(twiml).iter("Message")]
    except ElementTree.ParseError:
        return []

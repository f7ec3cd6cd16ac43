"""POST /twilio/sms and /twilio/status: signature checked against the public URL, then one service call."""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, request

from prom_service.api.problem import problem_response
from prom_service.channels.sms.backend import webhook_signing_key
from prom_service.channels.sms.signature import SIGNATURE_HEADER, is_valid
from prom_service.services import sms_conversation, sms_status
from prom_service.services.dispatch import DispatchPolicy

log = logging.getLogger(__name__)
blueprint = Blueprint("twilio", __name__)


def _signed() -> bool:
    settings = current_app.extensions["prom"].settings
    return is_valid(token=webhook_signing_key(settings), public_base_url=settings["public_base_url"],
                    full_path=request.full_path, form=request.form,
                    signature=request.headers.get(SIGNATURE_HEADER, ""))


def twiml(text: str | None) -> Response:
    """The TwiML answer: `text` as one message, or nothing to send. Written as the twilio library's
    MessagingResponse writes it (tested against it), without building an element tree per request."""
    body = f"<Response><Message>{escape(text)}</Message></Response>" if text else "<Response />"
    return Response(f'<?xml version="1.0" encoding="UTF-8"?>{body}', mimetype="application/xml")


@blueprint.post("/twilio/sms")
def inbound():
    """An incoming text: answer it in the webhook's own reply (next question, re-ask, thanks)."""
    if not _signed():
        log.warning("inbound webhook with a bad signature refused")
        return problem_response(403, "Forbidden", "The request's X-Twilio-Signature is not valid.")
    if not request.form.get("MessageSid") or not request.form.get("From"):
        return problem_response(400, "Bad Request", "MessageSid and From are required.")
    parts = current_app.extensions["prom"]
    inbound_text = sms_conversation.Inbound(request.form["MessageSid"], request.form["From"], request.form.get("Body", ""))
    try:
        reply = sms_conversation.handle_inbound(parts.uow, parts.sms_templates, inbound_text, parts.clock.now(),
                                                DispatchPolicy.from_settings(parts.settings))
    except sms_conversation.DuplicateDelivery:
        reply = None
    return twiml(reply)


@blueprint.post("/twilio/status")
def status():
    """A delivery status: ranked, never moved backwards; failures reach the invitation and the person."""
    if not _signed():
        log.warning("status webhook with a bad signature refused")
        return problem_response(403, "Forbidden", "The request's X-Twilio-Signature is not valid.")
    parts = current_app.extensions["prom"]
    code = request.form.get("ErrorCode")
    sms_status.handle_status(parts.uow, request.form.get("MessageSid", ""), request.form.get("MessageStatus", ""),
                             int(code) if code and code.isdigit() else None, parts.clock.now())
    return twiml(None)

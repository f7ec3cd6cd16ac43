"""The webhooks' TwiML answer is the one the twilio library would write."""

from __future__ import annotations

import pytest
from flask import Flask
from twilio.twiml.messaging_response import MessagingResponse

from prom_service.channels.sms.webhooks import twiml


def library_twiml(text: str | None) -> str:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return str(reply)


@pytest.mark.parametrize("text", [
    None, "", "1/9 Little interest or pleasure in doing things? Reply 0 Not at all, 1 Several days",
    "If you are in danger now call 999.\nThank you.", "a < b & c > d \"quoted\" 'single' ]]> <!-- -->",
    "Bengali ২ Arabic ٢ pound £ emoji 😀",
])
def test_the_answer_is_the_libraries_twiml(text):
    with Flask(__name__).app_context():
        response = twiml(text)
    assert response.get_data(as_text=True) == library_twiml(text)
    assert response.mimetype == "application/xml"

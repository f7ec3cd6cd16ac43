"""A questionnaire answered by text through the signed webhook, in-process: where each reply goes.

The perinatal outcome set asks PHQ-9 and GAD-7 one question per text and SWEMWBS (licensed wording)
on the web page, so the last texted answer is answered with a link that resumes there.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from prom_service.channels.sms.backend import inbound_url, webhook_signing_key
from prom_service.channels.sms.signature import SIGNATURE_HEADER, sign
from prom_service.channels.sms.simulator import new_provider_ref
from prom_service.channels.sms.webhook_forms import inbound_form
from prom_service.db.models import Answer, InboundSms, Invitation, InvitationEvent
from prom_service.scheduler import jobs
from prom_service.services import patient_links, sms_conversation
from tests.integration.test_dispatch import TUESDAY_NOON, enrol_person

PHONE = "+447700900123"
TEXTED = 16  # PHQ-9 (9 items) and GAD-7 (7 items)

@pytest.fixture
def invited(parts, communities, clock):
    """One person sent the perinatal questionnaire, asked one question per text."""
    clock.at = TUESDAY_NOON
    patient_id = enrol_person(parts, phone=PHONE)
    assert jobs.dispatch_invitations(parts) == {"sent:sms-conversation": 1}
    return patient_id

def text(client, parts, body: str, message_sid: str | None = None) -> str:
    """Post a reply signed as Twilio signs it; the TwiML answer."""
    form = inbound_form(message_sid=message_sid or new_provider_ref(), account_sid="AC" + "0" * 32, from_=PHONE,
                        to="+447700900000", body=body)
    signature = sign(inbound_url(parts.settings), form, webhook_signing_key(parts.settings))
    reply = client.post("/twilio/sms", data=form, headers={SIGNATURE_HEADER: signature})
    assert reply.status_code == 200
    return reply.get_data(as_text=True)

def count(parts, model, *where) -> int:
    with parts.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))

class TestTextedQuestionnaire:
    def test_each_answer_is_stored_and_answered_with_the_next_question(self, client, parts, invited):
        replies = [text(client, parts, "1") for _ in range(3)]
        assert ["2/16" in replies[0], "3/16" in replies[1], "4/16" in replies[2]] == [True, True, True]
        assert count(parts, Answer, Answer.value == 1) == 3
        assert count(parts, InboundSms, InboundSms.outcome == "answer") == 3

    def test_the_first_answer_makes_the_questionnaire_partial_once(self, client, parts, invited):
        text(client, parts, "0")
        text(client, parts, "0")
        assert count(parts, Invitation, Invitation.status == "partial") == 1
        assert count(parts, InvitationEvent, InvitationEvent.to_status == "partial") == 1

    def test_after_the_last_texted_question_a_link_opens_the_rest_online(self, client, parts, invited, clock):
        replies = [text(client, parts, "1") for _ in range(TEXTED)]
        assert "16/16" in replies[-2]
        assert "The last few questions are online" in replies[-1]
        token = re.search(r"/s/([A-Za-z0-9_\-]+)", replies[-1]).group(1)
        with parts.uow() as uow:
            state = patient_links.open_link(uow, token, clock.now())
            assert state.is_open and state.invitation.status == "partial"
        assert count(parts, Answer) == TEXTED, "the link was saved with the last texted answer"

    def test_a_reply_after_the_texted_part_gets_the_link_again_and_stores_nothing(self, client, parts, invited):
        for _ in range(TEXTED):
            text(client, parts, "1")
        again = text(client, parts, "2")
        assert "The last few questions are online" in again and "/s/" in again
        assert count(parts, Answer) == TEXTED
        assert count(parts, InboundSms, InboundSms.outcome == "unmatched") == 1

    def test_a_replayed_text_is_answered_once(self, client, parts, invited):
        sid = new_provider_ref()
        first, replay = text(client, parts, "3", sid), text(client, parts, "3", sid)
        assert "2/16" in first and "<Message>" not in replay
        assert count(parts, Answer) == 1

    def test_an_unreadable_reply_is_reasked_and_stores_no_answer(self, client, parts, invited):
        assert "Sorry" in text(client, parts, "often")
        assert count(parts, Answer) == 0
        assert "2/16" in text(client, parts, "2")

    def test_phq9_item9_above_zero_brings_the_safety_text_with_the_next_question(self, client, parts, invited):
        replies = [text(client, parts, "1" if n == 8 else "0") for n in range(9)]
        assert "999" not in replies[7] and "999" in replies[8] and "10/16" in replies[8]



class TestRepeatDeliveries:
    """Only the MessageSid's own uniqueness marks a text as a repeat; any other refusal is an error."""

    @pytest.mark.parametrize("refusal", [
        'duplicate key value violates unique constraint "uq_inbound_sms_message_sid"',  # PostgreSQL
        "UNIQUE constraint failed: inbound_sms.message_sid",  # SQLite
    ])
    def test_the_message_sid_refusing_the_text_is_a_repeat_delivery(self, refusal):
        with pytest.raises(sms_conversation.DuplicateDelivery):
            with sms_conversation._once_per_message_sid():
                raise IntegrityError("INSERT", {}, Exception(refusal))

    def test_another_refusal_is_not_taken_for_one(self):
        refusal = 'duplicate key value violates unique constraint "uq_alerts_open_per_rule"'
        with pytest.raises(IntegrityError):
            with sms_conversation._once_per_message_sid():
                raise IntegrityError("INSERT", {}, Exception(refusal))

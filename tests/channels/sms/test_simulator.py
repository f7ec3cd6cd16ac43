"""The simulator backend keeps texts in the database and behaves like Twilio where it matters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from prom_service.channels.sms import simulator
from prom_service.channels.sms.backend import build_sms_sender, status_callback_url, webhook_signing_key
from prom_service.channels.sms.sender import SendFailure
from prom_service.channels.sms.simulator import SimulatorSmsSender, conversation, phones, record_inbound
from prom_service.channels.sms.twilio_sender import TwilioSmsSender
from prom_service.db.models import SmsSimulatorMessage
from prom_service.settings import load_settings

PHONE = "+447700900123"


@pytest.fixture
def sender(session_factory, clock):
    return SimulatorSmsSender(session_factory, clock)


def send(sender, body="Hello", to=PHONE):
    return sender.send(to, body, status_callback=None, idempotency_key="k")


class TestSending:
    def test_a_sent_text_is_stored_with_a_twilio_shaped_reference(self, sender, session_factory, clock):
        result = send(sender, "How are you?")
        with session_factory() as session:
            stored = session.scalars(select(SmsSimulatorMessage)).one()
        assert re.fullmatch(r"SM[0-9a-f]{32}", result.provider_ref) and stored.provider_ref == result.provider_ref
        assert (stored.direction, stored.phone_e164, stored.body, stored.status) == ("out", PHONE, "How are you?",
                                                                                     "delivered")
        assert stored.created_at == clock.now()

    def test_the_result_counts_segments(self, sender):
        assert send(sender, "x" * 161).segments == 2

    def test_every_text_gets_its_own_reference(self, sender):
        assert send(sender).provider_ref != send(sender).provider_ref


class TestOptOutAsTwilioDoes:
    def test_after_stop_a_send_is_refused_with_21610(self, sender, session_factory):
        record_inbound(session_factory, PHONE, "Stop.")
        with pytest.raises(SendFailure) as failure:
            send(sender)
        assert (failure.value.code, failure.value.kind, failure.value.reason) == (21610, "opted_out", "opted-out")

    @pytest.mark.parametrize("opt_in", ["START", "unstop", "yes"])
    def test_an_opt_in_word_after_stop_lets_texts_through_again(self, sender, session_factory, opt_in):
        record_inbound(session_factory, PHONE, "STOP")
        record_inbound(session_factory, PHONE, opt_in)
        assert send(sender).status == "delivered"

    def test_answers_after_stop_do_not_opt_back_in(self, sender, session_factory):
        record_inbound(session_factory, PHONE, "STOP")
        record_inbound(session_factory, PHONE, "2")
        with pytest.raises(SendFailure):
            send(sender)

    def test_someone_elses_stop_does_not_matter(self, sender, session_factory):
        record_inbound(session_factory, "+447700900999", "STOP")
        assert send(sender).status == "delivered"


class TestThePhoneView:
    def test_a_conversation_lists_both_directions_oldest_first(self, sender, session_factory, clock):
        send(sender, "Question 1")
        clock.advance(minutes=1)
        reply = record_inbound(session_factory, PHONE, "2", clock)
        assert [(m.direction, m.body) for m in conversation(session_factory, PHONE)] == [("out", "Question 1"),
                                                                                          ("in", "2")]
        assert reply.provider_ref.startswith("SM") and reply.status == "received"

    def test_phones_lists_each_simulated_phone_once(self, sender, session_factory):
        send(sender, to="+447700900222")
        send(sender, to="+447700900111")
        send(sender, to="+447700900111")
        assert phones(session_factory) == ["+447700900111", "+447700900222"]


def settings_for(tmp_path, **values):
    return load_settings({"environment": "test", "var_dir": str(tmp_path), "secret_key": "s",
                          "database.url": "sqlite://", **values}, environ={})


class TestChoosingTheBackend:
    def test_the_default_is_the_simulator(self, tmp_path, session_factory):
        assert isinstance(build_sms_sender(settings_for(tmp_path), session_factory), SimulatorSmsSender)

    def test_twilio_is_built_from_the_twilio_settings(self, tmp_path, session_factory):
        settings = settings_for(tmp_path, **{
            "sms.backend": "twilio", "twilio.account_sid": "AC" + "1" * 32, "twilio.auth_token": "tok",
            "twilio.from": "MG" + "2" * 32, "twilio.api_base": "http://127.0.0.1:9",
            "twilio.validity_period_s": 600, "public_base_url": "https://prom.example.org/"})
        built = build_sms_sender(settings, session_factory)
        assert isinstance(built, TwilioSmsSender)
        assert built.sender_field == {"messaging_service_sid": "MG" + "2" * 32}
        assert built.validity_period_s == 600
        assert built.default_status_callback == "https://prom.example.org/twilio/status"
        assert built.http.rebase("https://api.twilio.com/2010-04-01/x") == "http://127.0.0.1:9/2010-04-01/x"
        built.close()

    def test_status_callbacks_go_to_the_public_url(self, tmp_path):
        assert status_callback_url(settings_for(tmp_path)) == "http://127.0.0.1:5000/twilio/status"


class TestWebhookSigningKey:
    def test_with_twilio_it_is_the_auth_token(self, tmp_path):
        settings = settings_for(tmp_path, **{"sms.backend": "twilio", "twilio.account_sid": "AC1",
                                             "twilio.auth_token": "tok", "twilio.from": "+447700900001"})
        assert webhook_signing_key(settings) == "tok"

    def test_with_the_simulator_it_is_derived_from_the_secret_key_and_never_empty(self, tmp_path):
        key = webhook_signing_key(settings_for(tmp_path))
        assert len(key) == 64 and key != webhook_signing_key(settings_for(tmp_path, secret_key="other"))


def test_simulator_references_look_like_twilio_message_sids():
    assert re.fullmatch(r"SM[0-9a-f]{32}", simulator.new_provider_ref())

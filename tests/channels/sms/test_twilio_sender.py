"""The real twilio client, sending through the fake Twilio: what goes over the wire, and what comes back."""

from __future__ import annotations

import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from prom_service.channels.sms.sender import SendFailure
from prom_service.channels.sms.twilio_sender import IDEMPOTENCY_HEADER, RebasedHttpClient, TwilioSmsSender
from tests.channels.sms.conftest import FROM_NUMBER, STATUS_CALLBACK

PATIENT = "+447700900123"


def send(sender, to=PATIENT, body="Hello", callback=None, key="outbox-1"):
    return sender.send(to, body, status_callback=callback, idempotency_key=key)


class TestTheRequestTwilioReceives:
    def test_it_posts_the_form_to_the_accounts_messages_endpoint_with_basic_auth(self, fake_twilio, twilio_sender):
        send(twilio_sender)
        [request] = fake_twilio.requests
        assert request.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
        assert request.authenticated

    def test_the_form_carries_to_from_body_status_callback_and_validity_period(self, fake_twilio, twilio_sender):
        send(twilio_sender, body="How are you?", callback="https://prom.example.org/twilio/status?x=1")
        form = fake_twilio.requests[0].form
        assert form == {"To": PATIENT, "From": FROM_NUMBER, "Body": "How are you?",
                        "StatusCallback": "https://prom.example.org/twilio/status?x=1", "ValidityPeriod": "14400"}

    def test_a_messaging_service_sid_is_sent_as_messaging_service_sid_not_from(self, fake_twilio,
                                                                               make_twilio_sender):
        service = "MG" + "a" * 32
        send(make_twilio_sender(sender=service))
        form = fake_twilio.requests[0].form
        assert form["MessagingServiceSid"] == service and "From" not in form

    def test_without_a_callback_from_the_caller_the_configured_one_is_used(self, fake_twilio, twilio_sender):
        send(twilio_sender, callback=None)
        assert fake_twilio.requests[0].form["StatusCallback"] == STATUS_CALLBACK

    def test_the_idempotency_key_travels_as_a_header_on_that_request_only(self, fake_twilio, twilio_sender):
        send(twilio_sender, key="outbox-42")
        twilio_sender.client.api.v2010.accounts(fake_twilio.account_sid).messages.create(
            to=PATIENT, from_=FROM_NUMBER, body="direct")
        first, second = fake_twilio.requests
        assert first.headers[IDEMPOTENCY_HEADER] == "outbox-42"
        assert IDEMPOTENCY_HEADER not in second.headers

    def test_twilio_edge_and_region_in_the_environment_do_not_move_the_host(self, monkeypatch, fake_twilio,
                                                                           make_twilio_sender):
        monkeypatch.setenv("TWILIO_EDGE", "dublin")
        monkeypatch.setenv("TWILIO_REGION", "ie1")
        sender = make_twilio_sender()
        assert sender.client.edge is None and sender.client.region is None
        send(sender)
        assert len(fake_twilio.requests) == 1


class TestTheEnvironmentReadOnce:
    """Proxy settings are taken from the environment when the sender is built, as requests would take them."""

    @pytest.fixture(autouse=True)
    def no_proxy_settings(self, monkeypatch):
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.lower(), raising=False)

    def test_a_proxy_in_the_environment_carries_the_requests(self, monkeypatch, fake_twilio, make_twilio_sender):
        monkeypatch.setenv("HTTP_PROXY", fake_twilio.base_url)
        sender = make_twilio_sender(api_base="http://api.twilio.invalid")
        with pytest.raises(SendFailure):
            send(sender)  # the fake is no proxy: it answers 404 to a request for another host
        assert fake_twilio.requests[0].path.startswith("http://api.twilio.invalid/2010-04-01/Accounts/")

    def test_no_proxy_keeps_twilios_host_direct(self, monkeypatch, fake_twilio, make_twilio_sender):
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert send(make_twilio_sender()).status == "queued"

    def test_the_environment_is_not_read_again_for_each_text(self, monkeypatch, fake_twilio, make_twilio_sender):
        sender = make_twilio_sender()
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        assert send(sender).status == "queued"


class TestWhatTheSenderReturns:
    def test_a_created_message_gives_its_sid_status_and_segments(self, fake_twilio, twilio_sender):
        result = send(twilio_sender, body="x" * 161)
        assert result.provider_ref == fake_twilio.messages[0]["sid"]
        assert result.provider_ref.startswith("SM") and len(result.provider_ref) == 34
        assert (result.status, result.segments) == ("queued", 2)

    def test_through_a_messaging_service_the_segments_are_counted_locally(self, make_twilio_sender):
        result = send(make_twilio_sender(sender="MG" + "a" * 32), body="x" * 161)
        assert (result.status, result.segments) == ("accepted", 2)


class TestSeveralThreads:
    def test_each_of_many_concurrent_sends_gets_its_own_answer(self, fake_twilio, make_twilio_sender):
        sender = make_twilio_sender(connections=8)
        numbers = [f"+4477009{n:05d}" for n in range(400)]
        with ThreadPoolExecutor(8) as pool:
            sids = list(pool.map(lambda to: send(sender, to=to, key=to).provider_ref, numbers))
        sent_to = {message["sid"]: message["to"] for message in fake_twilio.messages}
        assert [sent_to[sid] for sid in sids] == numbers, "each thread got the SID of its own message"
        assert all(r.headers[IDEMPOTENCY_HEADER] == r.form["To"] for r in fake_twilio.requests), "and sent its own key"


class TestFailuresAreClassified:
    @pytest.mark.parametrize("code, kind, reason", [
        (21610, "opted_out", "opted-out"),
        (21614, "not_mobile", "landline"),
        (21211, "not_mobile", "invalid-number"),
        (20429, "rate_limited", "too-many-requests"),
        (20500, "transient", "twilio-20500"),
        (21408, "permanent", "region-not-permitted"),
        (21602, "permanent", "twilio-21602"),
    ])
    def test_a_twilio_error_code_becomes_a_send_failure_of_its_kind(self, fake_twilio, twilio_sender, code,
                                                                    kind, reason):
        fake_twilio.fail_next(PATIENT, code=code)
        with pytest.raises(SendFailure) as failure:
            send(twilio_sender)
        assert (failure.value.code, failure.value.kind, failure.value.reason) == (code, kind, reason)

    def test_a_rate_limit_carries_twilios_retry_after(self, fake_twilio, twilio_sender):
        fake_twilio.fail_next(None, code=20429, retry_after=7)
        with pytest.raises(SendFailure) as failure:
            send(twilio_sender)
        assert failure.value.retry_after == 7.0 and failure.value.retryable

    def test_geo_permissions_off_asks_for_a_person(self, fake_twilio, twilio_sender):
        fake_twilio.fail_next(PATIENT, code=21408)
        with pytest.raises(SendFailure) as failure:
            send(twilio_sender)
        assert failure.value.needs_ops and not failure.value.retryable

    def test_a_failure_for_one_number_leaves_the_next_send_alone(self, fake_twilio, twilio_sender):
        fake_twilio.fail_next(PATIENT, code=21610)
        with pytest.raises(SendFailure):
            send(twilio_sender)
        assert send(twilio_sender).status == "queued"
        assert send(twilio_sender, to="+447700900999").status == "queued"

    def test_no_answer_at_all_is_transient(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        sender = TwilioSmsSender(account_sid="AC" + "1" * 32, auth_token="t", sender=FROM_NUMBER,
                                 validity_period_s=60, api_base=f"http://127.0.0.1:{closed_port}", timeout=2)
        with pytest.raises(SendFailure) as failure:
            send(sender)
        sender.close()
        assert (failure.value.kind, failure.value.reason, failure.value.code) == ("transient", "connection-error",
                                                                                  None)

    def test_the_failure_does_not_chain_twilios_message_which_may_quote_the_number(self, fake_twilio,
                                                                                   twilio_sender):
        fake_twilio.fail_next(PATIENT, code=21211)
        with pytest.raises(SendFailure) as failure:
            send(twilio_sender)
        assert failure.value.__cause__ is None and failure.value.__suppress_context__


class TestPrivacy:
    def test_neither_the_number_the_text_nor_the_auth_token_is_logged(self, caplog, fake_twilio, twilio_sender):
        caplog.set_level(logging.DEBUG)
        fake_twilio.fail_next(PATIENT, code=21610)
        with pytest.raises(SendFailure):
            send(twilio_sender, body="secret words")
        send(twilio_sender, body="secret words")
        logged = caplog.text
        assert PATIENT not in logged and "secret words" not in logged and fake_twilio.auth_token not in logged


class TestRebasing:
    def test_every_twilio_domain_is_moved_to_the_base_keeping_path_and_query(self):
        client = RebasedHttpClient("http://127.0.0.1:8099")
        assert client.rebase("https://messaging.twilio.com/v1/Services?PageSize=5") == \
            "http://127.0.0.1:8099/v1/Services?PageSize=5"
        client.session.close()

    def test_without_a_base_urls_are_left_alone(self):
        client = RebasedHttpClient(None)
        assert client.rebase("https://api.twilio.com/2010-04-01/x") == "https://api.twilio.com/2010-04-01/x"
        client.session.close()

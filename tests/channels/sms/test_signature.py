"""X-Twilio-Signature: checked against the public URL, as Twilio signs it, behind a proxy or not."""

from __future__ import annotations

import threading

import pytest
from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.serving import make_server

from prom_service.channels.sms.signature import SIGNATURE_HEADER, is_valid, public_url, sign

TOKEN = "test-auth-token"
PUBLIC = "https://prom.example.org"
FORM = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered", "To": "+447700900123"}


def check(form=FORM, *, signed_url=f"{PUBLIC}/twilio/status", full_path="/twilio/status?", base=PUBLIC,
          token=TOKEN):
    return is_valid(token=TOKEN, public_base_url=base, full_path=full_path, form=form,
                    signature=sign(signed_url, FORM, token))


class TestSignatureCheck:
    def test_twilios_published_example_signs_as_documented(self):
        params = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
                  "From": "+12349013030", "To": "+18005551212"}
        assert sign("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="

    def test_a_form_signed_for_the_public_url_is_valid(self):
        assert check()

    def test_a_tampered_form_is_not(self):
        assert not check({**FORM, "MessageStatus": "failed"})

    def test_a_signature_for_another_url_is_not(self):
        assert not check(signed_url=f"{PUBLIC}/twilio/sms")
        assert not check(signed_url="http://10.0.0.5:8000/twilio/status")

    def test_a_signature_under_another_token_is_not(self):
        assert not check(token="someone-elses-token")

    @pytest.mark.parametrize("signed_url, base", [
        ("https://prom.example.org:443/twilio/status", "https://prom.example.org"),
        ("https://prom.example.org/twilio/status", "https://prom.example.org:443"),
    ])
    def test_the_default_port_may_be_present_on_either_side(self, signed_url, base):
        assert check(signed_url=signed_url, base=base)

    def test_the_query_string_is_part_of_what_is_signed(self):
        assert check(signed_url=f"{PUBLIC}/twilio/status?o=7", full_path="/twilio/status?o=7")
        assert not check(signed_url=f"{PUBLIC}/twilio/status?o=7", full_path="/twilio/status?o=8")

    def test_a_field_sent_twice_is_checked_with_both_values(self):
        twice = MultiDict([*FORM.items(), ("MediaUrl", "https://a.example/1"), ("MediaUrl", "https://a.example/2")])
        signature = sign(f"{PUBLIC}/twilio/status", twice, TOKEN)
        assert is_valid(token=TOKEN, public_base_url=PUBLIC, full_path="/twilio/status", form=twice,
                        signature=signature)
        once = MultiDict([*FORM.items(), ("MediaUrl", "https://a.example/1")])
        assert not is_valid(token=TOKEN, public_base_url=PUBLIC, full_path="/twilio/status", form=once,
                            signature=signature)

    def test_no_signature_or_no_token_is_never_valid(self):
        assert not is_valid(token=TOKEN, public_base_url=PUBLIC, full_path="/x", form=FORM, signature=None)
        assert not is_valid(token="", public_base_url=PUBLIC, full_path="/x", form=FORM, signature=sign(
            f"{PUBLIC}/x", FORM, ""))


class TestPublicUrl:
    def test_werkzeugs_trailing_question_mark_is_dropped(self):
        assert public_url("https://prom.example.org/", "/twilio/sms?") == "https://prom.example.org/twilio/sms"

    def test_a_query_is_kept(self):
        assert public_url("https://prom.example.org", "/twilio/sms?a=1") == "https://prom.example.org/twilio/sms?a=1"


@pytest.fixture
def app_behind_proxy():
    """A Flask view checking signatures, served on 127.0.0.1 while Twilio knows it as PUBLIC."""
    app = Flask("webhook_under_test")
    seen: list[dict] = []

    @app.post("/twilio/<kind>")
    def webhook(kind):
        ok = is_valid(token=TOKEN, public_base_url=PUBLIC, full_path=request.full_path, form=request.form,
                      signature=request.headers.get(SIGNATURE_HEADER))
        seen.append(request.form.to_dict())
        return ("", 204) if ok else ("forbidden", 403)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()
    thread.join()


class TestSignedWebhooksFromTheFake:
    def test_a_status_callback_signed_for_the_public_url_is_accepted(self, fake_twilio, app_behind_proxy):
        fake_twilio.auth_token = TOKEN
        local, seen = app_behind_proxy
        reply = fake_twilio.fire_status(f"{local}/twilio/status", public_url=f"{PUBLIC}/twilio/status",
                                        message_sid="SM" + "b" * 32, status="undelivered", to="+447700900123",
                                        error_code=30003)
        assert reply.status == 204
        assert seen[0]["MessageStatus"] == "undelivered" and seen[0]["ErrorCode"] == "30003"

    def test_an_inbound_text_signed_for_the_public_url_is_accepted(self, fake_twilio, app_behind_proxy):
        fake_twilio.auth_token = TOKEN
        local, seen = app_behind_proxy
        reply = fake_twilio.fire_inbound(f"{local}/twilio/sms", public_url=f"{PUBLIC}/twilio/sms",
                                         from_="+447700900123", body="2")
        assert reply.status == 204 and seen[0]["Body"] == "2" and seen[0]["MessageSid"].startswith("SM")

    def test_a_callback_signed_for_the_internal_url_is_refused(self, fake_twilio, app_behind_proxy):
        fake_twilio.auth_token = TOKEN
        local, _ = app_behind_proxy
        reply = fake_twilio.fire_status(f"{local}/twilio/status", public_url=f"{local}/twilio/status",
                                        message_sid="SM" + "c" * 32, status="delivered", to="+447700900123")
        assert reply.status == 403

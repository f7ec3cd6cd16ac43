"""Drill: forged, replayed and misdirected Twilio webhooks against the app served over real HTTP.

The failures rehearsed: someone who knows the webhook URL posts answers in a patient's name (no or a
wrong X-Twilio-Signature); a genuine request captured and posted again, or delivered twice by Twilio,
even many times at once; a genuine signature lifted onto another URL or another body; status callbacks
replayed late and out of order. What must hold: a forgery is 403, logged as refused, and stores nothing;
a replay is 200 but counts once (one answer, one next question); a status never moves backwards; and no
phone number reaches a log line, forged or not.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from prom_service.channels.sms.signature import SIGNATURE_HEADER, sign
from prom_service.db.models import Answer, InboundSms, OutboxMessage
from tests.channels.sms.test_sms_journey import PHONE, served  # noqa: F401 (the served app fixture)
from tests.drills.log_lines import assert_no_phone_in
from tests.drills.scale import drill_size
from tests.fake_twilio import WebhookReply, post_signed

pytestmark = pytest.mark.drill

REPLAYS = drill_size(small=6, full=100)
FORGERIES = drill_size(small=4, full=200)


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def sms_form(served, sid: str, body: str) -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": served.fake.account_sid, "From": PHONE, "To": "+447700900001",
            "Body": body}


def post_with(url: str, form: dict[str, str], signature: str | None) -> WebhookReply:
    """POST a form with exactly the signature header given (None: none at all)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return WebhookReply(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return WebhookReply(error.code, error.read().decode())


def stored(served) -> tuple[int, int]:
    """(inbound texts remembered, answers recorded)."""
    return served.count(InboundSms), served.count(Answer)


class TestForgeries:
    def test_forged_unsigned_and_misdirected_webhooks_are_refused_logged_and_change_nothing(self, served, logs):
        """Texts and status callbacks; one served app for all, as each one's database costs seconds."""
        served.tick()
        url, status_url = f"{served.base}/twilio/sms", f"{served.base}/twilio/status"
        token = served.fake.auth_token
        genuine = sms_form(served, "SM" + "0" * 32, "1")
        attempts = {
            "no signature": post_with(url, genuine, None),
            "empty signature": post_with(url, genuine, ""),
            "another token": post_signed(url, genuine, token="not-the-auth-token", public_url=url),
            "signed for /twilio/status": post_with(url, genuine, sign(f"{served.base}/twilio/status", genuine, token)),
            "signed for another host": post_with(url, genuine, sign("https://evil.example.org/twilio/sms", genuine,
                                                                    token)),
            "signed for another body": post_with(url, {**genuine, "Body": "3"}, sign(url, genuine, token)),
            "signed for another sender": post_with(url, {**genuine, "From": "+447700900999"},
                                                   sign(url, genuine, token)),
        }
        status = {"MessageSid": served.fake.messages[0]["sid"], "MessageStatus": "undelivered", "ErrorCode": "30006",
                  "To": PHONE}
        attempts["forged status"] = post_signed(status_url, status, token="not-the-auth-token", public_url=status_url)
        attempts["status signed for /twilio/sms"] = post_with(status_url, status, sign(url, status, token))
        for n in range(FORGERIES):
            form = sms_form(served, f"SM{n:032x}", str(n % 4))
            attempts[f"forgery {n}"] = post_signed(url, form, token=f"guess-{n}", public_url=url)
        refused = {name: reply.status for name, reply in attempts.items() if reply.status != 403}
        assert not refused, f"accepted: {refused}"
        assert stored(served) == (0, 0), "a forgery stored nothing"
        assert len(served.fake.messages) == 1, "and sent nothing beyond the first question"
        with served.parts.uow() as uow:
            assert uow.session.scalar(select(OutboxMessage.provider_status)) in (None, "queued", "accepted")
        refusals = [r for r in logs.records if "bad signature refused" in r.getMessage()]
        assert len(refusals) == len(attempts), "each refusal is logged"
        assert_no_phone_in(logs.records, PHONE)


class TestReplays:
    def test_a_genuine_text_replayed_at_once_counts_once_and_statuses_replayed_late_never_go_back(self, served,
                                                                                                  logs):
        served.tick()
        url = f"{served.base}/twilio/sms"
        form = sms_form(served, "SM" + "d" * 32, "2")
        with ThreadPoolExecutor(max_workers=min(REPLAYS, 8)) as pool:
            replies = list(pool.map(lambda _: post_signed(url, form, token=served.fake.auth_token, public_url=url),
                                    range(REPLAYS)))
        assert [r.status for r in replies] == [200] * REPLAYS, "Twilio is told each delivery arrived"
        questions = [r.body for r in replies if "<Message>" in r.body]
        assert len(questions) == 1 and "2/9" in questions[0], "one next question, to one of the deliveries"
        assert stored(served) == (1, 1), "one text remembered, one answer recorded"
        later = post_signed(url, form, token=served.fake.auth_token, public_url=url)
        assert later.status == 200 and "<Message>" not in later.body, "a replay long after is ignored too"
        assert served.text("1").count("3/9") == 1, "the conversation goes on from where it was"
        assert stored(served) == (2, 2)

        sid = served.fake.messages[0]["sid"]
        url = f"{served.base}/twilio/status"
        order = ["sent", "delivered", "sent", "queued", "sending", "undelivered", "sent", "delivered"]
        order = order + order[1:] * (REPLAYS // len(order))
        seen = []  # status callbacks replayed late and out of order
        for status in order:
            assert served.fake.fire_status(url, public_url=url, message_sid=sid, status=status, to=PHONE).status == 200
            with served.parts.uow() as uow:
                seen.append(uow.session.scalar(select(OutboxMessage.provider_status).where(
                    OutboxMessage.provider_ref == sid)))
        assert seen[0] == "sent" and set(seen[1:]) == {"delivered"}, seen
        assert_no_phone_in(logs.records, PHONE)

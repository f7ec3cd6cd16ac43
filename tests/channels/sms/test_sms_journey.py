"""The SMS journey over real HTTP: the app served on 127.0.0.1, the real twilio client sending to the fake
Twilio, and signed webhooks fired back at the app — enrol, tick, answer a whole PHQ-9 by text.

Forged, replayed and out-of-order webhooks against this same served app are the drill in
tests/drills/test_forged_and_replayed_twilio_webhooks.py."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from prom_service import create_app
from prom_service.bootstrap import bootstrap
from prom_service.db.migrations import upgrade
from prom_service.db.models import Alert, Answer, Invitation, LifeImproverScore, Patient, Score
from prom_service.scheduler import jobs
from prom_service.services import enrolment, outcome_sets, patients
from prom_service.services.access import SYSTEM
from prom_service.settings import load_settings
from tests.fake_twilio import FakeTwilio

PHONE = "+447700900321"
MOOD_CHECK = """
code: mood_check
name: Mood check
description: One PHQ-9, asked one question per text.
version: 1
published: 2026-11-01
instruments:
  - {id: phq9, sms: conversation}
domains:
  - {name: mood, label: Mood, measure: phq9, worst: 27, best: 0, weight: 1, mid: {value: 5, source: "Löwe 2004"}}
schedule:
  baseline: true
alerts:
  - {rule: phq9_item9_positive, kind: red_flag, measure: phq9.q9, above: 0, severity: urgent}
"""


class Served:
    """The app on a real socket, its parts, and the fake Twilio it sends to."""

    def __init__(self, url: str, tmp_path, fake: FakeTwilio):
        self.server = make_server("127.0.0.1", 0, None, threaded=True)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        settings = load_settings({
            "environment": "test", "database.url": url, "var_dir": str(tmp_path), "secret_key": "k",
            "public_base_url": self.base, "sms.backend": "twilio", "twilio.account_sid": fake.account_sid,
            "twilio.auth_token": fake.auth_token, "twilio.from": "+447700900001", "twilio.api_base": fake.base_url,
            "sending.window_start": "00:00", "sending.window_end": "23:59", "sending.excluded_weekdays": [],
            "sms.max_segments_per_second": 1000.0,
        }, environ={})
        self.parts = bootstrap(settings)
        self.server.app = create_app({"PARTS": self.parts})
        self.fake = fake
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.parts.sms_sender.close()
        self.parts.engine.dispose()

    def text(self, body: str) -> str:
        reply = self.fake.fire_inbound(f"{self.base}/twilio/sms", public_url=f"{self.base}/twilio/sms",
                                       from_=PHONE, body=body)
        assert reply.status == 200
        return reply.body

    def tick(self):
        return jobs.dispatch_invitations(self.parts) + jobs.deliver_sms(self.parts)

    def count(self, model, *where):
        with self.parts.uow() as uow:
            return uow.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def served(fresh_database_url, tmp_path):
    upgrade(fresh_database_url)
    with FakeTwilio() as fake:
        app = Served(fresh_database_url, tmp_path, fake)
        now = datetime.now(timezone.utc)
        outcome_sets.publish_text(app.parts.uow(), MOOD_CHECK, now)
        patient_id = patients.register_patient(app.parts.uow(), SYSTEM, patients.NewPatient("M-1", phone=PHONE), now)
        enrolment.enrol(app.parts.uow(), SYSTEM, patient_id, "mood_check", enrolment.Consent("verbal", "nurse"), now,
                        enrolment.PlanningPolicy(7, 14))
        yield app
        app.stop()


class TestSmsJourney:
    def test_a_whole_phq9_by_text_gives_scores_lis_and_an_urgent_alert(self, served):
        assert served.tick()["sent"] == 1
        first = served.fake.messages[0]
        assert first["to"] == PHONE and "1/9" in first["body"]
        sent_form = served.fake.requests[0].form
        assert sent_form["StatusCallback"].endswith("/twilio/status") and sent_form["ValidityPeriod"]
        replies = [served.text(answer) for answer in ["1", " 2.", "two", "0", "1", "0", "1", "0"]]
        assert all("/9" in reply for reply in replies), replies
        last = served.text("1")
        assert "999" in last and "Thank you" in last, "safety text then thanks"
        assert served.count(Score, Score.instrument == "phq9", Score.scale == "total", Score.value == 8) == 1
        assert served.count(LifeImproverScore, LifeImproverScore.value.is_not(None)) == 1
        assert served.count(Alert, Alert.severity == "urgent", Alert.rule == "phq9_item9_positive") == 1

    def test_an_invalid_reply_is_reasked_kindly_twice_then_the_link_is_sent(self, served):
        served.tick()
        assert "Sorry" in served.text("yes please")
        assert "Sorry" in served.text("maybe")
        assert "/s/" in served.text("dunno")

    def test_stop_mid_questionnaire_stops_every_text_until_start(self, served):
        served.tick()
        served.text("1")
        assert "START" in served.text("STOP")
        assert served.count(Patient, Patient.sms_opted_out_at.is_not(None)) == 1
        assert served.count(Invitation, Invitation.status == "cancelled") == 1
        assert "<Message>" not in served.text("2"), "no question after STOP"
        sent_before = len(served.fake.messages)
        served.tick()
        assert len(served.fake.messages) == sent_before
        assert "STOP" in served.text("START")
        assert served.count(Patient, Patient.sms_opted_out_at.is_not(None)) == 0

    def test_help_answers_with_the_programmes_contact(self, served):
        assert "call your GP practice" in served.text("HELP")

    def test_21610_from_twilio_marks_the_person_opted_out(self, served):
        served.fake.fail_next(PHONE, code=21610)
        assert served.tick()["opted-out"] == 1
        assert served.count(Patient, Patient.sms_opt_out_source == "opted-out") == 1

    def test_a_429_is_retried_later(self, served):
        served.fake.fail_next(None, code=20429, retry_after=0)
        assert served.tick()["rate-limited"] == 1
        assert served.tick()["sent"] == 1

    def test_an_undelivered_landline_fails_the_invitation(self, served):
        served.tick()
        sid = served.fake.messages[0]["sid"]
        url = f"{served.base}/twilio/status"
        served.fake.fire_status(url, public_url=url, message_sid=sid, status="undelivered", to=PHONE, error_code=30006)
        assert served.count(Invitation, Invitation.status == "failed") == 1
        assert served.count(Patient, Patient.phone_is_mobile.is_(False)) == 1


class TestRepliesArrivingTogether:
    def test_different_replies_posted_at_once_answer_consecutive_questions_once_each(self, served):
        """Each reply reads where the person is only once it holds the questionnaire, so none is lost."""
        served.tick()
        with ThreadPoolExecutor(max_workers=5) as pool:
            replies = list(pool.map(served.text, ["0", "1", "0", "1", "0"]))
        asked = sorted(int(re.search(r"(\d)/9", reply).group(1)) for reply in replies)
        assert asked == [2, 3, 4, 5, 6]
        assert served.count(Answer) == 5

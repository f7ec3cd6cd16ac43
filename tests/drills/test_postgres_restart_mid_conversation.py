"""Drill: PostgreSQL restarts while a patient is answering a questionnaire by text.

The failure rehearsed: the database restarts (a failover, a minor upgrade, an OOM kill) under a running
web app whose connection pool holds connections the restart has cut. Twilio does not retry a failed
inbound webhook by default, so what must hold is: the first reply posted after the restart is taken and
the next question comes back (the pool notices dead connections before using them); and a reply that
arrives while the database is down gets a 5xx (and /readyz a 503), so Twilio's log shows the failure
and nothing is silently dropped: it is not stored, and the same text posted again once the database is
back is taken once. The worker side (dispatch, delivery) carries on after the restart too.

It runs on a private cluster started for the drill (never the shared server), on the PostgreSQL pass.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from prom_service.db.migrations import upgrade
from prom_service.db.models import Answer, InboundSms
from prom_service.services import enrolment, outcome_sets, patients
from prom_service.services.access import SYSTEM
from tests.channels.sms.test_sms_journey import MOOD_CHECK, PHONE, Served
from tests.drills.log_lines import assert_no_phone_in
from tests.drills.private_postgres import PostgresBinariesMissing, PrivateCluster
from tests.drills.scale import drill_size
from tests.fake_twilio import FakeTwilio, post_signed

pytestmark = [pytest.mark.drill, pytest.mark.postgres_only]

RESTARTS = drill_size(small=1, full=4)


@pytest.fixture
def cluster(database):
    """A private PostgreSQL; missing binaries skip the drill, except under CI where they fail it."""
    try:
        made = PrivateCluster()
    except PostgresBinariesMissing as missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the PostgreSQL restart drill: {missing}")
        pytest.skip(str(missing))
    try:
        made.start()
        yield made
    finally:
        made.close()


@pytest.fixture
def served(cluster, tmp_path):
    url = cluster.create_database("prom_drill")
    upgrade(url)
    with FakeTwilio() as fake:
        app = Served(url, tmp_path, fake)
        now = datetime.now(timezone.utc)
        outcome_sets.publish_text(app.parts.uow(), MOOD_CHECK, now)
        patient_id = patients.register_patient(app.parts.uow(), SYSTEM, patients.NewPatient("M-1", phone=PHONE), now)
        enrolment.enrol(app.parts.uow(), SYSTEM, patient_id, "mood_check", enrolment.Consent("verbal", "nurse"), now,
                        enrolment.PlanningPolicy(7, 14))
        yield app
        app.stop()


def reply(served, sid: str, body: str):
    url = f"{served.base}/twilio/sms"
    form = {"MessageSid": sid, "AccountSid": served.fake.account_sid, "From": PHONE, "Body": body}
    return post_signed(url, form, token=served.fake.auth_token, public_url=url)


def readiness(served) -> int:
    try:
        with urllib.request.urlopen(f"{served.base}/readyz", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def question_number(twiml: str) -> int:
    found = re.search(r"(\d)/9", twiml)
    assert found, twiml
    return int(found.group(1))


def answers(served) -> int:
    with served.parts.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Answer))


class TestPostgresRestartMidConversation:
    def test_the_next_reply_after_a_restart_is_taken_and_one_during_the_outage_is_refused(self, cluster, served,
                                                                                          caplog):
        caplog.set_level(logging.INFO)
        assert served.tick()["sent"] == 1
        assert question_number(reply(served, "SM" + "1" * 32, "1").body) == 2
        asked = 2
        for round_ in range(RESTARTS):
            cluster.restart()
            after = reply(served, f"SM{round_:02d}" + "a" * 30, "0")
            assert after.status == 200, f"the first reply after restart {round_ + 1} is taken: {after.body[:300]}"
            asked += 1
            assert question_number(after.body) == asked
        assert answers(served) == asked - 1

        cluster.stop()
        during = reply(served, "SM" + "b" * 32, "2")
        not_ready = readiness(served)
        cluster.start()
        assert not_ready == 503, "a load balancer is told to stop sending traffic"
        assert readiness(served) == 200, "and to start again"
        assert during.status >= 500, "Twilio is told the reply was not taken"
        assert PHONE not in during.body and "Traceback" not in during.body
        assert answers(served) == asked - 1, "nothing half-stored"
        with served.parts.uow() as uow:
            assert uow.session.scalar(select(InboundSms.id).where(InboundSms.message_sid == "SM" + "b" * 32)) is None

        again = reply(served, "SM" + "b" * 32, "2")
        assert again.status == 200 and question_number(again.body) == asked + 1, "the same text, posted again, counts"
        assert answers(served) == asked
        assert reply(served, "SM" + "b" * 32, "2").body.count("<Message>") == 0, "and only once"
        assert served.tick() is not None, "the worker's jobs run against the restarted database too"
        assert any("unhandled error" in r.getMessage() for r in caplog.records), "the outage is logged"
        assert_no_phone_in(caplog.records, PHONE)

"""Dispatch, delivery, reminders and expiry on the real database (TECH-NOTES § 2)."""

import dataclasses
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from prom_service.channels.sms.sender import SendFailure
from prom_service.db.models import Alert, CostEvent, Invitation, OutboxMessage, Patient
from prom_service.scheduler import jobs
from prom_service.services import answers, enrolment, invitation_planning, patients
from prom_service.services.access import SYSTEM
from tests.fakes import FakeSmsSender

TUESDAY_NOON = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
TUESDAY_3AM = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def sender(parts):
    fake = FakeSmsSender()
    parts.sms_sender = fake
    parts.__dict__.pop("sms_delivery", None)
    parts.sms_delivery.sleep = lambda seconds: None
    return fake


def enrol_person(parts, community="perinatal_mental_health", phone="07700900123", **extra):
    new = patients.NewPatient(f"X-{phone}-{community}", phone=phone, **extra)
    patient_id = patients.register_patient(parts.uow(), SYSTEM, new, parts.clock.now())
    enrolment.enrol(parts.uow(), SYSTEM, patient_id, community, enrolment.Consent("verbal", "nurse"),
                    parts.clock.now(), enrolment.PlanningPolicy.from_settings(parts.settings))
    return patient_id


def one(parts, model, *where):
    with parts.uow() as uow:
        return uow.session.scalars(select(model).where(*where)).one()


def count(parts, model, *where):
    with parts.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


class TestDispatch:
    def test_a_due_invitation_is_sent_once_with_its_link(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts, community="knee_pain")
        assert jobs.dispatch_invitations(parts) == Counter({"sent:sms-link": 1})
        assert jobs.dispatch_invitations(parts) == Counter()
        assert jobs.deliver_sms(parts) == Counter({"sent": 1})
        to, body, key = sender.sent[0]
        assert to == "+447700900123" and "/s/" in body and key.startswith("invitation:")
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert (invitation.status, invitation.status_reason) == ("sent", "sms:link")

    def test_a_conversation_invitation_starts_with_the_first_question(self, parts, communities, clock, sender):
        from prom_service.services.invitation_messages import Programme, invitation_text
        from prom_service.services.outcome_sets import current_version, outcome_set_of

        with parts.uow() as uow:
            outcome_set = outcome_set_of(current_version(uow, "frail_elderly"))
        mode, body = invitation_text(parts.sms_templates, Programme("Camden Care", "x"), "en", outcome_set,
                                     ["ons4", "eq5d5l"], "L")
        assert mode.value == "conversation", "ONS4 by text first; EQ-5D-5L (licensed) follows online"
        assert "4 short questions" in body and "1/4" in body and "Reply 0" not in body.split("\n")[0]

    def test_at_three_in_the_morning_it_waits_until_eight(self, parts, communities, clock, sender):
        clock.at = TUESDAY_3AM
        patient_id = enrol_person(parts)
        assert jobs.dispatch_invitations(parts) == Counter({"deferred:quiet-hours": 1})
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert invitation.status == "planned" and invitation.due_at == datetime(2026, 11, 24, 8, tzinfo=timezone.utc)

    def test_kind_hours_are_checked_again_when_the_message_is_claimed(self, parts, communities, clock, sender):
        clock.at = datetime(2026, 11, 24, 19, 59, tzinfo=timezone.utc)
        enrol_person(parts)
        jobs.dispatch_invitations(parts)
        clock.at = datetime(2026, 11, 24, 20, 1, tzinfo=timezone.utc)
        assert jobs.deliver_sms(parts) == Counter({"quiet-hours": 1})
        assert sender.sent == []
        message = one(parts, OutboxMessage)
        assert message.state == "pending" and message.due_at == datetime(2026, 11, 25, 8, tzinfo=timezone.utc)

    def test_a_person_who_cannot_get_texts_becomes_a_care_team_task(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts, phone="020 7946 0000", preferred_channel="web")
        assert jobs.dispatch_invitations(parts) == Counter({"care-team:landline": 1})
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert invitation.channel == "care_team" and invitation.status_reason == "care-team:landline"
        assert one(parts, Alert, Alert.patient_id == patient_id).rule == "contact_needed"


class TestDelivery:
    def queued(self, parts, clock):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts)
        jobs.dispatch_invitations(parts)
        return patient_id

    def test_a_sent_text_is_recorded_with_its_cost(self, parts, communities, clock, sender):
        patient_id = self.queued(parts, clock)
        jobs.deliver_sms(parts)
        message = one(parts, OutboxMessage)
        assert message.state == "sent" and message.provider_ref.startswith("SM")
        cost = one(parts, CostEvent, CostEvent.patient_id == patient_id)
        assert cost.activity == "sms_segment" and cost.source_id == message.provider_ref

    def test_twilio_21610_marks_the_person_opted_out_and_cancels(self, parts, communities, clock, sender):
        patient_id = self.queued(parts, clock)
        sender.fail_next(SendFailure(21610, "opted_out", "twilio-21610"))
        assert jobs.deliver_sms(parts) == Counter({"opted-out": 1})
        assert one(parts, Patient, Patient.id == patient_id).sms_opt_out_source == "twilio-21610"
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert (invitation.status, invitation.status_reason) == ("cancelled", "opted-out")

    def test_a_429_is_retried_later_without_using_an_attempt(self, parts, communities, clock, sender):
        self.queued(parts, clock)
        sender.fail_next(SendFailure(20429, "rate_limited", "twilio-20429", retry_after=30))
        assert jobs.deliver_sms(parts) == Counter({"rate-limited": 1})
        message = one(parts, OutboxMessage)
        assert message.state == "pending" and message.attempts == 0
        clock.advance(seconds=31)
        assert jobs.deliver_sms(parts) == Counter({"sent": 1})

    def test_transient_failures_back_off_then_land_in_the_dead_letters(self, parts, communities, clock, sender):
        patient_id = self.queued(parts, clock)
        limit = parts.settings["sending.max_attempts"]
        for _ in range(limit):
            sender.fail_next(SendFailure(None, "transient", "connection-error"))
        outcomes = Counter()
        for _ in range(limit):
            outcomes += jobs.deliver_sms(parts)
            clock.advance(minutes=10)
        assert outcomes == Counter({"retry": limit - 1, "dead": 1})
        assert one(parts, OutboxMessage).state == "dead"
        assert one(parts, Invitation, Invitation.patient_id == patient_id).status == "failed"

    def test_a_landline_error_fails_the_invitation_and_tells_the_care_team(self, parts, communities, clock, sender):
        patient_id = self.queued(parts, clock)
        sender.fail_next(SendFailure(21614, "not_mobile", "twilio-21614"))
        assert jobs.deliver_sms(parts) == Counter({"not_mobile": 1})
        assert one(parts, Patient, Patient.id == patient_id).phone_is_mobile is False
        assert one(parts, Alert, Alert.patient_id == patient_id).rule == "contact_needed"

    def test_a_message_whose_lease_expired_is_reclaimed(self, parts, communities, clock, sender):
        from prom_service.services.outbox import DeliveryPolicy, claim

        self.queued(parts, clock)
        with parts.uow() as uow:
            assert len(claim(uow, clock.now(), DeliveryPolicy.from_settings(parts.settings), worker="dead-worker")) == 1
            uow.commit()
        assert jobs.deliver_sms(parts) == Counter()
        clock.advance(seconds=parts.settings["scheduler.lease_seconds"] + 1)
        assert jobs.deliver_sms(parts) == Counter({"sent": 1})


class TestDrainingATick:
    """One tick claims batch after batch while they come back full, so a worker is not held to one batch
    (`claim_batch` texts) per tick whatever the fleet's send rate allows."""

    @pytest.fixture
    def small_batches(self, parts, sender):
        def use(**values):
            parts.settings = dataclasses.replace(parts.settings, values={**parts.settings.values, **values})
            parts.__dict__.pop("sms_delivery", None)
            parts.sms_delivery.sleep = lambda seconds: None
        return use

    def test_one_tick_dispatches_and_sends_every_due_invitation(self, parts, communities, clock, sender,
                                                                 small_batches):
        clock.at = TUESDAY_NOON
        small_batches(**{"scheduler.claim_batch": 2})
        for n in range(5):
            enrol_person(parts, community="knee_pain", phone=f"0770090012{n}")
        assert jobs.dispatch_invitations(parts) == Counter({"sent:sms-link": 5})
        assert jobs.deliver_sms(parts) == Counter({"sent": 5})
        assert len({to for to, _, _ in sender.sent}) == 5

    def test_a_tick_stops_claiming_when_its_time_is_up(self, parts, communities, clock, sender, small_batches):
        clock.at = TUESDAY_NOON
        small_batches(**{"scheduler.claim_batch": 2, "scheduler.drain_share": 0})
        for n in range(5):
            enrol_person(parts, community="knee_pain", phone=f"0770090012{n}")
        assert jobs.dispatch_invitations(parts) == Counter({"sent:sms-link": 2})
        assert count(parts, Invitation, Invitation.status == "planned") == 3


class TestRemindersAndExpiry:
    def test_reminders_go_at_their_offsets_and_stop_at_the_maximum(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts)
        jobs.dispatch_invitations(parts)
        clock.advance(days=2)
        assert jobs.remind(parts) == Counter({"reminded": 1})
        assert jobs.remind(parts) == Counter()
        clock.advance(days=3)
        assert jobs.remind(parts) == Counter({"reminded": 1})
        clock.advance(days=3)
        assert jobs.remind(parts) == Counter()
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert (invitation.status, invitation.reminders_sent) == ("reminded", 2)
        assert count(parts, OutboxMessage) == 3

    def test_a_reminder_carries_the_same_link_as_the_first_text(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        enrol_person(parts, community="knee_pain")
        jobs.dispatch_invitations(parts)
        clock.advance(days=2)
        jobs.remind(parts)
        jobs.deliver_sms(parts)
        links = {body.split()[-4] for _, body, _ in sender.sent}
        assert len(sender.sent) == 2 and len(links) == 1

    def test_completing_the_questionnaire_stops_reminders(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts)
        jobs.dispatch_invitations(parts)
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        body = {**{f"phq9.q{i}": 0 for i in range(1, 10)}, **{f"gad7.q{i}": 0 for i in range(1, 8)},
                **{f"swemwbs.q{i}": 4 for i in range(1, 8)}}
        answers.submit_response(parts.uow(), SYSTEM, invitation.id, body, "web", clock.now())
        clock.advance(days=3)
        assert jobs.remind(parts) == Counter()

    def test_unanswered_invitations_expire_and_raise_the_non_response_alert(self, parts, communities, clock, sender):
        clock.at = TUESDAY_NOON
        patient_id = enrol_person(parts)
        jobs.dispatch_invitations(parts)
        clock.advance(days=parts.settings["invitations.expire_after_days"] + 1)
        assert jobs.expire(parts) == Counter({"expired": 1, "alert:non_response": 1})
        assert one(parts, Invitation, Invitation.patient_id == patient_id).status == "expired"
        assert one(parts, Alert, Alert.patient_id == patient_id).severity == "low"


class TestPlanning:
    def test_planning_twice_creates_nothing_new(self, parts, communities, clock, sender):
        enrol_person(parts, community="heart_failure")
        clock.advance(days=45)
        with parts.uow() as uow:
            first = invitation_planning.plan_all(uow, clock.now(), horizon_days=7, expire_after_days=14)
            second = invitation_planning.plan_all(uow, clock.now(), horizon_days=7, expire_after_days=14)
            uow.commit()
        assert (first, second) == (1, 0)
        assert count(parts, Invitation) == 2


class TestItemLevelRedFlag:
    def test_an_item9_answer_raises_the_urgent_alert_before_the_questionnaire_ends(self, parts, communities, clock):
        patient_id = enrol_person(parts)
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        progress = answers.record_answer(parts.uow(), invitation.id, "phq9", "q9", 2, "sms", clock.now())
        assert progress.red_flag and progress.next_item is not None
        alert = one(parts, Alert, Alert.patient_id == patient_id)
        assert (alert.rule, alert.severity, alert.status) == ("phq9_item9_positive", "urgent", "open")

    def test_an_item9_answer_of_zero_raises_nothing(self, parts, communities, clock):
        patient_id = enrol_person(parts)
        invitation = one(parts, Invitation, Invitation.patient_id == patient_id)
        assert not answers.record_answer(parts.uow(), invitation.id, "phq9", "q9", 0, "sms", clock.now()).red_flag
        assert count(parts, Alert, Alert.patient_id == patient_id) == 0

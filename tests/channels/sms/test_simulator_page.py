"""/simulator: a newcomer sees the SMS journey without Twilio, through the same signed inbound path."""

from datetime import date, datetime, timezone

from sqlalchemy import select

from prom_service.db.models import InboundSms, Patient
from prom_service.scheduler import jobs
from prom_service.services import enrolment, patients
from prom_service.services.access import SYSTEM

PHONE = "+447700900555"


def enrolled(parts, community="knee_pain"):
    parts.clock.at = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    patient_id = patients.register_patient(parts.uow(), SYSTEM, patients.NewPatient(
        "S-1", phone=PHONE, display_name="Sim Person", date_of_birth=date(1950, 2, 1)), parts.clock.now())
    enrolment.enrol(parts.uow(), SYSTEM, patient_id, community, enrolment.Consent("verbal", "n"),
                    parts.clock.now(), enrolment.PlanningPolicy(7, 14))
    jobs.dispatch_invitations(parts)
    jobs.deliver_sms(parts)
    return patient_id


class TestSimulatorPage:
    def test_the_page_shows_each_patients_texts_with_a_clickable_link(self, client, parts, communities):
        enrolled(parts)
        page = client.get(f"/simulator?phone=%2B447700900555").get_data(as_text=True)
        assert "Sim Person" in page and '<a href="http://127.0.0.1:5000/s/' in page
        assert "born 01/02/1950" in page, "the date the link's identity check asks for"

    def test_a_reply_goes_through_the_signed_inbound_webhook(self, client, parts, communities):
        patient_id = enrolled(parts)
        response = client.post("/simulator/reply", data={"phone": PHONE, "body": "STOP"})
        assert response.status_code == 302
        with parts.uow() as uow:
            assert uow.session.get(Patient, patient_id).sms_opt_out_source == "sms-keyword"
            assert uow.session.scalar(select(InboundSms.outcome)) == "opt_out"
        page = client.get(f"/simulator?phone=%2B447700900555").get_data(as_text=True)
        assert "START" in page, "the STOP confirmation is shown as the next text"

    def test_a_conversation_can_be_played_by_hand(self, client, parts, communities):
        enrolled(parts, "perinatal_mental_health")
        first = client.get("/simulator?phone=%2B447700900555").get_data(as_text=True)
        assert "1/16" in first, "PHQ-9 and GAD-7 by text, SWEMWBS (licensed) online"
        client.post("/simulator/reply", data={"phone": PHONE, "body": "2"})
        assert "2/16" in client.get("/simulator?phone=%2B447700900555").get_data(as_text=True)

    def test_the_simulator_is_absent_when_twilio_is_the_backend(self, parts, communities):
        from prom_service import create_app
        from prom_service.settings import load_settings

        parts.settings = load_settings({**parts.settings.values, "sms.backend": "twilio", "twilio.account_sid": "AC1",
                                        "twilio.auth_token": "t", "twilio.from": "+447700900001"}, environ={})
        client = create_app({"PARTS": parts}).test_client()
        assert client.get("/simulator").status_code == 404

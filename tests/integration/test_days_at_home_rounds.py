"""The daily days-at-home round: once a day per enrolment that measures it, from real admissions."""

from collections import Counter
from datetime import date

from sqlalchemy import select

from prom_service.db.models import CostEvent, Score
from prom_service.scheduler import jobs
from prom_service.services import enrolment, patients
from prom_service.services.access import SYSTEM


def enrol(parts, community, external_id):
    patient_id = patients.register_patient(parts.uow(), SYSTEM, patients.NewPatient(external_id, phone="07700900777"),
                                           parts.clock.now())
    enrolment.enrol(parts.uow(), SYSTEM, patient_id, community, enrolment.Consent("verbal", "n"), parts.clock.now(),
                    enrolment.PlanningPolicy(7, 14))
    return patient_id


class TestDaysAtHomeRound:
    def test_it_counts_yesterday_once_for_communities_that_measure_time_at_home(self, parts, communities, clock):
        frail = enrol(parts, "frail_elderly", "F-9")
        enrol(parts, "knee_pain", "K-9")
        with parts.uow() as uow:
            uow.session.add(CostEvent(patient_id=frail, activity="emergency_admission", start_date=date(2026, 11, 1),
                                      end_date=date(2026, 11, 11), quantity=10, cost=3000, source_system="t",
                                      source_id="adm-1"))
            uow.commit()
        assert jobs.count_days_at_home(parts) == Counter({"recorded": 1})
        assert jobs.count_days_at_home(parts) == Counter()
        with parts.uow() as uow:
            score = uow.session.scalar(select(Score).where(Score.instrument == "days_at_home"))
        assert score.patient_id == frail and score.value == 80.0, "90 days less 10 nights in hospital"

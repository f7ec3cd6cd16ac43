"""Recording days at home from stored stays as a score that the feed carries like any other."""

from datetime import date

import pytest

from prom_service.db.models import Score
from prom_service.services.days_at_home import record_days_at_home
from prom_service.services.errors import InvalidInput, NotFound
from tests.factories import make_cost_event, make_patient


@pytest.fixture
def patient(parts):
    with parts.uow() as uow:
        person = make_patient(uow.session, date_of_death=date(2026, 3, 28))
        make_cost_event(uow.session, person, "1800", "2026-02-25", activity="emergency_admission", end="2026-03-03")
        make_cost_event(uow.session, person, "450", "2026-03-02", activity="respite_stay", end="2026-03-05")
        make_cost_event(uow.session, person, "42", "2026-03-10")  # a GP appointment is not a stay
        make_cost_event(uow.session, person, "900", "2026-01-01", activity="emergency_admission", end="2026-01-03")
        uow.commit()
    return person


class TestRecordDaysAtHome:
    def test_the_score_counts_days_alive_minus_nights_away_in_the_window(self, parts, patient):
        score = record_days_at_home(parts.uow(), patient.id, date(2026, 3, 31), 31, parts.clock.now())
        # Alive 1–27 March (27 days); away the nights of 1–4 March (admission then overlapping respite).
        assert (score.instrument, score.scale, score.value) == ("days_at_home", "days", 23.0)
        assert score.definition_version == "days_at_home/1"

    def test_the_provenance_names_the_window_and_the_stays_used(self, parts, patient):
        score = record_days_at_home(parts.uow(), patient.id, date(2026, 3, 31), 31, parts.clock.now())
        assert (score.provenance["window_start"], score.provenance["days_alive"]) == ("2026-03-01", 27)
        assert [stay["admitted"] for stay in score.provenance["stays"]] == ["2026-02-25", "2026-03-02"]

    def test_the_score_is_stored_with_the_patients_other_scores(self, parts, patient):
        record_days_at_home(parts.uow(), patient.id, date(2026, 3, 31), 31, parts.clock.now())
        with parts.uow() as uow:
            stored = uow.session.query(Score).filter_by(patient_id=patient.id).one()
        assert stored.value == 23.0 and stored.observed_at.date() == date(2026, 3, 31)

    def test_an_unknown_patient_and_an_empty_window_are_refused(self, parts, patient):
        with pytest.raises(NotFound):
            record_days_at_home(parts.uow(), 999_999, date(2026, 3, 31), 31, parts.clock.now())
        with pytest.raises(InvalidInput):
            record_days_at_home(parts.uow(), patient.id, date(2026, 3, 31), 0, parts.clock.now())

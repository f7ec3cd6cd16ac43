"""`prom demo synth`: a synthetic population written in bulk reads like a lived one.

Each test class synthesises into its own empty database (real commits, COPY on PostgreSQL), then
checks what the app and the rules make of it: counts and keys, scores equal to re-scoring the stored
answers, feed payloads as the live path writes them, fictional identities, the same data for a seed,
and the caseload, patient page, feed and FHIR over it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

import scoring
from prom_service.bootstrap import bootstrap
from prom_service.db.engine import build_engine
from prom_service.db.migrations import upgrade
from prom_service.db.models import (
    Answer, Enrolment, FeedEvent, Invitation, LifeImproverScore, Patient, Response, Score, Team,
)
from prom_service.domain.patient_identity import check_nhs_number
from prom_service.feeds import feed
from prom_service.services.access import SYSTEM
from prom_service.services.errors import Conflict
from prom_service.services.segments import segment_scheme
from prom_service.services.synthetic_population import synthesise
from prom_service.services.value_report import value_report
from prom_service.settings import load_settings
from tests.fakes import FakeClock
from tests.integration.test_cli import prom
from tests.integration.test_enrolment_summaries import figures_from_the_rows, figures_of

PEOPLE = 200
PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)


def synthetic_parts(url: str, tmp_path):
    upgrade(url)
    settings = load_settings({"environment": "test", "database.url": url, "var_dir": str(tmp_path / "var"),
                              "secret_key": "test-secret-key", "demo.password": PASSWORD,
                              "synth.team_patients": 150, "synth.chunk_patients": 60}, environ={})
    return bootstrap(settings, engine=build_engine(url), clock=FakeClock(NOW))


@pytest.fixture(scope="module")
def synthetic(database, tmp_path_factory):
    """200 people over two years, in chunks of 60 (so several transactions and two teams)."""
    parts = synthetic_parts(database.new_empty_database(), tmp_path_factory.mktemp("synth"))
    written = []
    summary = synthesise(parts, PEOPLE, 2, seed=7, progress=written.append)
    yield parts, summary, written
    parts.engine.dispose()


def scalar(parts, statement):
    with parts.engine.connect() as connection:
        return connection.execute(statement).scalar()


def rows(parts, statement):
    with parts.engine.connect() as connection:
        return connection.execute(statement).all()


class TestPopulation:
    def test_counts_add_up_and_progress_covers_everyone(self, synthetic):
        parts, summary, written = synthetic
        assert sum(written) == PEOPLE and len(written) == 4
        assert scalar(parts, select(func.count()).select_from(Patient)) == PEOPLE == summary.rows["patients"]
        assert scalar(parts, select(func.count()).select_from(Enrolment)) == PEOPLE
        for model, table in ((Score, "scores"), (Answer, "answers"), (Invitation, "invitations")):
            assert scalar(parts, select(func.count()).select_from(model)) == summary.rows[table] > 0
        assert summary.scores / PEOPLE > 10
        assert scalar(parts, select(func.count()).select_from(FeedEvent)) == summary.rows["scores"] + summary.rows[
            "life_improver_scores"]
        assert {code for (code,) in rows(parts, select(Team.code))} >= {"synth_team_0001", "synth_team_0002"}

    def test_every_key_names_a_row_that_exists(self, synthetic):
        parts, _, _ = synthetic
        orphans = {
            "answers": "SELECT count(*) FROM answers a LEFT JOIN responses r ON r.id = a.response_id WHERE r.id IS NULL",
            "responses": "SELECT count(*) FROM responses r LEFT JOIN invitations i ON i.id = r.invitation_id "
                         "WHERE i.id IS NULL OR i.patient_id <> r.patient_id",
            "scores": "SELECT count(*) FROM scores s LEFT JOIN enrolments e ON e.id = s.enrolment_id "
                      "WHERE e.id IS NULL OR e.patient_id <> s.patient_id",
            "feed": "SELECT count(*) FROM feed_events f LEFT JOIN scores s ON s.id = f.ref_id AND f.kind = 'score' "
                    "LEFT JOIN life_improver_scores l ON l.id = f.ref_id AND f.kind = 'lis' "
                    "WHERE coalesce(s.patient_id, l.patient_id) IS DISTINCT FROM f.patient_id",
            "costs": "SELECT count(*) FROM cost_events c LEFT JOIN patients p ON p.id = c.patient_id WHERE p.id IS NULL",
            "areas": "SELECT count(*) FROM patients p LEFT JOIN deprivation_deciles d ON d.lsoa = p.lsoa "
                     "WHERE d.lsoa IS NULL",
        }
        assert {name: scalar(parts, text(sql)) for name, sql in orphans.items()} == dict.fromkeys(orphans, 0)
        if parts.engine.dialect.name == "sqlite":
            assert rows(parts, text("PRAGMA foreign_key_check")) == []

    def test_scores_equal_rescoring_the_stored_answers(self, synthetic):
        parts, _, _ = synthetic
        answers: dict[int, dict] = {}
        for response_id, item_id, value in rows(parts, select(Answer.response_id, Answer.item_id, Answer.value)):
            answers.setdefault(response_id, {})[item_id] = value
        instrument_of = dict(rows(parts, select(Response.id, Response.instrument)))
        stored = rows(parts, select(Score.response_id, Score.scale, Score.value, Score.value_text, Score.provenance)
                      .where(Score.response_id.is_not(None)))
        assert len(stored) > 1000
        for response_id, scale, value, value_text, provenance in stored:
            instrument = instrument_of[response_id]
            options = {"value_set": provenance["value_set"]} if provenance["value_set"] else {}
            expected = scoring.score(instrument, answers[response_id], **options).scales.get(scale)
            assert (value_text if isinstance(expected, str) else value) == (
                None if expected is None else expected if isinstance(expected, str) else pytest.approx(float(expected)))

    def test_feed_payloads_are_what_the_live_path_publishes(self, synthetic):
        parts, _, _ = synthetic
        with parts.uow() as uow:
            events = uow.session.scalars(select(FeedEvent).order_by(FeedEvent.txid, FeedEvent.id).limit(400)).all()
            assert {event.kind for event in events} == {"score", "lis"}
            for event in events:
                if event.kind == "score":
                    expected = feed.score_payload(uow.session.get(Score, event.ref_id))
                else:
                    expected = feed._lis_payload(uow.session, uow.session.get(LifeImproverScore, event.ref_id))
                assert event.payload == expected

    def test_trajectories_both_improve_and_deteriorate(self, synthetic):
        parts, _, _ = synthetic
        lis = rows(parts, select(LifeImproverScore.enrolment_id, LifeImproverScore.value)
                   .where(LifeImproverScore.value.is_not(None)).order_by(LifeImproverScore.observed_at))
        series: dict[int, list[float]] = {}
        for enrolment_id, value in lis:
            series.setdefault(enrolment_id, []).append(value)
        changes = [values[-1] - values[0] for values in series.values() if len(values) > 2]
        assert any(change > 5 for change in changes) and any(change < -5 for change in changes)

    def test_identities_are_fictional(self, synthetic):
        parts, _, _ = synthetic
        people = rows(parts, select(Patient.nhs_number, Patient.phone_e164, Patient.lsoa))
        assert all(check_nhs_number(nhs) == nhs and nhs.startswith("999") for nhs, _, _ in people)
        assert all(re.fullmatch(r"\+447700900\d{3}", phone) for _, phone, _ in people)
        assert all(lsoa.startswith("E019") for _, _, lsoa in people)
        assert len({nhs for nhs, _, _ in people}) == PEOPLE

    def test_costs_are_priced_from_the_tariff(self, synthetic):
        parts, _, _ = synthetic
        priced = rows(parts, text("SELECT quantity, unit_cost, cost, tariff, activity FROM cost_events "
                                  "WHERE tariff IS NOT NULL"))
        assert {row.activity for row in priced} >= {"gp_appointment", "emergency_admission"}
        assert all(row.cost == row.quantity * row.unit_cost for row in priced)

    def test_cost_summaries_hold_every_synthetic_cost(self, synthetic):
        parts, _, _ = synthetic
        assert scalar(parts, text("SELECT count(*) FROM enrolment_costs")) > PEOPLE / 2
        assert scalar(parts, text("SELECT count(*) FROM patient_lookback_costs")) > PEOPLE / 2
        in_summaries = scalar(parts, text("SELECT sum(cost) FROM enrolment_costs"))
        since_joining = scalar(parts, text("SELECT sum(c.cost) FROM cost_events c JOIN enrolments e "
                                           "ON e.patient_id = c.patient_id AND c.start_date >= date(e.enrolled_at)"))
        assert in_summaries == since_joining

    def test_the_value_report_through_the_summaries_equals_the_rows_counted_by_hand(self, synthetic):
        """COPY bypasses the ORM hooks: the load builds the enrolment summaries itself."""
        parts, _, _ = synthetic
        for day in (NOW.date() - timedelta(days=200), NOW.date()):
            found = value_report(parts.uow(), SYSTEM, segment_scheme(parts.settings), day)
            assert figures_of(found) == figures_from_the_rows(parts, day)
        assert scalar(parts, text("SELECT count(*) FROM enrolment_summaries")) == \
            scalar(parts, text("SELECT count(*) FROM enrolments"))

    def test_sequences_carry_on_after_the_load(self, synthetic):
        parts, _, _ = synthetic
        from prom_service.services import patients
        from prom_service.services.access import SYSTEM

        new_id = patients.register_patient(parts.uow(), SYSTEM, patients.NewPatient("LIVE-1", source="test", preferred_channel="web"), NOW)
        assert new_id > scalar(parts, text("SELECT max(id) FROM patients WHERE source = 'synthetic'"))

    def test_a_populated_database_is_refused_unless_appending(self, synthetic):
        parts, _, _ = synthetic
        with pytest.raises(Conflict, match="--append"):
            synthesise(parts, 5, 1)


class TestTheAppOverIt:
    def test_caseload_patient_page_feed_and_fhir_work(self, synthetic):
        from prom_service import create_app
        from prom_service.services import api_clients
        from tests.workspace.conftest import sign_in

        parts, summary, _ = synthetic
        client = create_app({"PARTS": parts, "TESTING": True}).test_client()
        assert sign_in(client, summary.user_email, PASSWORD).status_code == 302
        caseload = client.get("/team/")
        assert caseload.status_code == 200
        patient_id = int(re.search(r'/team/patients/(\d+)', caseload.get_data(as_text=True)).group(1))
        assert client.get(f"/team/patients/{patient_id}").status_code == 200
        key = api_clients.create_api_key(parts.uow(), "reader", ("read:scores",), NOW, "synth_team_0001").key
        headers = {"Authorization": f"Bearer {key}"}
        page = client.get("/api/v1/feed/scores?limit=50", headers=headers)
        assert page.status_code == 200 and len(page.json["items"]) == 50
        assert all(item["patient_id"] <= 150 for item in page.json["items"])
        observations = client.get(f"/fhir/Observation?patient={patient_id}", headers=headers)
        assert observations.status_code == 200 and observations.json["resourceType"] == "Bundle"


class TestDeterminism:
    def test_the_same_seed_gives_the_same_people_and_another_seed_does_not(self, database, tmp_path):
        def population(seed: int, name: str):
            parts = synthetic_parts(database.new_empty_database(), tmp_path / name)
            synthesise(parts, 30, 1, seed=seed)
            with parts.engine.connect() as connection:
                found = {table: connection.execute(text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
                         for table, columns in (("patients", "id, nhs_number, display_name, date_of_birth, lsoa"),
                                                ("answers", "id, response_id, item_id, value"),
                                                ("scores", "id, instrument, scale, value"),
                                                ("cost_events", "id, activity, start_date, cost"))}
            parts.engine.dispose()
            return found

        first, again, other = population(3, "a"), population(3, "b"), population(4, "c")
        assert first == again
        assert first["patients"] != other["patients"]


class TestCommand:
    def test_prom_demo_synth_loads_and_reports(self, fresh_database_url, tmp_path):
        assert prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path).returncode == 0
        made = prom("demo", "synth", "--patients", "25", "--years", "1", url=fresh_database_url, cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        assert "patients: 25" in made.stdout and "care-team user: synth@example.org  password:" in made.stdout
        again = prom("demo", "synth", "--patients", "5", url=fresh_database_url, cwd=tmp_path)
        assert again.returncode == 1 and "--append" in again.stderr
        more = prom("demo", "synth", "--patients", "5", "--append", url=fresh_database_url, cwd=tmp_path)
        assert more.returncode == 0 and "patients: 5" in more.stdout and "(already existed)" in more.stdout

"""FHIR Bulk Data $export: kick-off, progress, manifest, NDJSON files, filters, access, cancel, resumption."""

import dataclasses
import json
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from prom_service.db.models import AuditEvent, ExportJob, Score
from prom_service.feeds import bulk_export
from prom_service.feeds.bulk_export import ExportPolicy
from prom_service.feeds.bulk_export_sources import SOURCES, Scope
from prom_service.bootstrap import bootstrap
from prom_service.db.engine import build_engine
from prom_service.db.migrations import upgrade
from prom_service.db.models import Patient
from prom_service.services import api_clients, export_jobs
from prom_service.services.access import Actor
from prom_service.services.export_jobs import ExportRequest
from tests.feeds.fhir_checks import valid
from tests.feeds.test_fhir import FRAIL, PERINATAL, assess, fhir_get, store_promis

ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


class WorkerDied(BaseException):
    """Stands for the process being killed mid-export: nothing in the export may catch it."""


@pytest.fixture
def headers(issue_key, communities):
    return issue_key("write:patients", "read:scores", "write:responses")


def kick_off(client, headers, query="", path="/fhir/$export"):
    response = client.get(path + query, headers=headers | ASYNC)
    assert response.status_code == 202, response.get_data(as_text=True)
    return urlsplit(response.headers["Content-Location"]).path


def manifest_of(client, headers, status_path):
    response = client.get(status_path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def download(client, headers, manifest):
    """Every file of the manifest: resource type → parsed lines; each line checked and counted."""
    files = {}
    for entry in manifest["output"]:
        with client.get(urlsplit(entry["url"]).path, headers=headers) as response:
            assert response.status_code == 200 and response.mimetype == "application/fhir+ndjson"
            lines = response.get_data(as_text=True).splitlines()
        assert len(lines) == entry["count"]
        files[entry["type"]] = [valid(json.loads(line)) for line in lines]
        assert {r["resourceType"] for r in files[entry["type"]]} == {entry["type"]}
    return files


def run_worker(parts, **kw):
    return bulk_export.run_due(parts, **kw)


def batches(parts, source, scope, until, size):
    """Every batch a source reads after id 0: (last id, line count, lines), read as an export reads them."""
    read, after = [], 0
    with parts.uow() as uow:
        while (batch := source.read(uow.session, scope, after, until, size)) is not None:
            read.append((batch.last_id, batch.count, batch.ndjson))
            after = batch.last_id
    return read


def exported_ids(files, kind):
    return sorted(r["id"] for r in files.get(kind, []))


class TestExport:
    def test_kick_off_progress_manifest_and_files_that_match_the_single_resource_reads(self, client, headers, parts):
        first = assess(client, headers, "perinatal_mental_health", PERINATAL, external_id="P-1")
        store_promis(parts, first)
        assess(client, headers, "frail_elderly", FRAIL, external_id="P-2")
        status = kick_off(client, headers)
        queued = client.get(status, headers=headers)
        assert queued.status_code == 202 and queued.headers["X-Progress"] == "queued"
        assert int(queued.headers["Retry-After"]) > 0

        seen = []

        def poll_while_running(kind, written, total):
            polled = client.get(status, headers=headers)
            seen.append((polled.status_code, polled.headers.get("X-Progress")))

        job_id = int(status.rsplit("/", 1)[1])
        result = bulk_export.run_export(parts, job_id, poll_while_running, policy=ExportPolicy(batch_size=3))
        assert result.state == "completed"
        observations = result.counts["Observation"]
        assert (202, f"exporting Observation: 3 of {observations:,}") in seen
        assert all(code == 202 for code, _ in seen)

        manifest = manifest_of(client, headers, status)
        assert manifest["requiresAccessToken"] is True and manifest["error"] == []
        assert manifest["request"].endswith("/fhir/$export") and manifest["transactionTime"].endswith("Z")
        assert [e["type"] for e in manifest["output"]] == ["Patient", "Observation", "QuestionnaireResponse"]
        files = download(client, headers, manifest)
        for kind, resources in files.items():
            for resource in resources:
                assert resource == fhir_get(client, headers, f"/fhir/{kind}/{resource['id']}")
        search = fhir_get(client, headers, "/fhir/Observation?_count=500")
        assert exported_ids(files, "Observation") == sorted(e["resource"]["id"] for e in search["entry"])
        assert any(r["id"].startswith("lis-") for r in files["Observation"])
        assert any("component" in r for r in files["Observation"])

    def test_patient_level_export_and_the_scheduler_tick(self, client, headers, parts):
        assess(client, headers, "perinatal_mental_health", PERINATAL)
        status = kick_off(client, headers, path="/fhir/Patient/$export")
        assert run_worker(parts) == {"completed": 1}
        manifest = manifest_of(client, headers, status)
        assert manifest["request"].endswith("/fhir/Patient/$export")
        assert len(download(client, headers, manifest)["Patient"]) == 1

    def test_type_and_since_filter(self, client, headers, parts, clock):
        earlier = assess(client, headers, "perinatal_mental_health", PERINATAL, external_id="P-1")
        between = clock.advance(hours=1)
        clock.advance(minutes=1)
        later = assess(client, headers, "perinatal_mental_health", PERINATAL, external_id="P-2")
        since = quote(between.isoformat().replace("+00:00", "Z"))
        status = kick_off(client, headers, f"?_type=Observation,QuestionnaireResponse&_since={since}")
        run_worker(parts)
        files = download(client, headers, manifest_of(client, headers, status))
        assert set(files) == {"Observation", "QuestionnaireResponse"}
        subjects = {r["subject"]["reference"] for kind in files.values() for r in kind}
        assert subjects == {f"Patient/{later}"} and f"Patient/{earlier}" not in subjects

        only_patients = kick_off(client, headers, "?_type=Patient")
        run_worker(parts)
        assert [e["type"] for e in manifest_of(client, headers, only_patients)["output"]] == ["Patient"]

    def test_scales_outside_the_batch_or_before_since_still_ride_along_as_components(self, client, headers, parts,
                                                                                      clock):
        """A batch reads only the sibling scales it lacks: those beyond its edges (batches of one) and
        those `_since` leaves out of the export; each line must still equal the single-resource read."""
        patient_id = assess(client, headers, "perinatal_mental_health", PERINATAL)
        store_promis(parts, patient_id)
        since = clock.advance(hours=1)
        with parts.uow() as uow:  # the PROMIS scales other than the primary one now predate _since
            promis = uow.session.scalars(select(Score).where(Score.instrument == "promis_global10")).all()
            for score in promis:
                score.created_at = since + (timedelta(minutes=1) if score.scale == "gph_t" else -timedelta(minutes=1))
            uow.commit()
        status = kick_off(client, headers, f"?_type=Observation&_since={quote(since.isoformat())}")
        bulk_export.run_export(parts, int(status.rsplit("/", 1)[1]), policy=ExportPolicy(batch_size=1))
        exported = download(client, headers, manifest_of(client, headers, status))["Observation"]
        [line] = [resource for resource in exported if resource["id"].startswith("score-")]
        assert len(line["component"]) == len(promis) - 1
        assert line == fhir_get(client, headers, f"/fhir/Observation/{line['id']}")

        everything = kick_off(client, headers, "?_type=Observation")
        bulk_export.run_export(parts, int(everything.rsplit("/", 1)[1]), policy=ExportPolicy(batch_size=1))
        lines = download(client, headers, manifest_of(client, headers, everything))["Observation"]
        assert sum("component" in resource for resource in lines) >= 2
        for resource in lines:
            assert resource == fhir_get(client, headers, f"/fhir/Observation/{resource['id']}")

    @pytest.mark.parametrize("batch", [1, 2, 3, 1000])
    def test_since_batches_read_ids_first_yet_hold_what_a_plain_scan_holds(self, client, headers, parts, clock,
                                                                             batch):
        """With `_since` the scores of a batch are found by id first (the (id, created_at) index); the
        batches, their edges and their lines must be those of a plain scan, created_at interleaving ids."""
        assess(client, headers, "perinatal_mental_health", PERINATAL, external_id="P-1")
        assess(client, headers, "frail_elderly", FRAIL, external_id="P-2")
        since = clock.advance(hours=1)
        with parts.uow() as uow:  # every other score predates _since
            scores = uow.session.scalars(select(Score).order_by(Score.id)).all()
            for n, score in enumerate(scores):
                score.created_at = since + timedelta(minutes=1 if n % 2 else -1)
            uow.commit()
        kept = [score.id for n, score in enumerate(scores) if n % 2]
        shaped = SOURCES["Observation"][0]
        assert shaped.ids_by_created_at
        plain = dataclasses.replace(shaped, ids_by_created_at=False)
        scope = Scope(Actor("api_client", "1", None, frozenset({"read:scores"})), since)
        until = max(score.id for score in scores)
        assert batches(parts, shaped, scope, until, batch) == batches(parts, plain, scope, until, batch)
        assert [last for last, _, _ in batches(parts, shaped, scope, until, batch)] == kept[batch - 1::batch] + (
            [kept[-1]] if len(kept) % batch else [])
        later = Scope(scope.actor, since + timedelta(hours=1))
        assert batches(parts, shaped, later, until, batch) == []

    def test_an_export_with_nothing_to_export_has_an_empty_output(self, client, headers, parts, clock):
        since = quote(clock.advance(days=1).isoformat())
        status = kick_off(client, headers, f"?_since={since}")
        run_worker(parts)
        assert manifest_of(client, headers, status)["output"] == []

    @pytest.mark.parametrize(("query", "extra", "named"), [
        ("?_type=Encounter", {}, "Encounter"),
        ("?_type=Observation,Condition", {}, "Condition"),
        ("?_since=yesterday", {}, "_since"),
        ("?_since=2026-11-01", {}, "_since"),
        ("?_since=2026-11-01T00:00:00", {}, "_since"),
        ("?_outputFormat=text/csv", {}, "_outputFormat"),
        ("?_typeFilter=Observation%3Fcode%3Dx", {}, "_typeFilter"),
        ("", {"Prefer": "respond-sync"}, "Prefer"),
        ("", {"Accept": "text/html"}, "Accept"),
    ])
    def test_bad_parameters_are_a_400_operation_outcome_naming_them(self, client, headers, query, extra, named):
        response = client.get("/fhir/$export" + query, headers=headers | ASYNC | extra)
        assert response.status_code == 400 and response.mimetype == "application/fhir+json"
        issue = valid(response.json)["issue"][0]
        assert issue["code"] == "invalid" and named in issue["diagnostics"]

    def test_without_a_key_the_kick_off_is_a_401(self, client):
        assert client.get("/fhir/$export", headers=ASYNC).status_code == 401


class TestAccess:
    def test_another_client_can_read_neither_the_job_nor_its_files(self, client, headers, parts, issue_key):
        assess(client, headers, "perinatal_mental_health", PERINATAL)
        status = kick_off(client, headers)
        run_worker(parts)
        file_path = urlsplit(manifest_of(client, headers, status)["output"][0]["url"]).path
        other = issue_key("read:scores")
        for response in (client.get(status, headers=other), client.get(file_path, headers=other),
                         client.delete(status, headers=other)):
            assert response.status_code == 404 and response.json["resourceType"] == "OperationOutcome"
        assert client.get(file_path).status_code == 401
        with client.get(file_path, headers=headers) as mine:
            assert mine.status_code == 200

    def test_a_team_key_exports_only_its_teams_patients(self, client, parts, issue_key, communities):
        north = issue_key("write:patients", "read:scores", "write:responses", team="north")
        south = issue_key("write:patients", "read:scores", "write:responses", team="south")
        north_patient = assess(client, north, "perinatal_mental_health", PERINATAL, external_id="N-1")
        south_patient = assess(client, south, "perinatal_mental_health", PERINATAL, external_id="S-1")
        status = kick_off(client, south)
        run_worker(parts)
        files = download(client, south, manifest_of(client, south, status))
        assert exported_ids(files, "Patient") == [str(south_patient)]
        subjects = {r["subject"]["reference"] for kind in ("Observation", "QuestionnaireResponse") for r in files[kind]}
        assert subjects == {f"Patient/{south_patient}"} and f"Patient/{north_patient}" not in subjects

    def test_every_export_is_audited(self, client, headers, parts):
        assess(client, headers, "perinatal_mental_health", PERINATAL)
        status = kick_off(client, headers, "?_type=Patient")
        run_worker(parts)
        manifest_of(client, headers, status)
        with parts.uow() as uow:
            actions = {e.action: e.detail for e in uow.session.scalars(select(AuditEvent))
                       if "export" in e.action}
        assert actions["fhir:export requested"]["types"] == ["Patient"]
        assert actions["fhir:export written"]["counts"] == {"Patient": 1}
        assert "api:GET /fhir/$export" in actions and "api:GET /fhir/$export-status/<int:job_id>" in actions


class TestCancelAndResume:
    def test_delete_cancels_and_removes_the_files(self, client, headers, parts):
        assess(client, headers, "perinatal_mental_health", PERINATAL)
        status = kick_off(client, headers)
        run_worker(parts)
        job_id = int(status.rsplit("/", 1)[1])
        file_path = urlsplit(manifest_of(client, headers, status)["output"][0]["url"]).path
        folder = bulk_export.job_dir(parts.settings, job_id)
        assert any(folder.iterdir())
        assert client.delete(status, headers=headers).status_code == 202
        assert not folder.exists()
        assert client.get(status, headers=headers).status_code == 404
        assert client.get(file_path, headers=headers).status_code == 404
        assert client.delete(status, headers=headers).status_code == 404

    def test_cancelling_a_running_export_stops_its_worker(self, client, headers, parts):
        assess(client, headers, "perinatal_mental_health", PERINATAL)
        status = kick_off(client, headers)
        job_id = int(status.rsplit("/", 1)[1])

        def cancel_at_first_batch(*_progress):
            assert client.delete(status, headers=headers).status_code == 202

        result = bulk_export.run_export(parts, job_id, cancel_at_first_batch, policy=ExportPolicy(batch_size=1))
        assert result.state == "cancelled"
        assert not bulk_export.job_dir(parts.settings, job_id).exists()

    def test_a_job_whose_worker_died_is_finished_by_the_next_claim(self, client, headers, parts, clock):
        assess(client, headers, "perinatal_mental_health", PERINATAL, external_id="P-1")
        assess(client, headers, "frail_elderly", FRAIL, external_id="P-2")
        status = kick_off(client, headers, "?_type=Observation")
        job_id = int(status.rsplit("/", 1)[1])
        batches = []

        def die_at_the_second_batch(kind, written, total):
            batches.append(written)
            if len(batches) == 2:
                raise WorkerDied

        with pytest.raises(WorkerDied):
            bulk_export.run_export(parts, job_id, die_at_the_second_batch, worker="worker-1",
                                   policy=ExportPolicy(batch_size=2))
        assert client.get(status, headers=headers).headers["X-Progress"].startswith("exporting Observation: 4 of ")
        assert run_worker(parts, worker="worker-2") == {}, "the lease still holds"
        clock.advance(seconds=parts.settings["exports.lease_seconds"] + 1)
        assert run_worker(parts, worker="worker-2") == {"completed": 1}
        files = download(client, headers, manifest_of(client, headers, status))
        ids = [r["id"] for r in files["Observation"]]
        assert len(ids) == len(set(ids)), "no line written twice"
        search = fhir_get(client, headers, "/fhir/Observation?_count=500")
        assert sorted(ids) == sorted(e["resource"]["id"] for e in search["entry"])
        with parts.uow() as uow:
            job = uow.session.get(ExportJob, job_id)
            assert (job.state, job.claimed_by) == ("completed", None)


@pytest.fixture
def own_parts(fresh_database_url, settings, clock):
    """Parts over a database of their own, whose sessions each take a connection of their own."""
    upgrade(fresh_database_url)
    engine = build_engine(fresh_database_url)
    yield bootstrap(settings, engine=engine, session_factory=sessionmaker(bind=engine, expire_on_commit=False),
                    clock=clock)
    engine.dispose()


@pytest.mark.postgres_only
def test_reading_ahead_on_a_second_connection_writes_the_same_lines(own_parts):
    """With `read_ahead` the next batch's rows are read by a thread on its own connection while a batch
    is built; the file must be the one a worker reading in turn writes, batch edges and `_since` included."""
    parts, now = own_parts, own_parts.clock.now()
    with parts.uow() as uow:
        patient = Patient(source="t", external_id="1", created_at=now)
        uow.session.add(patient)
        uow.session.flush()
        uow.session.add_all(Score(patient_id=patient.id, instrument="phq9", scale="total", value=n, flags=[],
                                  definition_version="phq9/1", provenance={}, observed_at=now,
                                  created_at=now + timedelta(minutes=1 if n % 4 else -1)) for n in range(11))
        uow.commit()
    issued = api_clients.create_api_key(parts.uow(), "t", ("read:scores",), now)
    actor = Actor("api_client", str(issued.client_id), None, frozenset({"read:scores"}))
    written = []
    for read_ahead in (False, True):
        request = ExportRequest("system", ("Observation",), now)
        job_id = export_jobs.kick_off(parts.uow(), actor, request, "test", now)
        result = bulk_export.run_export(parts, job_id, policy=ExportPolicy(batch_size=2, read_ahead=read_ahead))
        assert result.state == "completed" and result.counts == {"Observation": 8}
        written.append((bulk_export.job_dir(parts.settings, job_id) / "Observation.ndjson").read_bytes())
    assert written[0] == written[1]

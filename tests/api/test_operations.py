"""Health, readiness, request ids and the problem+json error shape."""

from prom_service import create_app
from prom_service.bootstrap import bootstrap
from prom_service.settings import load_settings


class TestHealth:
    def test_healthz_answers_ok(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json == {"status": "ok"}

    def test_readyz_is_ready_at_the_newest_migration(self, client, database):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json["database"] == database.dialect

    def test_readyz_is_not_ready_on_an_unmigrated_database(self, fresh_database_url, tmp_path):
        settings = load_settings({"environment": "test", "database.url": fresh_database_url,
                                  "var_dir": str(tmp_path)}, environ={})
        parts = bootstrap(settings)
        response = create_app({"PARTS": parts}).test_client().get("/readyz")
        parts.engine.dispose()
        assert response.status_code == 503
        assert response.mimetype == "application/problem+json"
        assert "prom db upgrade" in response.json["detail"]


class TestRequestId:
    def test_a_request_id_is_minted_and_returned(self, client):
        assert len(client.get("/healthz").headers["X-Request-ID"]) == 32

    def test_a_sane_incoming_request_id_is_kept(self, client):
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"


class TestProblems:
    def test_an_unknown_api_path_is_a_problem_document(self, client):
        response = client.get("/api/v1/no-such-thing")
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 404 and response.json["title"] == "Not Found"

    def test_a_wrong_method_keeps_the_allow_header(self, client):
        response = client.post("/healthz")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]
        assert response.mimetype == "application/problem+json"

    def test_the_openapi_document_is_served(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200 and response.json["openapi"].startswith("3.")

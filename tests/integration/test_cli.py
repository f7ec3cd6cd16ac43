"""The `prom` command as an operator runs it: a real process against a real, empty database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROM = [sys.executable, "-c", "from prom_service.cli import main; main()"]


def prom(*args: str, url: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PROM_")}
    environ.update({"PROM_DATABASE_URL": url, "PROM_VAR_DIR": str(cwd / "var"), "PROM_LOG_LEVEL": "WARNING"}, **env)
    return subprocess.run([*PROM, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=120)


class TestCommandLine:
    def test_db_upgrade_then_demo_load_twice_is_idempotent(self, fresh_database_url, tmp_path):
        assert prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path).returncode == 0
        first = prom("demo", "load", url=fresh_database_url, cwd=tmp_path)
        second = prom("demo", "load", url=fresh_database_url, cwd=tmp_path)
        assert first.returncode == 0 and "password:" in first.stdout
        assert second.returncode == 0 and "created" not in second.stdout

    def test_bad_configuration_is_one_clear_line(self, tmp_path):
        result = prom("db", "upgrade", url="nonsense://", cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "prom: configuration error: PROM_DATABASE_URL: unsupported database 'nonsense'; "
            "use sqlite:///path/to/file or postgresql+psycopg://user@host/db"
        ]

    def test_api_key_create_prints_the_key_once_and_rejects_unknown_scopes(self, fresh_database_url, tmp_path):
        prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path)
        made = prom("api-key", "create", "--name", "EHR", "--scopes", "read:scores,write:patients",
                    url=fresh_database_url, cwd=tmp_path)
        assert made.returncode == 0 and "key:       prom_" in made.stdout
        bad = prom("api-key", "create", "--name", "EHR", "--scopes", "read:everything",
                   url=fresh_database_url, cwd=tmp_path)
        assert bad.returncode == 1 and "read:everything" in bad.stderr

    def test_api_key_list_shows_scopes_team_and_revocation_but_never_the_key(self, fresh_database_url, tmp_path):
        prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path)
        prom("user", "create", "--email", "a@example.org", "--name", "A", "--role", "clinician", "--team", "north",
             url=fresh_database_url, cwd=tmp_path)
        ehr = prom("api-key", "create", "--name", "EHR", "--scopes", "read:scores", "--team", "north",
                   url=fresh_database_url, cwd=tmp_path)
        old = prom("api-key", "create", "--name", "Old registry", "--scopes", "admin", url=fresh_database_url, cwd=tmp_path)
        key = ehr.stdout.split("key:")[1].split()[0]
        old_id = old.stdout.split("client id:")[1].split()[0]
        prom("api-key", "revoke", old_id, url=fresh_database_url, cwd=tmp_path)
        listed = prom("api-key", "list", url=fresh_database_url, cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        header, first, second = listed.stdout.splitlines()
        assert header.split() == ["ID", "NAME", "SCOPES", "TEAM", "CREATED", "LAST", "USED", "REVOKED"]
        assert "EHR" in first and "read:scores" in first and "north" in first and "never" in first
        assert "Old registry" in second and "all teams" in second and second.rstrip().endswith("UTC")
        assert key not in listed.stdout and "prom_" not in listed.stdout and key.split("_")[1] not in listed.stdout
        active = prom("api-key", "list", "--active", url=fresh_database_url, cwd=tmp_path)
        assert "EHR" in active.stdout and "Old registry" not in active.stdout

    def test_api_key_list_shows_when_a_key_was_last_used(self, app, client, issue_key):
        headers = issue_key("read:scores")
        assert client.get("/fhir/Observation", headers=headers).status_code == 200
        from prom_service.commands.api_key import api_key

        listed = app.test_cli_runner().invoke(api_key, ["list"])
        assert listed.exit_code == 0, listed.output
        row = listed.output.splitlines()[-1]
        assert "2026-11-23 10:00 UTC" in row.split("read:scores")[1] and "never" not in row

    def test_tick_sends_the_demo_baselines_through_the_simulator(self, fresh_database_url, tmp_path):
        always = {"PROM_SENDING_WINDOW_START": "00:00", "PROM_SENDING_WINDOW_END": "23:59",
                  "PROM_SENDING_EXCLUDED_WEEKDAYS": ""}
        prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path)
        prom("demo", "load", url=fresh_database_url, cwd=tmp_path)
        ticked = prom("tick", url=fresh_database_url, cwd=tmp_path, **always)
        assert ticked.returncode == 0, ticked.stderr
        assert "dispatch: sent:sms-conversation=2, sent:sms-link=1" in ticked.stdout
        assert "deliver_sms: sent=3" in ticked.stdout
        queue = prom("queue", "status", url=fresh_database_url, cwd=tmp_path)
        assert "sms      sent     3" in queue.stdout

    def test_run_serves_health_and_readiness_with_the_scheduler_running(self, fresh_database_url, tmp_path):
        prom("db", "upgrade", url=fresh_database_url, cwd=tmp_path)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PROM_")}
        environ.update(PROM_DATABASE_URL=fresh_database_url, PROM_VAR_DIR=str(tmp_path / "var"))
        server = subprocess.Popen([*PROM, "run", "--port", str(port)], cwd=tmp_path, env=environ,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            status = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                        status = response.status
                        break
                except OSError:
                    time.sleep(0.1)
            assert status == 200
        finally:
            server.terminate()
            server.communicate(timeout=30)

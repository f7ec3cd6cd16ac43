"""Phone numbers, link tokens and API keys never reach the log."""

import io
import json
import logging

import pytest

from prom_service.structured_log import JsonFormatter, configure_logging, scrub

SECRETS = [
    "+447700900123",
    "07700 900123",
    "prom_ab12cd34_Zx9yW8vU7tS6rQ5pO4nM3lK2",
    "Bearer sk_live_abcdef",
]


class TestScrub:
    @pytest.mark.parametrize("secret", SECRETS)
    def test_each_kind_of_secret_is_removed(self, secret):
        assert secret not in scrub(f"sending to {secret} now")

    def test_a_patient_link_token_is_removed_from_a_path(self):
        assert scrub("GET /s/Ab3dEf6hIj9kLm2nOp5qRs8t done") == "GET /s/[token] done"

    def test_ordinary_ids_and_counts_survive(self):
        assert scrub("invitation 12345 sent 3 messages") == "invitation 12345 sent 3 messages"


class TestLogsOfRealRequests:
    def test_nothing_secret_appears_in_the_json_log_of_a_request(self, client):
        stream = io.StringIO()
        configure_logging("INFO", stream)
        try:
            client.get("/s/Ab3dEf6hIj9kLm2nOp5qRs8tUv?phone=%2B447700900123",
                       headers={"Authorization": "Bearer prom_ab12cd34_Zx9yW8vU7tS6rQ5pO4nM3lK2"})
            logging.getLogger("prom_service.test").info("texting +447700900123 with key prom_ab12cd34_Zx9yW8vU7tS6rQ5pO4nM3lK2")
        finally:
            configure_logging("WARNING")
        output = stream.getvalue()
        assert output, "the request was logged"
        for line in output.splitlines():
            json.loads(line)
        assert "447700900123" not in output
        assert "Ab3dEf6hIj9kLm2nOp5qRs8tUv" not in output
        assert "Zx9yW8vU7tS6rQ5pO4nM3lK2" not in output

    def test_each_line_carries_the_request_id(self, client):
        stream = io.StringIO()
        configure_logging("INFO", stream)
        try:
            client.get("/healthz", headers={"X-Request-ID": "req-42"})
        finally:
            configure_logging("WARNING")
        entries = [json.loads(line) for line in stream.getvalue().splitlines()]
        assert any(e["request_id"] == "req-42" and e["message"] == "request" for e in entries)


class TestFormatter:
    def test_exceptions_are_formatted_and_scrubbed(self):
        try:
            raise ValueError("bad number +447700900999")
        except ValueError:
            record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
            import sys
            record.exc_info = sys.exc_info()
        line = JsonFormatter().format(record)
        assert "447700900999" not in line and "ValueError" in json.loads(line)["exception"]

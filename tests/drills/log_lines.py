"""What the drills check in the logs: no phone number, raw or as the JSON line actually written."""

from __future__ import annotations

from prom_service.structured_log import JsonFormatter


def assert_no_phone_in(records, phone: str) -> None:
    """Neither a raw record nor its written line (exception and SQL parameters included) carries `phone`."""
    formatter = JsonFormatter()
    digits = phone.lstrip("+")
    for record in records:
        written = formatter.format(record)
        assert digits not in record.getMessage() and digits not in written, written

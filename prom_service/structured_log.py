"""JSON logs with a request id, scrubbed of phone numbers, link tokens and keys before they are written."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Each pattern is a kind of secret or personal datum that must never reach a log line.
REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"prom_[A-Za-z0-9]{8}_[A-Za-z0-9_\-]{16,}"), "[api-key]"),
    (re.compile(r"(?i)(bearer\s+)\S+"), r"\1[redacted]"),
    (re.compile(r"/s/[A-Za-z0-9_\-]{16,}"), "/s/[token]"),
    (re.compile(r"(?i)((?:token|key|secret|signature|password)=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(?<![\w.])\+\d{10,15}\b"), "[phone]"),
    (re.compile(r"(?<![\w.])(?:\+44\s?|0)7\d{3}\s?\d{3}\s?\d{3}\b"), "[phone]"),
    (re.compile(r"(?<![\w.])(%2B|%2b)\d{10,15}\b"), "[phone]"),
)


def scrub(text: str) -> str:
    """Replace every phone number, token and key in `text`."""
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, default=str))


def configure_logging(level: str = "INFO", stream=None) -> None:
    """Send every logger (ours, werkzeug's, alembic's) through one scrubbing JSON handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_prom", False):
            root.removeHandler(existing)
    handler._prom = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def new_request_id(incoming: str | None) -> str:
    """Keep a caller's X-Request-ID if it is sane, otherwise mint one."""
    if incoming and re.fullmatch(r"[A-Za-z0-9._\-]{1,64}", incoming):
        return incoming
    return uuid.uuid4().hex

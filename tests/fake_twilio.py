"""A fake Twilio on 127.0.0.1 that the real `twilio` client talks to, and signed webhooks fired back.

It speaks the one endpoint we use, `POST /2010-04-01/Accounts/{sid}/Messages.json` (form-encoded, Basic
auth), answers like Twilio does (201 with the message JSON, or an error JSON with a Twilio code), and
records every request so tests can read exactly what the library sent. Program failures with
`fail_next`. `fire_status` and `fire_inbound` post forms to an app signed as Twilio signs them, with the
*public* URL, so the app's proxy-aware check is exercised.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prom_service.channels.sms import segments
from prom_service.channels.sms.signature import SIGNATURE_HEADER, sign
from prom_service.channels.sms.simulator import new_provider_ref
from prom_service.channels.sms.webhook_forms import inbound_form, status_form

MESSAGES_PATH = re.compile(r"/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json")
ERROR_STATUS = {20429: 429, 20500: 500, 20003: 401}
ERROR_TEXT = {
    20003: "Authenticate", 20429: "Too Many Requests", 20500: "An internal server error has occurred",
    21211: "The 'To' number is not a valid phone number.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
    21610: "Attempt to send to unsubscribed recipient", 21614: "'To' number is not a valid mobile number",
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]
    authenticated: bool


@dataclass
class ProgrammedFailure:
    to: str | None
    code: int
    status: int
    remaining: int
    retry_after: float | None = None


@dataclass
class FakeTwilio:
    """Start with `start()` (or `with`); `base_url` is what `PROM_TWILIO_API_BASE` should be."""

    account_sid: str = "AC" + "1" * 32
    auth_token: str = "fake-twilio-auth-token"
    requests: list[RecordedRequest] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    failures: list[ProgrammedFailure] = field(default_factory=list)

    def start(self) -> "FakeTwilio":
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, to: str | None, *, code: int, times: int = 1, status: int | None = None,
                  retry_after: float | None = None) -> None:
        """Answer the next `times` sends to `to` (None: to anyone) with Twilio error `code`."""
        status = status or ERROR_STATUS.get(code, 400)
        self.failures.append(ProgrammedFailure(to, code, status, times, retry_after))

    def answer(self, path: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict, dict]:
        """Record the request and decide the reply: (status, JSON body, extra headers)."""
        match = MESSAGES_PATH.fullmatch(path)
        authenticated = bool(match) and self._authenticated(headers, match["sid"])
        with self._lock:
            self.requests.append(RecordedRequest("POST", path, form, headers, authenticated))
            if not match:
                return 404, _error(20404, 404, "The requested resource was not found"), {}
            if not authenticated:
                return 401, _error(20003, 401), {}
            failure = self._take_failure(form.get("To"))
            if failure:
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                return failure.status, _error(failure.code, failure.status), extra
            message = self._message(form)
            self.messages.append(message)
            return 201, message, {}

    def _authenticated(self, headers: dict[str, str], sid: str) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return sid == self.account_sid and headers.get("Authorization") == f"Basic {expected}"

    def _take_failure(self, to: str | None) -> ProgrammedFailure | None:
        for failure in self.failures:
            if failure.remaining and failure.to in (None, to):
                failure.remaining -= 1
                return failure
        return None

    def _message(self, form: dict[str, str]) -> dict[str, Any]:
        """The Message resource as Twilio returns it on create (a Messaging Service has no sender yet)."""
        sid, now = new_provider_ref(), format_datetime(datetime.now(timezone.utc), usegmt=True)
        service = form.get("MessagingServiceSid")
        return {
            "sid": sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
            "to": form.get("To"), "from": None if service else form.get("From"),
            "messaging_service_sid": service, "body": form.get("Body", ""),
            "status": "accepted" if service else "queued", "direction": "outbound-api",
            "num_segments": "0" if service else str(segments.count(form.get("Body", "")).segments),
            "num_media": "0", "price": None, "price_unit": "GBP", "error_code": None, "error_message": None,
            "date_created": now, "date_updated": now, "date_sent": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
        }

    def fire_status(self, app_url: str, *, public_url: str, message_sid: str, status: str,
                    to: str, error_code: int | None = None) -> "WebhookReply":
        """POST a status callback for `message_sid` to `app_url`, signed for `public_url`."""
        form = status_form(message_sid=message_sid, account_sid=self.account_sid, status=status,
                           from_="+447700900001", to=to, error_code=error_code)
        return post_signed(app_url, form, token=self.auth_token, public_url=public_url)

    def fire_inbound(self, app_url: str, *, public_url: str, from_: str, body: str,
                     to: str = "+447700900001") -> "WebhookReply":
        """POST an incoming text from `from_` to `app_url`, signed for `public_url`."""
        form = inbound_form(message_sid=new_provider_ref(), account_sid=self.account_sid,
                            from_=from_, to=to, body=body)
        return post_signed(app_url, form, token=self.auth_token, public_url=public_url)


def _error(code: int, status: int, message: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message or ERROR_TEXT.get(code, "Error"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as Twilio's API does: the client's pooled connection is reused, not one per text.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for a delayed ACK

        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            form = {key: values[-1] for key, values in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}
            status, body, extra = fake.answer(self.path, form, dict(self.headers.items()))
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **extra}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: the suite's output is for failures."""

    return Handler


@dataclass(frozen=True)
class WebhookReply:
    status: int
    body: str


def post_signed(app_url: str, form: dict[str, str], *, token: str, public_url: str) -> WebhookReply:
    """POST `form` to `app_url` with the X-Twilio-Signature Twilio would compute for `public_url`."""
    request = urllib.request.Request(
        app_url, data=urllib.parse.urlencode(form).encode(), method="POST",
        headers={SIGNATURE_HEADER: sign(public_url, form, token),
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return WebhookReply(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return WebhookReply(error.code, error.read().decode())

"""The Twilio backend: the real `twilio.rest.Client`, pointed wherever `twilio.api_base` says.

Two things the library does not do on its own, done in our HTTP client subclass:
- `PROM_TWILIO_API_BASE` moves *every* request (all Twilio domains) to one scheme and host, which is how
  tests talk to a fake server on 127.0.0.1 with the real client building real requests.
- `I-Twilio-Idempotency-Token`: `MessageList.create()` takes no headers (twilio 9.13, checked in
  rest/api/v2010/account/message/__init__.py), so the header is added here, per call. Twilio documents
  no de-duplication on the Messages API, so this is a courtesy for tracing; duplicates are prevented
  by the outbox, not by the header.
- The environment (proxy variables, CA bundle) is read once, when the sender is built: `requests` would
  otherwise scan all of `os.environ` on every call, about a quarter of the client's CPU per text
  (measured by the dispatch benchmark), and a worker's environment does not change while it runs. The
  connection pool holds as many kept-alive connections as the worker has texts in flight.
The library's own request log names the URL and headers, never the form body, so neither the number
nor the text reaches a log; the auth token travels as Basic auth, which it does not log.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from prom_service.channels.sms import segments
from prom_service.channels.sms.sender import SendFailure, SendResult
from prom_service.channels.sms.twilio_errors import send_failure

IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"
# Handed to the client instead of os.environ, so TWILIO_EDGE / TWILIO_REGION / TWILIO_ACCOUNT_SID never
# rewrite our hosts or credentials. It must not be empty: ClientBase does `environment or os.environ`.
SEALED_ENVIRONMENT = {"PROM_SMS_BACKEND": "twilio"}
DEFAULT_TIMEOUT_S = 10.0
TWILIO_API = "https://api.twilio.com/"


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to `api_base` when set, and adding the idempotency header."""

    def __init__(self, api_base: str | None = None, *, connections: int = 1, **kwargs: Any) -> None:
        self._call = threading.local()
        super().__init__(**kwargs)
        self.api_base = urlsplit(api_base) if api_base else None
        self._settle_session(connections)

    # The library stores each answer on the client and returns it from there (twilio 9.13,
    # http/http_client.py): with several sending threads sharing one client, a thread could return
    # another's answer, i.e. another person's message SID or error. So each thread keeps its own.
    _test_only_last_response = property(lambda self: getattr(self._call, "response", None),
                                        lambda self, value: setattr(self._call, "response", value))
    _test_only_last_request = property(lambda self: getattr(self._call, "request", None),
                                       lambda self, value: setattr(self._call, "request", value))

    def _settle_session(self, connections: int) -> None:
        """Take the proxy for Twilio's host (NO_PROXY honoured) and the CA bundle from the environment now,
        exactly as `requests` would on each call, then stop it reading the environment again."""
        self.proxy.update(get_environ_proxies(self.rebase(TWILIO_API)))
        self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self.session.trust_env = False
        adapter = HTTPAdapter(pool_maxsize=connections)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def rebase(self, url: str) -> str:
        """Keep path and query; take scheme and host from `api_base`."""
        if self.api_base is None:
            return url
        parts = urlsplit(url)
        return urlunsplit((self.api_base.scheme, self.api_base.netloc, parts.path, parts.query, ""))

    @contextmanager
    def idempotency(self, token: str) -> Iterator[None]:
        """Add `I-Twilio-Idempotency-Token: token` to requests made by this thread inside the block."""
        self._call.token = token
        try:
            yield
        finally:
            self._call.token = None

    def last_retry_after(self) -> float | None:
        """Seconds the last answer on this thread asked us to wait (`Retry-After`), if any."""
        return getattr(self._call, "retry_after", None)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        headers = dict(headers or {})
        if getattr(self._call, "token", None):
            headers[IDEMPOTENCY_HEADER] = self._call.token
        response = super().request(method, self.rebase(url), params=params, data=data, headers=headers,
                                   auth=auth, timeout=timeout, allow_redirects=allow_redirects)
        self._call.retry_after = _seconds(response.headers.get("Retry-After") if response.headers else None)
        return response


def _seconds(value: str | None) -> float | None:
    """Read a delta-seconds Retry-After; an HTTP-date form is ignored (the caller backs off anyway)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class TwilioSmsSender:
    """Send through Twilio's Messages API; `sender` is a phone number or a Messaging Service SID ("MG…")."""

    def __init__(self, *, account_sid: str, auth_token: str, sender: str, validity_period_s: int,
                 default_status_callback: str | None = None, api_base: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT_S, connections: int = 1) -> None:
        self.http = RebasedHttpClient(api_base, connections=connections, timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=self.http, environment=SEALED_ENVIRONMENT)
        # The library imports its API modules on first use (~80 ms): done here, or a worker's first text
        # would start late for its slot in the fleet's send schedule and the next ones bunch up behind it.
        self.messages = self.client.messages
        self.sender_field = _sender_field(sender)
        self.validity_period_s = validity_period_s
        self.default_status_callback = default_status_callback

    def send(self, to: str, body: str, *, status_callback: str | None, idempotency_key: str) -> SendResult:
        """Create the message; raise `SendFailure` classified from Twilio's error code."""
        try:
            with self.http.idempotency(idempotency_key):
                message = self.messages.create(
                    to=to, body=body, status_callback=status_callback or self.default_status_callback,
                    validity_period=self.validity_period_s, **self.sender_field,
                )
        except (TwilioRestException, TwilioServiceException) as exc:
            # `from None`: Twilio's message text often quotes the number ("The 'To' number +44… is not …").
            raise send_failure(exc.status, exc.code, self.http.last_retry_after()) from None
        except requests.RequestException:
            raise send_failure(None, None) from None
        return SendResult(message.sid, str(message.status), _segments(message.num_segments, body))

    def close(self) -> None:
        """Close pooled connections (at shutdown, and in tests that must not leak sockets)."""
        if self.http.session is not None:
            self.http.session.close()

    def __repr__(self) -> str:
        return f"<TwilioSmsSender {self.client.account_sid}>"


def _sender_field(sender: str) -> dict[str, str]:
    """A Messaging Service SID goes in MessagingServiceSid (Twilio picks from its pool), a number in From."""
    if sender.startswith("MG"):
        return {"messaging_service_sid": sender}
    return {"from_": sender}


def _segments(reported: str | None, body: str) -> int:
    """Twilio's count when it has one; a Messaging Service reports 0 until a sender is chosen."""
    try:
        count = int(reported or 0)
    except ValueError:
        count = 0
    return count or segments.count(body).segments


"""The webhook edge: is this request really from Twilio (or from our own simulator)?

Twilio signs the URL it called, which is the *public* one. Behind a TLS proxy `request.url` is the
internal URL and every check would fail (twilio-python#751, error 57012), so the URL is rebuilt from
`PROM_PUBLIC_BASE_URL` and the request's path and query. `RequestValidator` tries the URL with and
without the default port itself (twilio-python#392). The simulator signs its forms with the same
function, so simulated messages travel the same inbound code path as real ones.
"""

from __future__ import annotations

from typing import Any, Mapping

from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"


def public_url(public_base_url: str, full_path: str) -> str:
    """The URL Twilio called. Werkzeug's `full_path` ends in "?" when there is no query; Twilio's does not."""
    path = full_path[:-1] if full_path.endswith("?") else full_path
    return public_base_url.rstrip("/") + path


def is_valid(*, token: str, public_base_url: str, full_path: str, form: Mapping[str, Any],
             signature: str | None) -> bool:
    """True when `signature` is Twilio's HMAC of the public URL and the form, under `token`."""
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_url(public_base_url, full_path), _Fields.of(form), signature)


class _Fields(dict):
    """A form's values by field name, with the `getall` the validator asks for first.

    `RequestValidator` reads each field with `getall`, falling back to `getlist` and then to indexing,
    each fallback after an AttributeError: with a plain dict that is two exceptions per field, per URL
    variant, which cost more than the HMACs themselves.
    """

    @classmethod
    def of(cls, form: Mapping[str, Any]) -> "_Fields":
        getlist = getattr(form, "getlist", None)
        return cls((name, getlist(name) if getlist else [form[name]]) for name in form)

    def getall(self, name: str) -> list[Any]:
        return self[name]


def sign(url: str, params: Mapping[str, Any], token: str) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST of `params` to `url`."""
    return RequestValidator(token).compute_signature(url, params)

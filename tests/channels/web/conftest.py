"""Fixtures for the patient pages: an invited patient and a browser-like client that can pass the check."""

from __future__ import annotations

import re

import pytest

from tests.channels.web.invitations import BORN, invite

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture
def invited(parts, communities):
    """A patient (born 27 March 1980) whose PHQ-9 invitation has a link."""
    return invite(parts)


def form_token(page) -> str:
    return FORM_TOKEN.search(page.get_data(as_text=True)).group(1)


def pass_identity(client, path: str, born=BORN):
    """Answer the date-of-birth check as the patient would; return the response."""
    page = client.get(path)
    return client.post(path, data={"form_token": form_token(page), "dob-day": str(born.day),
                                   "dob-month": str(born.month), "dob-year": str(born.year)})


def answer(client, path: str, number: int, value) -> object:
    """Post one answer from the question page, as its form would."""
    page = client.get(f"{path}/questions/{number}")
    data = {"form_token": form_token(page)}
    if value is not None:
        data["answer"] = str(value)
    return client.post(f"{path}/questions/{number}", data=data)

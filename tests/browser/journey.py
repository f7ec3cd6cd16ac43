"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

from tests.channels.web.invitations import BORN


def pass_identity(page, link: str) -> None:
    page.goto(link)
    page.fill("#dob-day", str(BORN.day))
    page.fill("#dob-month", str(BORN.month))
    page.fill("#dob-year", str(BORN.year))
    page.click("button[type=submit]")


def choose(page, value: int) -> None:
    """Pick the option with this value by clicking its label, as a thumb would, and continue."""
    page.click(f"input[name=answer][value='{value}'] + label")
    page.click("button[type=submit]")


def progress(page) -> str:
    return page.inner_text(".nhsuk-caption-l").strip()

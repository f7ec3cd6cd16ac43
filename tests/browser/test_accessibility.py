"""axe-core finds no WCAG 2.2 A/AA violation on any page type, in English and in Arabic (right to left).

axe is injected from node_modules into a context that bypasses the page's Content-Security-Policy (the
policy rightly refuses injected scripts); everything else about the pages is as served. Each page is
also saved as a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import AXE, screenshot
from tests.browser.journey import choose, pass_identity

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ITEM9_POSITIVE = [1, 1, 2, 1, 1, 0, 1, 1, 1]


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(result => result.violations)", WCAG_TAGS)
    return [f"{v['id']}: {v['help']} at {[node['target'] for node in v['nodes']]}" for v in found]


@pytest.fixture
def audited(chromium):
    context = chromium.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    page = context.new_page()
    seen: dict[str, list[str]] = {}

    def audit(name: str) -> None:
        page.wait_for_load_state()
        seen[name] = violations(page)
        screenshot(page, name)

    page.audit, page.seen = audit, seen
    yield page
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_type_has_no_wcag_violations(audited, invite_patient, server, language):
    page = audited
    page.goto(f"{server}/s/no-such-link?lang={language}")
    page.audit(f"{language}-link-problem")
    link = invite_patient(language=language)
    page.goto(link)
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    page.audit(f"{language}-identity")
    page.click("button[type=submit]")
    page.audit(f"{language}-identity-error")
    pass_identity(page, link)
    page.audit(f"{language}-question")
    page.click("button[type=submit]")
    page.audit(f"{language}-question-error")
    for value in ITEM9_POSITIVE:
        choose(page, value)
    page.audit(f"{language}-check-answers")
    page.click("button[type=submit]")
    assert page.locator("#safety").is_visible()
    page.audit(f"{language}-confirmation-safety")
    assert {name: found for name, found in page.seen.items() if found} == {}


def test_a_licensed_placeholder_page_has_no_wcag_violations(audited, invite_patient):
    pass_identity(audited, invite_patient(instruments=("eq5d5l",)))
    assert "Licensed wording" in audited.inner_text("h1")
    audited.audit("en-question-licensed-placeholder")
    assert audited.seen["en-question-licensed-placeholder"] == []

"""A question page stays under 40 KB on the wire: its HTML plus every stylesheet and script it references.

Measured uncompressed (the bytes as served, no gzip), so the figure holds whatever the proxy in front
does; fonts are excluded (the pages use none: the system font stands in for Frutiger).
"""

from __future__ import annotations

import re

from tests.channels.web.conftest import answer, pass_identity

BUDGET = 40 * 1024
ASSETS = re.compile(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"')


def page_weight(client, path: str) -> dict[str, int]:
    html = client.get(path).get_data()
    weights = {"html": len(html)}
    for asset in ASSETS.findall(html.decode()):
        served = client.get(asset)
        assert served.status_code == 200, f"{asset} is missing: run `make install` (npm ci and npm run build)"
        weights[asset] = len(served.get_data())
        served.close()
    return weights


class TestPageWeight:
    def test_a_question_page_with_its_css_and_js_is_under_40_kb(self, client, invited):
        pass_identity(client, invited.path)
        weights = page_weight(client, f"{invited.path}/questions/1")
        assert len(weights) == 3, weights
        assert sum(weights.values()) < BUDGET, weights

    def test_the_check_your_answers_page_is_under_40_kb_too(self, client, invited):
        pass_identity(client, invited.path)
        for number in range(1, 10):
            answer(client, invited.path, number, 1)
        assert sum(page_weight(client, f"{invited.path}/check").values()) < BUDGET

"""Page languages: Flask-Babel for the patient pages, with catalogues compiled from the committed .po files.

Only the .po sources are committed; the binary .mo catalogues are compiled here when the app starts
(or whenever a .po is newer), so a fresh checkout, `make run` and the tests all get current translations
without a build step to forget. The translations are drafts by the engineering team: like the SMS
templates, each needs review by a native speaker before patients see it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g
from flask_babel import Babel

log = logging.getLogger(__name__)

ENGLISH = "en"
# Each language in its own name, as the switcher shows it.
LANGUAGES = {"en": "English", "ar": "العربية", "bn": "বাংলা", "so": "Soomaali"}
RIGHT_TO_LEFT = frozenset({"ar"})
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"


def init_babel(app: Flask) -> None:
    """Compile the catalogues and let Babel read each patient page's language from `g`."""
    compile_catalogues(TRANSLATIONS_DIR)
    if "babel" not in app.extensions:
        Babel(app, locale_selector=page_language)


def page_language() -> str:
    """The language a patient page was set to (English elsewhere)."""
    return g.get("page_language") or ENGLISH


def supported(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def compile_catalogues(directory: Path) -> int:
    """Write a .mo beside every .po that is newer than it; return how many were compiled."""
    compiled = 0
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalogue = read_po(source, locale=po_path.parts[-3])
        # Write aside and rename, so a second process starting at once never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalogue)
        os.replace(temporary, mo_path)
        compiled += 1
    if compiled:
        log.info("translations compiled", extra={"catalogues": compiled})
    return compiled

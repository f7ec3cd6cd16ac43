"""The texts we send, per language, from `config/sms_templates/<lang>.toml`: loaded, checked, rendered.

Checking at load means a template with a misspelt placeholder, or an invitation that forgot to say how
to stop, fails at start-up with its file and name rather than in front of a patient. Rendering
normalises to GSM-7, because one curly apostrophe in a question would double the cost of every text.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from prom_service.channels.sms import segments

DEFAULT_LANGUAGE = "en"
TEMPLATE_DIR = "sms_templates"


@dataclass(frozen=True)
class Spec:
    """Placeholders a template must use and may use, and words it must keep (the opt-out instructions)."""

    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    must_contain: tuple[str, ...] = ()


def _spec(required: str = "", optional: str = "", must_contain: tuple[str, ...] = ()) -> Spec:
    return Spec(frozenset(required.split()), frozenset(optional.split()), must_contain)


SPECS: dict[str, Spec] = {
    "invitation": _spec("programme link", must_contain=("STOP",)),
    "conversation_intro": _spec("count", "programme", must_contain=("STOP",)),
    "question": _spec("text options", "number total"),
    "reply_lead": _spec(),
    "reask": _spec("options"),
    "too_many_invalid": _spec("link"),
    "continue_online": _spec("link"),
    "complete": _spec("", "programme"),
    "help": _spec("contact", "programme", must_contain=("STOP",)),
    "stop_confirmation": _spec("", "programme", must_contain=("START",)),
    "start_confirmation": _spec("", "programme", must_contain=("STOP",)),
    "safety": _spec("", "programme"),
}


class TemplateError(ValueError):
    """A template file or a rendering is wrong; the message names the file or template."""


@dataclass(frozen=True)
class SmsTemplates:
    """Templates by language, then by name; every language has every name."""

    languages: Mapping[str, Mapping[str, str]]
    review: Mapping[str, str] = field(default_factory=dict)

    def language_for(self, language: str | None) -> str:
        """The language we can write in: the patient's if we have it, else English."""
        return language if language in self.languages else DEFAULT_LANGUAGE

    def render(self, name: str, language: str | None = DEFAULT_LANGUAGE, **values: Any) -> str:
        """The text to send, normalised to GSM-7 where the language allows."""
        template = self.languages[self.language_for(language)].get(name)
        if template is None:
            raise TemplateError(f"no SMS template named {name!r}")
        try:
            text = template.format_map({key: str(value) for key, value in values.items()})
        except KeyError as missing:
            raise TemplateError(f"{name}: no value given for placeholder {{{missing.args[0]}}}") from None
        return segments.normalise_gsm7(text)


def load_templates(config_dir: Path) -> SmsTemplates:
    """Read and check every `<lang>.toml` under `config_dir/sms_templates`."""
    files = sorted((config_dir / TEMPLATE_DIR).glob("*.toml"))
    if not any(path.stem == DEFAULT_LANGUAGE for path in files):
        raise TemplateError(f"{config_dir / TEMPLATE_DIR}: no {DEFAULT_LANGUAGE}.toml")
    languages, review = {}, {}
    for path in files:
        languages[path.stem], review[path.stem] = _read(path)
    return SmsTemplates(languages, review)


def _read(path: Path) -> tuple[dict[str, str], str]:
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: {exc}") from None
    templates = document.get("templates", {})
    problems = _problems(templates)
    if problems:
        raise TemplateError(f"{path}: " + "; ".join(problems))
    return dict(templates), str(document.get("meta", {}).get("review", ""))


def _problems(templates: Mapping[str, Any]) -> list[str]:
    """Every way the templates of one language break their specs."""
    problems = [f"{name}: not a known template" for name in templates if name not in SPECS]
    problems += [f"{name}: missing" for name in SPECS if name not in templates]
    for name, text in templates.items():
        if name in SPECS:
            problems += [f"{name}: {problem}" for problem in _template_problems(text, SPECS[name])]
    return problems


def _template_problems(text: Any, spec: Spec) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return ["must be non-empty text"]
    try:
        used = placeholders(text)
    except ValueError as exc:
        return [str(exc)]
    problems = [f"missing placeholder {{{name}}}" for name in sorted(spec.required - used)]
    problems += [f"unknown placeholder {{{name}}}" for name in sorted(used - spec.required - spec.optional)]
    problems += [f"must contain {word!r}" for word in spec.must_contain if word not in text]
    return problems


def placeholders(text: str) -> set[str]:
    """The `{name}` fields in `text`; positional, attribute, index and format-spec fields are refused."""
    names = set()
    for _, field_name, format_spec, conversion in string.Formatter().parse(text):
        if field_name is None:
            continue
        if not field_name.isidentifier() or format_spec or conversion:
            raise ValueError(f"placeholder {{{field_name}}} must be a plain name")
        names.add(field_name)
    return names

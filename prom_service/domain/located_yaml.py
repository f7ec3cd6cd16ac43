"""YAML read with line numbers, so every configuration error names its file, line and field.

PyYAML's composed node tree keeps each value's start mark; we index those marks by field path
(`("domains", 2, "weight")`) next to the plain Python values, and read fields through `Located`,
which knows its own path and turns any problem into an `OutcomeSetError` pointing at it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Any, Iterator, TypeVar

import yaml

Path = tuple[Any, ...]
E = TypeVar("E", bound=enum.Enum)
_MISSING = object()


class OutcomeSetError(ValueError):
    """A community file that cannot be used: `file:line: field: problem`."""

    def __init__(self, file: str, line: int, field: str, problem: str) -> None:
        self.file, self.line, self.field, self.problem = file, line, field, problem
        where = f"{file}:{line}: {field}: " if field else f"{file}:{line}: "
        super().__init__(where + problem)


def field_name(path: Path) -> str:
    """`("domains", 2, "weight")` → `domains[2].weight`, as a person editing the file would say it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Document:
    """One parsed YAML file: its values, and the line each field path starts on."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self._lines: dict[Path, int] = {}
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            self._index(node, ())
            self.data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise OutcomeSetError(file, mark.line + 1 if mark else 1, "", f"invalid YAML: {error.problem}") from None
        finally:
            loader.dispose()

    @property
    def root(self) -> Located:
        return Located(self, (), self.data)

    def line_of(self, path: Path) -> int:
        """The line of the field, or of its nearest enclosing field when it is missing."""
        while path not in self._lines and path:
            path = path[:-1]
        return self._lines.get(path, 1)

    def error(self, path: Path, problem: str) -> OutcomeSetError:
        return OutcomeSetError(self.file, self.line_of(path), field_name(path), problem)

    def _index(self, node: yaml.Node | None, path: Path) -> None:
        if node is None:
            return
        self._lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self._index_mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for position, child in enumerate(node.value):
                self._index(child, (*path, position))

    def _index_mapping(self, node: yaml.MappingNode, path: Path) -> None:
        """Index each entry at its key's line; a key given twice is an error YAML itself would allow."""
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise OutcomeSetError(self.file, line, field_name((*path, key)), "given more than once")
            seen.add(key)
            self._lines[(*path, key)] = key_node.start_mark.line + 1
            self._index(value_node, (*path, key))


class Located:
    """A value at a field path in a document, with typed reads that fail with that path's line."""

    def __init__(self, document: Document, path: Path, value: Any) -> None:
        self.document, self.path, self.value = document, path, value

    @property
    def present(self) -> bool:
        return self.value is not _MISSING

    def fail(self, problem: str) -> OutcomeSetError:
        return self.document.error(self.path, problem)

    def mapping(self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> Located:
        """Check this is a mapping with every required field and no field outside the two lists."""
        if not isinstance(self.value, dict):
            raise self.fail(f"must be a mapping, got {_shown(self.value)}")
        for key in self.value:
            if key not in required and key not in optional:
                known = ", ".join((*required, *optional))
                raise self.child(key).fail(f"unknown field (expected one of: {known})")
        for key in required:
            if key not in self.value:
                raise self.child(key).fail("is required")
        return self

    def child(self, key: str) -> Located:
        value = self.value.get(key, _MISSING) if isinstance(self.value, dict) else _MISSING
        return Located(self.document, (*self.path, key), value)

    def entries(self, allow_empty: bool = False) -> Iterator[Located]:
        if not isinstance(self.value, list) or (not self.value and not allow_empty):
            raise self.fail(f"must be a {'' if allow_empty else 'non-empty '}list, got {_shown(self.value)}")
        for position, value in enumerate(self.value):
            yield Located(self.document, (*self.path, position), value)

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail(f"must be non-empty text, got {_shown(self.value)}")
        return self.value.strip()

    def identifier(self) -> str:
        """Lower-case letters, digits and underscores, starting with a letter: safe in keys and URLs."""
        value = self.text()
        if not (value[0].isascii() and value[0].islower()) or not all(
            c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in value
        ):
            raise self.fail(f"must be lower_case_with_underscores, got {_shown(value)}")
        return value

    def number(self, minimum: float | None = None, maximum: float | None = None) -> float:
        value = self.value
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not is_number or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise self.fail(f"must be {_number_rule('a number', minimum, maximum)}, got {_shown(value)}")
        return float(value)

    def whole_number(self, minimum: int | None = None) -> int:
        value = self.value
        if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
            raise self.fail(f"must be {_number_rule('a whole number', minimum, None)}, got {_shown(value)}")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"must be true or false, got {_shown(self.value)}")
        return self.value

    def date(self) -> dt.date:
        if not isinstance(self.value, dt.date) or isinstance(self.value, dt.datetime):
            raise self.fail(f"must be a date such as 2026-01-31, got {_shown(self.value)}")
        return self.value

    def choice(self, kind: type[E]) -> E:
        allowed = [member.value for member in kind]
        if self.value not in allowed:
            raise self.fail(f"must be one of {', '.join(map(str, allowed))}, got {_shown(self.value)}")
        return kind(self.value)

    def optional(self, read: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        """Read with the named reader when the field is given, else return `default`."""
        return getattr(self, read)(*args, **kwargs) if self.present else default


def _number_rule(what: str, minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{what} from {minimum:g} to {maximum:g}"
    if minimum is not None:
        return f"{what} ≥ {minimum:g}"
    return what if maximum is None else f"{what} ≤ {maximum:g}"


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    if isinstance(value, (dict, list)):
        return f"a {type(value).__name__}"
    return repr(value)

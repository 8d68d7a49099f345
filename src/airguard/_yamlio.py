"""YAML reading that remembers where every value came from.

PyYAML's node graph carries a start mark for every node; we build plain
Python data from it together with a map from field path to line, so that a
validation error deep inside a file can name the line it stands on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from airguard.errors import InputError

__all__ = ["LocatedData", "format_loc", "load_yaml", "validate"]

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class LocatedData:
    """Data read from a YAML file with the line of every field path."""

    def __init__(
        self,
        data: Any,
        lines: dict[Loc, int],
        file: str,
        field_prefix: dict[str, Loc] | None = None,
    ) -> None:
        self.data = data
        self.lines = lines
        self.file = file
        # fields that came from elsewhere in the file (a variant's replacement
        # of a top-level key) are reported under their path in the file
        self.field_prefix = field_prefix or {}

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Line of the deepest known prefix of `loc` (1-based)."""
        loc = tuple(loc)
        for n in range(len(loc), -1, -1):
            line = self.lines.get(loc[:n])
            if line is not None:
                return line
        return None

    def error(self, loc: Sequence[str | int], message: str) -> InputError:
        shown = tuple(loc)
        if shown and isinstance(shown[0], str) and shown[0] in self.field_prefix:
            shown = (*self.field_prefix[shown[0]], *shown)
        return InputError(message, file=self.file, line=self.line_of(loc), field=format_loc(shown))


def format_loc(loc: Sequence[str | int]) -> str:
    """``('threats', 2, 'count')`` → ``'threats[2].count'``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(path: str | Path, text: str | None = None) -> LocatedData:
    """Read a YAML mapping from `path` with the line of every field.

    Raises
    ------
    InputError
        If the file cannot be read, is empty, is not valid YAML, holds a
        duplicate key or is not a mapping at the top.
    """
    file = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such file", file=file) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the file ({exc})", file=file) from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            lines: dict[Loc, int] = {}
            data = _build(loader, node, (), lines, file) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=file) from None
    if data is None:
        raise InputError("the file is empty; expected a YAML mapping of fields", file=file)
    if not isinstance(data, dict):
        raise InputError(
            f"expected a YAML mapping of fields at the top, got a {type(data).__name__}",
            file=file,
            line=1,
        )
    return LocatedData(data, lines, file)


def _build(
    loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, lines: dict[Loc, int], file: str
) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise InputError(
                    "a mapping key must be a plain name",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc(loc),
                )
            key = str(key) if not isinstance(key, str) else key
            if key in out:
                raise InputError(
                    f"duplicate key '{key}'",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc((*loc, key)),
                )
            out[key] = _build(loader, value_node, (*loc, key), lines, file)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*loc, i), lines, file) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def validate(model: type[M], located: LocatedData, context: Mapping[str, Any] | None = None) -> M:
    """Validate `located` against `model`, turning the first error into an InputError."""
    try:
        return model.model_validate(located.data, context=dict(context or {}))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # an unknown key is usually a misspelt known one: report it, not the
        # "missing" error pydantic lists first for the key it was meant to be
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        raise located.error(loc, _message(err)) from None


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against `airguard schema`"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error" and msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error" and msg.startswith("Assertion failed, "):
        return msg.removeprefix("Assertion failed, ")
    got = err.get("input")
    if got is not None and not isinstance(got, (dict, list)):
        return f"{msg[0].lower()}{msg[1:]}, got {got!r}"
    return f"{msg[0].lower()}{msg[1:]}"

"""YAML reading that remembers where every value came from.

PyYAML's node graph carries a start mark for every node; we build plain
Python data from it together with a map from field path to line, so that a
validation error deep inside a file can name the line it stands on.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, Strict, ValidationError

from airguard._suggest import did_you_mean
from airguard.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "Boolean",
    "LocatedData",
    "format_loc",
    "load_yaml",
    "validate",
]

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists a file may have (the flagship's is 6)."""
MAX_VALUES = 200_000
"""Most values a file may hold once its aliases are expanded (the flagship holds ~2,000):
a kilobyte of nested aliases can otherwise expand to billions."""

_BOOL = "tag:yaml.org,2002:bool"

Boolean = Annotated[bool, Strict()]
"""A yes-or-no field of a scenario or catalogue file: only ``true`` or ``false`` (any case).

The loader reads nothing else as a boolean (YAML 1.2), and pydantic's lax mode would
otherwise take the strings ``yes``, ``no``, ``on``, ``off``, ``y``, ``n``, ``1`` and ``0``
in such a field; here they are refused with "expected true or false"."""
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's booleans: only ``true`` and ``false``.

    YAML 1.1 also reads ``yes``, ``no``, ``on``, ``off`` (``y``, ``n`` in some loaders) as
    booleans, so that ``seed: no`` became 0 and an asset named ``no`` the boolean
    ``False``; here they stay the words they are."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


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
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            lines: dict[Loc, int] = {}
            data = _build(loader, node, (), lines, file, [0]) if node is not None else None
        finally:
            loader.dispose()
    except RecursionError:
        raise InputError(
            f"the file nests deeper than Python can read (a recursive alias or merge, or "
            f"more than {MAX_DEPTH} levels)",
            file=file,
        ) from None
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
    loader: yaml.SafeLoader,
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    file: str,
    count: list[int],
) -> Any:
    """Plain data from `node` (at field path `loc`), noting each field's line; `count`
    (1,) counts the values built so far (bounded by :data:`MAX_VALUES`)."""
    line = node.start_mark.line + 1
    lines[loc] = line
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise InputError(
            f"the file holds more than {MAX_VALUES:,} values once its aliases are expanded",
            file=file,
            line=line,
            field=format_loc(loc[:1]),
        )
    if len(loc) > MAX_DEPTH:
        raise InputError(
            f"nested more than {MAX_DEPTH} levels deep (a recursive alias?)",
            file=file,
            line=line,
            field=format_loc(loc[:4]) + "…",
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    "a mapping key must be a plain name",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc(loc),
                )
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise InputError(
                    "a mapping key must be a plain name",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc(loc),
                )
            key = str(key) if not isinstance(key, str) else key
            if _SURROGATE.search(key):
                raise InputError(
                    "not valid Unicode: a lone surrogate escape such as '\\ud800'",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc(loc),
                )
            if key in out:
                raise InputError(
                    f"duplicate key '{key}'",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    field=format_loc((*loc, key)),
                )
            out[key] = _build(loader, value_node, (*loc, key), lines, file, count)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*loc, i), lines, file, count) for i, item in enumerate(node.value)
        ]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and _SURROGATE.search(value):
        raise InputError(
            "not valid Unicode: a lone surrogate escape such as '\\ud800'",
            file=file,
            line=line,
            field=format_loc(loc),
        )
    return value


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
        message = _message(err)
        if err["type"] == "extra_forbidden" and loc:
            hint = did_you_mean(str(loc[-1]), sorted(known_fields(model, loc[:-1])))
            if hint:
                message = f"unknown field{hint}"
        raise located.error(loc, message) from None


def known_fields(model: type[BaseModel], loc: Sequence[str | int]) -> set[str]:
    """The field names (and aliases) a mapping at `loc` inside `model` may hold.

    Follows `loc` through nested models, lists, dicts, optional and union fields (every
    model a union may hold contributes); a part of `loc` that names no field (the tag of a
    union member in some pydantic errors) is stepped over.  Empty when `loc` leads to no
    model.
    """
    kinds: list[Any] = [model]
    for part in loc:
        stepped = [t for kind in kinds for t in _step(kind, part)]
        kinds = stepped or kinds
    names: set[str] = set()
    for kind in kinds:
        for m in _models(kind):
            for name, info in m.model_fields.items():
                names.add(info.alias or name)
    return names


def _members(annotation: Any) -> list[Any]:
    """`annotation` without Annotated, Optional and unions: the types it may be."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _models(annotation: Any) -> list[type[BaseModel]]:
    return [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]


def _step(annotation: Any, part: str | int) -> list[Any]:
    """The types found one step along `part` (a field, key or index) from `annotation`."""
    out: list[Any] = []
    for member in _members(annotation):
        origin = typing.get_origin(member)
        args = typing.get_args(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            if isinstance(part, str):
                fields = {info.alias or n: info for n, info in member.model_fields.items()}
                info = fields.get(part) or member.model_fields.get(part)
                if info is not None:
                    out.append(info.annotation)
        elif origin in (list, tuple, set, frozenset, Sequence) and args:
            if isinstance(part, int):
                out.append(args[0])
        elif origin in (dict, Mapping) and len(args) == 2:
            out.append(args[1])
    return out


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        return "unknown field; check its spelling against `airguard schema`"
    if kind == "missing":
        return "required field is missing"
    if kind == "bool_type":
        return f"expected true or false, got {err.get('input')!r}"
    if kind == "value_error" and msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    if kind == "assertion_error" and msg.startswith("Assertion failed, "):
        return msg.removeprefix("Assertion failed, ")
    got = err.get("input")
    if got is not None and not isinstance(got, (dict, list)):
        return f"{msg[0].lower()}{msg[1:]}, got {got!r}"
    return f"{msg[0].lower()}{msg[1:]}"

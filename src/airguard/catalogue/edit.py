"""Naming catalogue figures and changing them in a copy of a catalogue.

A figure is named ``"<id> <field path>"``: the id of a catalogue entry or of one of
its components (a radar, interceptor or launcher id, unique across the catalogue)
and the dotted path of the field below it, e.g. ``"pac-3-mse max_range"``,
``"scud-b rcs"``, ``"patriot composition.fire_channels"`` or
``"iskander-m terminal_manoeuvre.acceleration"``.  Sweeps and the uncertainty
analysis use these names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from airguard.catalogue.figures import Figure

__all__ = ["figure_label", "find_figure", "iter_figures", "with_figure"]

COMPONENT_GROUPS = ("radars", "interceptors", "launchers")


def iter_figures(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Figure]]:
    """Every figure below `node` with its field path."""
    if isinstance(node, Figure):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_figures(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_figures(value, (*path, str(key)))


def figure_label(entry_id: str, path: tuple[str, ...]) -> str:
    """The name of the figure at `path` in entry `entry_id` (see the module docstring)."""
    if len(path) >= 3 and path[0] in COMPONENT_GROUPS:
        return f"{path[1]} {'.'.join(path[2:])}"
    return f"{entry_id} {'.'.join(path)}"


def figure_at(entry: Any, path: tuple[str, ...]) -> Figure:
    """The figure at `path` in `entry`."""
    node = entry
    for head in path:
        node = getattr(node, head) if isinstance(node, BaseModel) else node[head]
    if not isinstance(node, Figure):
        raise KeyError(".".join(path))
    return node


def find_figure(catalogue: Any, label: str) -> tuple[str, tuple[str, ...]]:
    """The entry id and field path of the figure named `label`.

    Raises
    ------
    KeyError
        With a message saying what was not found.
    """
    head, _, rest = label.strip().partition(" ")
    if not rest:
        raise KeyError(f"'{label}': expected '<id> <field>', e.g. 'pac-3-mse max_range'")
    fields = tuple(rest.strip().split("."))
    candidates: list[tuple[str, tuple[str, ...]]] = []
    if head in catalogue.entries:
        candidates.append((head, fields))
    for eid, entry in catalogue.entries.items():
        for group in COMPONENT_GROUPS:
            if head in (getattr(entry, group, None) or {}):
                candidates.append((eid, (group, head, *fields)))
    if not candidates:
        raise KeyError(
            f"'{head}' is neither a catalogue entry nor a radar, interceptor or launcher"
        )
    for eid, path in candidates:
        try:
            figure_at(catalogue.entries[eid], path)
        except (KeyError, AttributeError, TypeError):
            continue
        return eid, path
    raise KeyError(f"'{head}' has no figure '{rest.strip()}'")


def _replace(node: Any, path: tuple[str, ...], value: Figure) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, BaseModel):
        return node.model_copy(update={head: _replace(getattr(node, head), rest, value)})
    if isinstance(node, dict):
        key = next(k for k in node if str(k) == head)
        return {**node, key: _replace(node[key], rest, value)}
    raise TypeError(f"cannot descend into {type(node).__name__} at {head!r}")


def with_figure(catalogue: Any, entry_id: str, path: tuple[str, ...], figure: Figure) -> Any:
    """A copy of `catalogue` in which the figure at (`entry_id`, `path`) is `figure`."""
    entries = dict(catalogue.entries)
    entries[entry_id] = _replace(entries[entry_id], path, figure)
    return type(catalogue)(entries=entries, files=dict(catalogue.files))


def figure_spec(entry: Any, path: tuple[str, ...]) -> Any:
    """The :class:`~airguard.catalogue.figures.FigureSpec` (dimension, bounds) of a figure field.

    Found from the pydantic field declarations along `path`; None when the field
    declares none.
    """
    import typing

    from airguard.catalogue.figures import FigureSpec

    def spec_in(annotation: Any, metadata: list[Any]) -> Any:
        for m in metadata:
            if isinstance(m, FigureSpec):
                return m
        for arg in typing.get_args(annotation)[1:]:
            if isinstance(arg, FigureSpec):
                return arg
        return None

    node: Any = entry
    annotation: Any = None
    metadata: list[Any] = []
    for head in path:
        if isinstance(node, BaseModel):
            info = type(node).model_fields[head]
            annotation, metadata = info.annotation, list(info.metadata)
            node = getattr(node, head)
        else:  # a dict: its value type from the enclosing annotation
            args = typing.get_args(annotation)
            annotation = args[1] if len(args) == 2 else None
            metadata = []
            node = node[head]
        # unwrap Optional[...] and Annotated[...] to reach the declared type
        while typing.get_origin(annotation) in (typing.Union, type(None)) or (
            typing.get_origin(annotation) is not None
            and str(typing.get_origin(annotation)) == "types.UnionType"
        ):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = inner[0] if inner else None
    return spec_in(annotation, metadata)

"""The studies shipped with airguard, and copying one out to work on.

Each shipped example is a folder: a ``scenario.yaml`` and its companion files (the
flagship's ``placement.yaml`` candidates, ``exposure.yaml`` study and ``robustness.json``
conclusions), which refer to each other by name, so a folder is copied whole.

Where they live: an installed wheel carries the repository's ``scenarios/`` folder as the
package data ``airguard/_scenarios`` (pyproject.toml, the wheel target's ``sources``); run
from a source tree (an editable install, the tests), airguard reads the repository's
``scenarios/`` itself, so there is one copy of each file in the repository.

>>> from airguard.examples import copy_example, list_examples
>>> [e.name for e in list_examples()]
['turkey-patriot-vs-s400']
>>> copy_example("turkey-patriot-vs-s400", "flagship")  # doctest: +SKIP
PosixPath('flagship')
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from airguard._suggest import closest, did_you_mean
from airguard.errors import InputError

__all__ = ["Example", "copy_example", "find_example", "list_examples", "shipped_root"]

_PACKAGED = "_scenarios"
"""The shipped studies' folder inside the installed package."""

SCENARIO_FILE = "scenario.yaml"
"""The file that makes a folder of ``scenarios/`` an example."""


@dataclass(frozen=True)
class Example:
    """One shipped study: a folder holding ``scenario.yaml`` and its companion files.

    Attributes
    ----------
    name
        The folder's name, which ``airguard example NAME`` takes.
    title
        The scenario's ``name:``.
    files
        The folder's files, relative to it with ``/`` between folders, sorted,
        ``scenario.yaml`` first.
    source
        The folder (inside the installed package, or the repository's ``scenarios/``).
    """

    name: str
    title: str
    files: tuple[str, ...]
    source: Traversable

    @property
    def description(self) -> str:
        """One line: the scenario's name and the companion files."""
        others = [f for f in self.files if f != SCENARIO_FILE]
        return f"{self.title}" + (f" (with {', '.join(others)})" if others else "")


def shipped_root() -> Traversable:
    """The folder of the shipped studies.

    ``airguard/_scenarios`` in an installed wheel; the repository's ``scenarios/`` when
    airguard runs from a source tree.

    Raises
    ------
    InputError
        Neither exists (an install that lost its package data).
    """
    packaged = resources.files("airguard").joinpath(_PACKAGED)
    if packaged.is_dir():
        return packaged
    repository = Path(__file__).resolve().parents[2] / "scenarios"
    if repository.is_dir() and (repository.parent / "pyproject.toml").is_file():
        return repository
    raise InputError(
        f"no shipped examples found (neither {packaged} nor {repository}); "
        "reinstall airguard: pip install --force-reinstall airguard"
    )


def _walk(folder: Traversable, prefix: str = "") -> list[str]:
    names = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        if entry.is_dir():
            names += _walk(entry, f"{prefix}{entry.name}/")
        elif entry.is_file():
            names.append(f"{prefix}{entry.name}")
    return names


def _files(folder: Traversable) -> tuple[str, ...]:
    """The folder's files (subfolders' as ``dem/n37e035.hgt``), ``scenario.yaml`` first."""
    return tuple(sorted(_walk(folder), key=lambda n: (n != SCENARIO_FILE, n)))


def _title(scenario: Traversable) -> str:
    try:
        data = yaml.safe_load(scenario.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return ""
    return str(data.get("name", "")) if isinstance(data, dict) else ""


def list_examples() -> list[Example]:
    """The shipped studies, sorted by name: every folder of :func:`shipped_root` that holds
    a ``scenario.yaml``."""
    root = shipped_root()
    examples = []
    for folder in root.iterdir():
        scenario = folder.joinpath(SCENARIO_FILE)
        if folder.is_dir() and scenario.is_file():
            examples.append(Example(folder.name, _title(scenario), _files(folder), folder))
    return sorted(examples, key=lambda e: e.name)


def _suggestion(name: str, names: list[str]) -> str:
    """The end of a message: ``; did you mean ...?`` for a misspelt name, or for the start
    of one (``turky``), else nothing."""
    hint = did_you_mean(name, names)
    if hint:
        return hint
    starts = {n[: len(name)]: n for n in reversed(names)}
    match = closest(name, starts)
    return "" if match is None else f"; did you mean '{starts[match]}'?"


def find_example(name: str) -> Example:
    """The shipped study called `name`.

    Raises
    ------
    InputError
        No example has that name; the message suggests the nearest and lists them all.
    """
    examples = {e.name: e for e in list_examples()}
    if name in examples:
        return examples[name]
    raise InputError(
        f"no shipped example called {name!r}{_suggestion(name, list(examples))} "
        f"(the examples: {', '.join(examples) or 'none'}; `airguard example` lists them)"
    )


def copy_example(name: str, directory: str | Path, *, overwrite: bool = False) -> Path:
    """Copy the shipped study `name` (its ``scenario.yaml`` and companion files) into
    `directory`, created if need be.

    Parameters
    ----------
    name
        The example's name (:func:`list_examples`).
    directory
        Where its files go: ``directory/scenario.yaml`` and the others beside it.
    overwrite
        Copy even into a directory that already holds files: the example's files replace
        those of the same names, and other files are left as they are.

    Returns
    -------
    Path
        `directory`.

    Raises
    ------
    InputError
        An unknown `name`; `directory` is a file, or holds files and `overwrite` is false.
    """
    example = find_example(name)
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file; give a directory to copy the example into")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise InputError(
            f"{target} is not empty; choose a new directory, or copy the example over its "
            "files with --overwrite"
        )
    target.mkdir(parents=True, exist_ok=True)
    for file in example.files:
        source = example.source.joinpath(*file.split("/"))
        (target / file).parent.mkdir(parents=True, exist_ok=True)
        (target / file).write_bytes(source.read_bytes())
    return target

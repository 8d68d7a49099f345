"""What every command of the command line shares: the exit status of bad input and how
it is reported (one line on standard error, no traceback); the notice of a first run's
compilation; the groups of ``--help``; and what the common options mean everywhere:

* ``--json`` prints the command's result as JSON on stdout instead of its table (progress
  and notes go to stderr), never to a file;
* ``--out/-o PATH`` is where files are written; it is required only by ``track``, whose
  product is the file it writes, and elsewhere has a default or writes nothing when absent;
* ``--workers N`` defaults to all the cores this process may use;
* a quantity takes a unit (``'500 m'``, ``'2 km'``, ``'3 s'``, ``'10 deg'``); in ``calc`` a
  bare number is in the unit the option's name ends with.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

from airguard._suggest import did_you_mean

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "EXIT_INPUT",
    "JSON_HELP",
    "PANELS",
    "WORKERS_HELP",
    "OrderedGroup",
    "choice",
    "compile_kernels",
    "echo_json",
    "fail",
    "stdout_console",
]

EXIT_INPUT = 2
"""Exit status of bad input (a scenario, catalogue or option that cannot be used)."""


def fail(message: str) -> NoReturn:
    """Print ``airguard: error: <message>`` on standard error and exit with :data:`EXIT_INPUT`."""
    typer.echo(f"airguard: error: {message}", err=True)
    raise typer.Exit(EXIT_INPUT)


def compile_kernels(err: Any, scenario: Any, as_json: bool) -> None:
    """On a first run (no compiled engine cached for this version of airguard), compile the
    simulator's kernels here, one replication of `scenario`, under a notice with a spinner
    and the time spent, rather than behind a progress bar that sits at zero."""
    from airguard._jit import kernels_cached

    if kernels_cached():
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from airguard.engine import run_replication
    from airguard.world import compile_world

    world = compile_world(scenario)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal and as_json,
    ) as progress:
        progress.add_task(
            "compiling the simulator's kernels (first run only: a few minutes, then cached)",
            total=None,
        )
        run_replication(world, world.seed, 0)
    if not as_json or err.is_terminal:
        err.print("compiled the simulator's kernels (cached for the next runs)")


# --- what every command means by its options ---------------------------------------------

PANELS = ("Getting started", "Run and read", "Studies", "Scenarios, catalogue and calculators")
"""The groups of ``airguard --help``, in the order shown."""
START_PANEL, RUN_PANEL, STUDIES_PANEL, FILES_PANEL = PANELS

ORDER = (
    "run", "example", "results", "compare", "explain", "replay", "report", "serve", "export",
    "coverage", "exposure", "optimize", "envelope", "track",
    "validate", "schema", "catalogue", "calc",
)  # fmt: skip
"""The commands within their groups, in the order shown (a command not named here
follows those that are, in the order it was added)."""

JSON_HELP = "Print the result as JSON on stdout instead of the table."
WORKERS_HELP = "Worker processes (default: all cores)."


class OrderedGroup(TyperGroup):
    """The ``airguard`` command group: commands listed by :data:`PANELS`, then :data:`ORDER`,
    whatever order they were added in (``run`` first, then ``example``)."""

    def list_commands(self, ctx: Any) -> list[str]:  # typer's own (vendored) click Context
        names = super().list_commands(ctx)

        def key(name: str) -> tuple[int, int]:
            panel = getattr(self.commands[name], "rich_help_panel", None)
            group = PANELS.index(panel) if panel in PANELS else -1  # typer shows these first
            return group, ORDER.index(name) if name in ORDER else len(ORDER)

        return sorted(names, key=key)


def choice(value: str, choices: Sequence[str], option: str) -> str:
    """`value` if it is one of `choices`, else exit 2 naming `option`, the choices and the
    nearest of them (``--format: expected table, csv or json, got 'cvs'; did you mean
    'csv'?``)."""
    if value in choices:
        return value
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    fail(f"{option}: expected {listed}, got '{value}'{did_you_mean(value, choices)}")


def stdout_console() -> Console:
    """Where tables are printed: the terminal at its width, or, when stdout is a pipe or a
    file, a console wide enough that no cell is ever cut or wrapped."""
    from rich.console import Console

    return Console() if sys.stdout.isatty() else Console(width=100_000, soft_wrap=False)


def echo_json(payload: Any) -> None:
    """`payload` as indented JSON on stdout (non-finite numbers as null)."""
    typer.echo(json.dumps(_finite(payload), indent=2, ensure_ascii=False))


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value

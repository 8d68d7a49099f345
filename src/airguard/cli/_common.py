"""What every command of the command line shares: the exit status of bad input and how
it is reported (one line on standard error, no traceback); the notice of a first run's
compilation."""

from __future__ import annotations

from typing import Any, NoReturn

import typer

__all__ = ["EXIT_INPUT", "compile_kernels", "fail"]

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

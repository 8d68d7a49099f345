"""What every command of the command line shares: the exit status of bad input and how
it is reported (one line on standard error, no traceback)."""

from __future__ import annotations

from typing import NoReturn

import typer

__all__ = ["EXIT_INPUT", "fail"]

EXIT_INPUT = 2
"""Exit status of bad input (a scenario, catalogue or option that cannot be used)."""


def fail(message: str) -> NoReturn:
    """Print ``airguard: error: <message>`` on standard error and exit with :data:`EXIT_INPUT`."""
    typer.echo(f"airguard: error: {message}", err=True)
    raise typer.Exit(EXIT_INPUT)

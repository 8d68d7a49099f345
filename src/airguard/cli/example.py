"""``airguard example``: list the shipped studies, or copy one out to work on.

``airguard example`` lists them, a line each; ``airguard example NAME [DIR]`` copies the
study's ``scenario.yaml`` and companion files into DIR (default: ./NAME), which must be new
or empty unless ``--overwrite`` is given (:func:`airguard.examples.copy_example`).  An
unknown name or a non-empty DIR gives one line ``airguard: error: ...`` (with "did you
mean" for a misspelt name) and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from airguard.cli._common import fail
from airguard.errors import InputError

__all__ = ["example"]


def example(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME", help="The example to copy; without it, list them.", show_default=False
        ),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR", help="Where to copy it (default: ./NAME).", show_default=False
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Copy into DIR even if it holds files (the example's replace)."
        ),
    ] = False,
) -> None:
    """List the shipped studies, or copy one (scenario and companion files) into DIR."""
    from airguard.examples import copy_example, find_example, list_examples

    try:
        if name is None:
            examples = list_examples()
            width = max((len(e.name) for e in examples), default=0)
            for e in examples:
                typer.echo(f"{e.name:<{width}}  {e.description}")
            typer.echo("\nairguard example NAME DIR copies one into DIR.")
            return
        files = find_example(name).files
        target = copy_example(name, directory or Path(name), overwrite=overwrite)
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"copied {name} into {target}: {', '.join(files)}")
    typer.echo(f"next: airguard validate {target / files[0]}")

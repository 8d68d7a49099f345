"""Errors that are part of airguard's interface.

An :class:`InputError` names the file, the line and the field path of what
was wrong and what would be right; the command line prints it as one message
and exits with status 2.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["InputError"]


class InputError(Exception):
    """A scenario, catalogue or other input file that cannot be used.

    Parameters
    ----------
    message
        What was wrong and what would be right.
    file
        The file the problem is in, if known.
    line
        1-based line number, if known.
    field
        Dotted field path such as ``threats[2].count``, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file if self.line is None else f"{self.file} line {self.line}")
        prefix = f"{where[0]}: " if where else ""
        field = f"{self.field}: " if self.field else ""
        return f"{prefix}{field}{self.message}"

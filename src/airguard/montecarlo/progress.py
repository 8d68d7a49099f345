"""A campaign's progress bar for :func:`airguard.simulate` ``(progress=True)``.

In a terminal, and in a notebook with ipywidgets, it is a rich progress bar; in a
notebook without ipywidgets (where rich cannot redraw) a line of text updated in place
(IPython's display handle); elsewhere (output to a file or a pipe) rich prints the final
bar once.  While the simulator's kernels are compiled (first run after install) the bar
says so.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["REFRESH_S", "progress_callback"]

REFRESH_S = 0.25
"""Least time between two redraws of the text bar in a notebook, s."""

COMPILING = "compiling the simulator's kernels (first run only: a few minutes, then cached)"


@contextlib.contextmanager
def progress_callback(
    label: str, total: int, on_batch: Callable[[int], Any] | None, *, show: bool
) -> Iterator[Callable[[int], Any] | None]:
    """A batch callback that advances a progress bar of `total` replications, then calls
    `on_batch`; `on_batch` itself when `show` is false (nothing is drawn).

    Parameters
    ----------
    label
        What the bar names: the scenario variant.
    total
        Replications of the campaign.
    on_batch
        The caller's own callback, called with each batch's number of replications.
    show
        Whether to draw the bar.
    """
    if not show:
        yield on_batch
        return
    from rich.console import Console

    from airguard._jit import kernels_cached

    console = Console(stderr=True)
    waiting = "" if kernels_cached() else COMPILING
    if console.is_jupyter and importlib.util.find_spec("ipywidgets") is None:
        bar: _TextBar | _RichBar = _TextBar(label, total, waiting)
    else:
        bar = _RichBar(console, label, total, waiting)
    with contextlib.closing(bar):

        def advance(n: int) -> None:
            bar.advance(n)
            if on_batch is not None:
                on_batch(n)

        yield advance


class _RichBar:
    """rich's progress bar: description, bar, replications done of total, times."""

    def __init__(self, console: Any, label: str, total: int, waiting: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._label = label
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("replications"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self._task = self._progress.add_task(
            f"{label}: {waiting}" if waiting else label, total=total
        )
        self._waiting = bool(waiting)
        self._progress.start()

    def advance(self, n: int) -> None:
        if self._waiting:
            self._progress.update(self._task, description=self._label)
            self._waiting = False
        self._progress.advance(self._task, n)

    def close(self) -> None:
        self._progress.stop()


class _TextBar:
    """One line of text redrawn in place in a notebook (IPython's display handle)."""

    WIDTH = 30

    def __init__(self, label: str, total: int, waiting: str) -> None:
        self._ipython: Any = importlib.import_module("IPython.display")
        self._label, self._total, self._waiting = label, total, waiting
        self._done = 0
        self._started = self._drawn = time.monotonic()
        self._handle = self._ipython.display(self._text(), display_id=True)

    def _text(self) -> Any:
        pretty = self._ipython.Pretty
        elapsed = time.monotonic() - self._started
        if self._waiting:
            return pretty(f"{self._label}: {self._waiting}  {elapsed:.0f} s")
        filled = round(self.WIDTH * self._done / max(self._total, 1))
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        return pretty(
            f"{self._label}  {bar}  {self._done}/{self._total} replications  {elapsed:.0f} s"
        )

    def advance(self, n: int) -> None:
        self._done += n
        self._waiting = ""
        now = time.monotonic()
        if now - self._drawn >= REFRESH_S or self._done >= self._total:
            self._drawn = now
            if self._handle is not None:
                self._handle.update(self._text())

    def close(self) -> None:
        if self._handle is not None:
            self._handle.update(self._text())

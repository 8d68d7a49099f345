"""Suggestions for misspelt names: "did you mean ...?"

Used wherever a name a user typed is looked up — a field of a scenario or catalogue file,
a variant, an asset, a catalogue id, an option's choice — so that ``positon`` is answered
with ``did you mean 'position'?`` rather than the list of everything known.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]

CUTOFF = 0.6
"""Least similarity (:class:`difflib.SequenceMatcher` ratio, 0 to 1) of a suggestion:
difflib's default, which catches one or two wrong, missing or swapped letters in a word of
five or more (``positon``, ``iskander-x``) and suggests nothing for an unrelated word."""


def closest(name: str, known: Iterable[object]) -> str | None:
    """The known name nearest to `name`, or None when none is close (:data:`CUTOFF`).

    Case is ignored in the comparison (``Ankra`` finds ``Ankara``); the known name is
    returned as it is spelt.
    """
    names = [str(k) for k in known]
    by_folded = {n.casefold(): n for n in reversed(names)}  # the first spelling wins
    match = difflib.get_close_matches(str(name).casefold(), list(by_folded), n=1, cutoff=CUTOFF)
    return by_folded[match[0]] if match else None


def did_you_mean(name: str, known: Iterable[object]) -> str:
    """``"; did you mean 'position'?"`` to end a message about `name`, or ``""``.

    Examples
    --------
    >>> did_you_mean("positon", ["name", "position", "radius"])
    "; did you mean 'position'?"
    >>> did_you_mean("colour", ["name", "position"])
    ''
    """
    match = closest(name, known)
    return "" if match is None or match == name else f"; did you mean '{match}'?"

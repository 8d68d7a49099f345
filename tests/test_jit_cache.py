"""The numba cache key: front ends are left out, kernels are not."""

from __future__ import annotations

import re
from pathlib import Path

import airguard
from airguard._jit import FRONT_ENDS, source_files

PACKAGE = Path(airguard.__file__).parent


def _front_end_files() -> list[Path]:
    keyed = set(source_files(PACKAGE))
    return [p for p in PACKAGE.rglob("*.py") if p not in keyed]


def test_front_ends_are_left_out_of_the_key() -> None:
    left_out = {p.relative_to(PACKAGE).parts[0] for p in _front_end_files()}
    assert set(FRONT_ENDS) <= left_out
    assert "cli.py" in left_out
    keyed = {p.relative_to(PACKAGE).as_posix() for p in source_files(PACKAGE)}
    for kernel_module in ("engine.py", "tracking/core.py", "c2/wta.py", "coverage.py"):
        assert kernel_module in keyed


def test_front_ends_hold_no_kernels() -> None:
    # If a front end ever compiled a kernel, an edit to it would leave a stale
    # cache behind; it must then move out of the front ends.
    for path in _front_end_files():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bnjit\b|\bnumba\b", text), path

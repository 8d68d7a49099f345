"""The numba cache key: studies and front ends are left out, kernels below them are not."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import airguard
from airguard._jit import FRONT_ENDS, UNKEYED, source_files

PACKAGE = Path(airguard.__file__).parent
UPPER_LAYERS = re.compile(
    r"^\s*(from|import)\s+airguard\.(" + "|".join(UNKEYED) + r")\b", re.MULTILINE
)


def _unkeyed_files() -> list[Path]:
    keyed = set(source_files(PACKAGE))
    return [p for p in PACKAGE.rglob("*.py") if p not in keyed]


def test_studies_and_front_ends_are_left_out_of_the_key() -> None:
    left_out = {p.relative_to(PACKAGE).parts[0] for p in _unkeyed_files()}
    assert set(UNKEYED) == left_out
    keyed = {p.relative_to(PACKAGE).as_posix() for p in source_files(PACKAGE)}
    for kernel_module in ("engine/loop.py", "tracking/core.py", "c2/wta.py", "dynamics.py"):
        assert kernel_module in keyed
    assert any(k.startswith("engine") for k in keyed)


def test_front_ends_hold_no_kernels() -> None:
    # If a front end ever compiled a kernel, an edit to it would leave a stale
    # cache behind; it must then move out of the front ends.
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in FRONT_ENDS:
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\bnjit\b|\bnumba\b", text), path


def test_keyed_modules_import_nothing_left_out_of_the_key() -> None:
    # A study's kernels are left out of the key only because no keyed kernel can call
    # them: nothing keyed imports a study or a front end.
    for path in source_files(PACKAGE):
        text = path.read_text(encoding="utf-8")
        assert not UPPER_LAYERS.search(text), path


INLINED = """
import numpy as np
from airguard._jit import njit

@njit(inline="always")
def twice(x, i):
    return 2.0 * x[i]

@njit
def total(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += twice(x, i)
    return s

print(total(np.arange(4.0)), total.stats.cache_hits.total(), total.stats.cache_misses.total())
"""


def test_a_kernel_with_inlined_callees_is_cached_on_disk(tmp_path: Path) -> None:
    """``@njit(inline="always")`` keeps numba's cache: the second process loads the caller."""
    (tmp_path / "inlined_kernels.py").write_text(INLINED, encoding="utf-8")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(PACKAGE.parent)])
    runs = [
        subprocess.run(
            [sys.executable, "-c", "import inlined_kernels"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.split()
        for _ in range(2)
    ]  # fmt: skip
    assert runs[0] == ["12.0", "0", "1"]  # compiled and written
    assert runs[1] == ["12.0", "1", "0"]  # loaded from the cache

"""A first run says that it compiles the simulator's kernels, and a cached run does not.

``airguard._jit.kernels_cached`` looks for the engine's compiled replication in numba's
cache; on a first run ``airguard run`` compiles the kernels under a one-line notice with
a spinner and the time spent, before the progress bars (issue "Speed on tracks").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import airguard._jit
from airguard._jit import kernels_cached
from airguard.cli import app

runner = CliRunner()
NOTICE = "compiled the simulator's kernels"


def test_kernels_cached_looks_for_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert not kernels_cached()
    (tmp_path / "engine_abc").mkdir()
    (tmp_path / "engine_abc" / "looks.look-170.py311.nbi").write_bytes(b"")
    assert not kernels_cached()  # another kernel is not the replication
    (tmp_path / "engine_abc" / "loop.engage-150.py311.nbi").write_bytes(b"")
    assert kernels_cached()


@pytest.mark.parametrize("cached", [False, True])
def test_run_notices_a_first_compilation(
    cached: bool, small_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(airguard._jit, "kernels_cached", lambda: cached)
    result = runner.invoke(
        app,
        ["run", str(small_path), "--variant", "s-400", "--reps", "2", "--workers", "1",
         "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (NOTICE in result.stderr) is not cached

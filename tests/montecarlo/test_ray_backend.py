"""The Ray backend: the same batches as Ray tasks, the same tables bit for bit.

Ray runs here as a local instance with two CPUs, started once for the module
and shut down after it.  Its workers are fresh interpreters (not forks), so
they must import airguard and find the numba kernels in the same on-disk cache.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.montecarlo import BackendUnavailableError
from airguard.montecarlo.campaign import simulate
from airguard.results.store import TABLES, read_table
from airguard.scenario import load_scenario


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def _environment_variable(name: str) -> str | None:
    return os.environ.get(name)


def test_ray_workers_use_this_interpreter_and_numba_cache(ray_instance: Any) -> None:
    remote = ray_instance.remote(_environment_variable)
    assert ray_instance.get(remote.remote("NUMBA_CACHE_DIR")) == os.environ["NUMBA_CACHE_DIR"]


def test_ray_backend_writes_the_same_tables_as_the_local_pool(
    ray_instance: Any, small_path: Path, tmp_path: Path
) -> None:
    (sc,) = load_scenario(small_path, variant="s-400")
    local = simulate(sc, 12, workers=1, batch_size=5, out=tmp_path / "local")
    ray = simulate(sc, 12, workers=2, batch_size=3, out=tmp_path / "ray", backend="ray")
    assert ray.backend == "ray"
    for name in TABLES:
        a, b = read_table(tmp_path / "local", name), read_table(tmp_path / "ray", name)
        assert a.num_rows > 0 or name == "impacts"
        assert a.equals(b), name
    assert ray.summary.to_json() == local.summary.to_json()


def test_ray_backend_in_memory_gives_the_same_summary(ray_instance: Any, small_path: Path) -> None:
    (sc,) = load_scenario(small_path, variant="patriot")
    local = simulate(sc, 8, workers=1)
    ray = simulate(sc, 8, workers=2, batch_size=2, backend="ray")
    assert ray.summary.to_json() == local.summary.to_json()


def test_missing_ray_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, small_path: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    (sc,) = load_scenario(small_path, variant="patriot")
    with pytest.raises(BackendUnavailableError, match=r"pip install 'airguard\[ray\]'"):
        simulate(sc, 2, workers=1, out=tmp_path / "api", backend="ray")
    assert not (tmp_path / "api").exists()  # refused before anything was written

    args = ["run", str(small_path), "--variant", "patriot", "--reps", "2"]
    result = CliRunner().invoke(app, [*args, "--backend", "ray", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 2
    assert result.stderr == (
        "airguard: error: the ray backend needs Ray, which is not installed: "
        "pip install 'airguard[ray]'\n"
    )


def test_unknown_backend_is_refused_on_one_line(small_path: Path, tmp_path: Path) -> None:
    args = ["run", str(small_path), "--reps", "2", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(app, [*args, "--backend", "dask"])
    assert result.exit_code == 2
    assert result.stderr == "airguard: error: --backend: expected one of local, ray, got 'dask'\n"

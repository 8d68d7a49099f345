"""The documentation site builds with ``mkdocs build --strict`` and the tutorial notebook
runs from start to finish (issue 18: a broken link, a missing API object or a failing
cell fails ``make test``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
CELL_TIMEOUT_S = 1800
"""Per cell: the first simulation on a cold kernel cache compiles for minutes."""


@pytest.mark.slow
def test_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        # MkDocs Material prints a banner about MkDocs 2 unless told not to
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert (site / "index.html").is_file()
    assert (site / "api" / "airguard" / "index.html").is_file()
    assert (site / "tutorial.ipynb").is_file()  # the notebook is linked from the site
    assert "Unreleased" in (site / "changelog" / "index.html").read_text(encoding="utf-8")


def _kernelspec(directory: Path) -> str:
    """A kernelspec running this interpreter (the project's venv), whatever kernels the
    machine has installed; returns its name."""
    name = "airguard-docs-test"
    spec = directory / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "airguard (tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return name


@pytest.mark.slow
def test_tutorial_notebook_runs(tmp_path: Path) -> None:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    work = tmp_path / "work"  # outside the repository: the notebook copies its scenario
    work.mkdir()
    name = _kernelspec(tmp_path / "jupyter")
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "jupyter" / "kernels")])
    manager = KernelManager(kernel_name=name, kernel_spec_manager=specs)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(work)}},
    )
    # raises CellExecutionError naming the cell that failed; cleanup_kc: the kernel and its
    # sockets are ours to close (nbclient closes only the managers it made itself)
    client.execute(cleanup_kc=True)
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    assert (work / "flagship" / "scenario.yaml").is_file()

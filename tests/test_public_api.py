"""The curated public API (pinned, as httpx pins its exported members)."""

from __future__ import annotations

import subprocess
import sys

import airguard


def test_all_is_pinned():
    assert sorted(airguard.__all__) == sorted(
        [
            "Catalogue",
            "InputError",
            "Run",
            "RunSummary",
            "Scenario",
            "World",
            "__version__",
            "compile_world",
            "default_catalogue",
            "load_catalogue",
            "load_scenario",
            "read_run",
            "simulate",
            "wilson_interval",
        ]
    )


def test_every_exported_name_resolves():
    for name in airguard.__all__:
        assert getattr(airguard, name) is not None, name


def test_importing_airguard_does_not_import_the_heavy_modules():
    code = (
        "import sys, airguard; heavy = [m for m in ('numba', 'pyarrow', 'scipy', 'pint', 'typer')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_simulate_from_python(small_path):
    (scenario,) = airguard.load_scenario(small_path, variant="patriot")
    run = airguard.simulate(scenario, 3, workers=1)
    assert run.summary.replications == 3
    assert run.run_dir is None

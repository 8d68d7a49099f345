"""Small runs for the report, viewer and export tests (and their browser tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"
REPLICATIONS = 12
_SHARED: dict[Path, Path] = {}


def shared_small_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`small_runs` made once per test session (tests that change a run copy it first)."""
    base = tmp_path_factory.getbasetemp()
    if base not in _SHARED:
        _SHARED[base] = small_runs(tmp_path_factory.mktemp("small-runs"))
    return _SHARED[base]


def small_runs(root: Path, replications: int = REPLICATIONS) -> Path:
    """Run both variants of tests/data/small.yaml into ``root/run/<variant>``; returns ``root/run``.

    The scenario is copied into `root` first, so that a test may change it afterwards without
    touching the shared file.
    """
    from airguard.montecarlo.campaign import simulate
    from airguard.scenario import load_scenario

    scenario_file = root / "small.yaml"
    shutil.copy(DATA / "small.yaml", scenario_file)
    out = root / "run"
    for scenario in load_scenario(scenario_file):
        simulate(scenario, replications, workers=1, out=out / scenario.label)
    return out


def uncertainty_json(variant: str) -> list[dict[str, object]]:
    """A sensitivity report in the format of ``airguard run --uncertainty`` (docs/uncertainty.md),
    with made-up indices: enough to draw the sensitivity section."""
    figures = ["scud-b rcs", "patriot composition.fire_channels", "shahed-136 cruise_speed"]
    outcomes = ["P(Base undamaged)", "leakers per raid", "interceptor cost per raid (USD)"]
    st = [[0.62, 0.10, 0.30], [0.05, 0.48, 0.12], [0.20, 0.07, 0.71]]
    return [
        {
            "scenario": "Small test",
            "variant": variant,
            "designs": 40,
            "replications_per_design": 4,
            "seed": 7,
            "distribution": "each contested figure at its low, nominal or high level with "
            "probabilities 1/4, 1/2, 1/4",
            "figures": [{"figure": f, "low": 1.0, "nominal": 2.0, "high": 3.0} for f in figures],
            "outcomes": [
                {
                    "outcome": o,
                    "mean": 0.5,
                    "std": 0.1,
                    "noise_share": 0.1,
                    "indices": [
                        {
                            "figure": f,
                            "S1": st[k][i] * 0.8,
                            "S1_conf": 0.1,
                            "ST": st[k][i],
                            "ST_conf": 0.1,
                        }
                        for k, f in enumerate(figures)
                    ],
                }
                for i, o in enumerate(outcomes)
            ],
            "summary": ["scud-b rcs decides P(Base undamaged) (ST 0.62 ± 0.10)."],
        }
    ]

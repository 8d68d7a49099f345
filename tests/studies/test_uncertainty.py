"""The uncertainty analysis: contested figures, their levels, and Sobol indices.

The indices themselves come from SALib; what is tested here is airguard's side — which
figures are sampled, how a uniform coordinate becomes a level, that a design really runs
with its levels, and that the estimates recover the indices of an outcome known in closed
form.  For an outcome Y = a·L1 + b·L2 of two independent levels, each 0, 1 or 2 with
probabilities 1/4, 1/2, 1/4 (variance 1/2), the first-order indices are
S1 = a²/(a² + b²) and b²/(a² + b²), equal to the total indices, and all other figures'
indices are 0 (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008, §1.2.5:
for an additive model S1 = ST = the share of each term's variance).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import airguard.studies.uncertainty as unc
from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import compile_world

DATA = Path(__file__).parents[1] / "data"
FLAGSHIP = Path(__file__).parents[2] / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"


def _drones():
    (scenario,) = load_scenario(DATA / "drones.yaml")
    return scenario


def test_contested_figures_are_those_with_different_public_values() -> None:
    figures = unc.contested_figures(_drones())
    labels = [f.label for f in figures]
    assert "pac-3-mse max_range" in labels
    assert "shahed-136 cruise_altitude" in labels
    assert all(f.low < f.high for f in figures)
    assert all(f.low <= f.nominal <= f.high for f in figures)
    # figures the simulation does not use are left out
    assert not any(
        label.endswith((" apogee", " max_range")) and "shahed" in label for label in labels
    )


def test_levels_follow_the_documented_probabilities() -> None:
    u = (np.arange(100_000) + 0.5) / 100_000
    levels = unc.levels_from_unit(u)
    assert np.bincount(levels).tolist() == [25_000, 50_000, 25_000]
    assert unc.LEVEL_PROBABILITIES == (0.25, 0.5, 0.25)


def test_a_design_runs_with_its_levels() -> None:
    scenario = _drones()
    figures = unc.contested_figures(scenario)
    labels = [f.label for f in figures]
    for level, expect in ((0, 68_000.0), (2, 120_000.0)):
        levels = np.ones(len(figures), dtype=np.int64)
        levels[labels.index("pac-3-mse max_range")] = level
        cat = unc.with_levels(scenario.catalogue, figures, levels)
        (changed,) = load_scenario(DATA / "drones.yaml", catalogue=cat)
        world = compile_world(changed)
        assert world.interceptors.max_range_m[world.interceptor_names.index("pac-3-mse")] == expect
    # the original catalogue is untouched
    assert scenario.catalogue.interceptor("pac-3-mse")[1].max_range.value == 70_000.0


def test_sobol_indices_of_a_closed_form_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """Y = 2 L(pac-3-mse max_range) + L(shahed-136 rcs): S1 = ST = 0.8 and 0.2, others 0."""
    scenario = _drones()
    labels = [f.label for f in unc.contested_figures(scenario)]
    i, j = labels.index("pac-3-mse max_range"), labels.index("shahed-136 rcs")

    def closed_form(job: unc._Job) -> np.ndarray:
        y = 2.0 * job.levels[i] + job.levels[j]
        return np.array([0.5, y, y])  # P(Base undamaged) constant; leakers and cost = Y

    monkeypatch.setattr(unc, "_outcomes", closed_form)
    report = unc.sensitivity(scenario, base_samples=256, replications_per_design=1, workers=1)
    leak = report.outcomes.index("leakers per raid")
    s1, st = report.s1[leak], report.st[leak]
    assert s1[i] == pytest.approx(0.8, abs=0.08)
    assert st[i] == pytest.approx(0.8, abs=0.08)
    assert s1[j] == pytest.approx(0.2, abs=0.08)
    assert st[j] == pytest.approx(0.2, abs=0.08)
    others = [k for k in range(len(labels)) if k not in (i, j)]
    assert np.all(np.abs(st[others]) < 0.03)
    assert report.sentences[leak].startswith(
        "leakers per raid depends mostly on pac-3-mse max_range"
    )
    # a constant outcome is explained by nothing
    assert "no contested figure" in report.sentences[0]


def test_a_real_campaign_of_designs_runs_and_reports() -> None:
    report = unc.sensitivity(_drones(), base_samples=2, replications_per_design=2, workers=2)
    d = len(report.figures)
    assert report.designs == 2 * (d + 2)
    assert report.values.shape == (report.designs, 3)
    assert np.all((report.values[:, 0] >= 0) & (report.values[:, 0] <= 1))
    data = report.to_json()
    assert data["distribution"].startswith("each contested figure at its low, nominal or high")
    assert len(data["outcomes"]) == 3
    assert len(data["summary"]) == 3
    # beside the spread over the plausible inputs, the nominal figures' Monte Carlo interval
    assert data["nominal_replications"] == 64
    for o in data["outcomes"]:
        lo, hi = o["nominal_ci95"]
        assert lo <= o["nominal"] <= hi
        assert o["p5_p95"][0] <= o["mean"] <= o["p5_p95"][1] or np.isclose(
            o["p5_p95"][0], o["p5_p95"][1]
        )
    assert 0.0 <= data["outcomes"][0]["nominal"] <= 1.0


def test_designs_do_not_depend_on_the_worker_count() -> None:
    a = unc.sensitivity(_drones(), base_samples=2, replications_per_design=2, workers=1)
    b = unc.sensitivity(_drones(), base_samples=2, replications_per_design=2, workers=2)
    np.testing.assert_array_equal(a.values, b.values)


def test_a_level_that_invalidates_the_scenario_is_named() -> None:
    """At 150 km/h (its low public speed) a Shahed launched 60 km out arrives too late."""
    text = (DATA / "drones.yaml").read_text().replace("duration: 40 min", "duration: 23 min")
    (scenario,) = load_scenario(DATA / "drones.yaml", text=text)
    with pytest.raises(InputError, match="with shahed-136 cruise_speed at its low public value"):
        unc.sensitivity(scenario, base_samples=2, replications_per_design=1, workers=1)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="power of 2"):
        unc.sensitivity(_drones(), base_samples=3)
    with pytest.raises(ValueError, match="replications_per_design"):
        unc.sensitivity(_drones(), replications_per_design=0)


def test_the_flagship_has_every_level_valid() -> None:
    for scenario in load_scenario(FLAGSHIP):
        unc._check_extremes(scenario, unc.contested_figures(scenario))


def test_cli_run_uncertainty_writes_and_prints_the_indices(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from airguard.cli import app

    out = tmp_path / "unc"
    args = ["run", str(DATA / "drones.yaml"), "--uncertainty", "--designs", "2"]
    args += ["--reps-per-design", "1", "--workers", "1", "--out", str(out), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replications_per_design"] == 1
    assert {o["outcome"] for o in data["outcomes"]} >= {"P(Base undamaged)", "leakers per raid"}
    assert json.loads((out / "uncertainty.json").read_text())[0]["designs"] == data["designs"]
    bad = CliRunner().invoke(app, [*args[:3], "--designs", "3"])
    assert bad.exit_code == 2
    assert "power of 2" in bad.stderr

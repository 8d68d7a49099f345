"""Sweeps: every combination of swept values runs as a variant."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import compile_world

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


def _scenario(tmp_path: Path, sweeps: str, variants: str = "") -> Path:
    text = (DATA / "drones.yaml").read_text() + sweeps + variants
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def test_a_field_sweep_runs_each_value(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        "sweeps:\n  - field: units[0].inventory.pac-2-gem-t\n    values: [2, 8]\n",
    )
    scenarios = load_scenario(path)
    assert [s.variant for s in scenarios] == [
        "units[0].inventory.pac-2-gem-t=2",
        "units[0].inventory.pac-2-gem-t=8",
    ]
    rounds = [int(compile_world(s).units.rounds.sum()) for s in scenarios]
    assert rounds == [2, 8]
    assert scenarios[0].digest != scenarios[1].digest


def test_a_figure_sweep_changes_the_catalogue_of_each_point(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path, "sweeps:\n  - figure: pac-2-gem-t max_range\n    values: [40 km, 90 km]\n"
    )
    worlds = [compile_world(s) for s in load_scenario(path)]
    got = [w.interceptors.max_range_m[w.interceptor_names.index("pac-2-gem-t")] for w in worlds]
    assert got == [40_000.0, 90_000.0]
    # the shared catalogue is untouched
    assert (
        load_scenario(DATA / "drones.yaml")[0]
        .catalogue.interceptor("pac-2-gem-t")[1]
        .max_range.value
        == 160_000.0
    )


def test_sweeps_make_a_grid_within_each_variant(tmp_path: Path) -> None:
    sweeps = (
        "sweeps:\n"
        "  - field: raids[0].count\n    values: [2, 4]\n"
        "  - figure: shahed-136 cruise_altitude\n    values: [100 m, 500 m, 1 km]\n"
    )
    variants = "variants:\n  one: {}\n  two: {seed: 12}\n"
    scenarios = load_scenario(_scenario(tmp_path, sweeps, variants))
    assert len(scenarios) == 2 * 2 * 3
    assert scenarios[0].variant == "one, raids[0].count=2, shahed-136 cruise_altitude=100 m"
    assert scenarios[-1].variant == "two, raids[0].count=4, shahed-136 cruise_altitude=1 km"
    (one,) = load_scenario(
        _scenario(tmp_path, sweeps, variants),
        variant="two, raids[0].count=4, shahed-136 cruise_altitude=500 m",
    )
    world = compile_world(one)
    assert world.n_threats == 4
    assert world.threat_types.cruise_height_m[0] == 500.0
    assert one.body.seed == 12


@pytest.mark.parametrize(
    ("sweep", "field", "message"),
    [
        (
            "  - field: units[3].inventory\n    values: [1]\n",
            "sweeps[0].field",
            "no field units[3]",
        ),
        ("  - figure: pac-9 max_range\n    values: [1 km]\n", "sweeps[0].figure", "pac-9"),
        ("  - figure: pac-2-gem-t max_range\n    values: [1 kg]\n", "sweeps[0].values[0]", "unit"),
        ("  - figure: pac-2-gem-t range\n    values: [1 km]\n", "sweeps[0].figure", "no figure"),
        ("  - values: [1]\n", "sweeps[0]", "exactly one of"),
    ],
)
def test_bad_sweeps_are_refused_with_their_line(
    tmp_path: Path, sweep: str, field: str, message: str
) -> None:
    path = _scenario(tmp_path, "sweeps:\n" + sweep)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == field
    assert message in err.value.message
    assert err.value.line is not None


def test_run_prints_one_column_per_point(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        "sweeps:\n  - field: units[0].inventory.pac-2-gem-t\n    values: [0, 8]\n",
    )
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["run", str(path), "--reps", "4", "--workers", "1", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    labels = [v["variant"] for v in data["variants"]]
    assert labels == ["units[0].inventory.pac-2-gem-t=0", "units[0].inventory.pac-2-gem-t=8"]
    fired = [sum(v["interceptors_fired"].values()) for v in data["variants"]]
    assert fired[0] == 0
    assert fired[1] > 0

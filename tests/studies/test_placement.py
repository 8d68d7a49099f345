"""Placement optimisation: placements known by construction, budget arithmetic, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.errors import InputError
from airguard.scenario import Scenario, load_scenario
from airguard.studies.placement import (
    Site,
    budget_comparison,
    build_screen,
    candidate_options,
    confirm,
    load_candidates,
    optimise,
    optimise_placement,
    parse_polygon,
    placed_scenario,
    region_candidates,
    unit_cost_usd,
    units_for_budget,
)

# Two assets 180 km apart, each attacked by four drones from 54 km east of it.  A Patriot
# battery sees low drones only to its radio horizon (a few tens of km), so a site on one
# axis cannot engage the other axis, and a site 165 km north engages neither.
SCENARIO = """\
name: Two axes
duration: 30 min
seed: 7
assets:
  - name: Depot
    position: {lat: 36.0, lon: 36.0, alt: 0 m}
    value: 10
    radius: 1 km
  - name: Village
    position: {lat: 36.0, lon: 34.0, alt: 0 m}
    value: 1
    radius: 1 km
raids:
  - name: Drones on the depot
    threat: shahed-136
    count: 4
    launch_area: {lat: 36.0, lon: 36.6, alt: 0 m, radius: 2 km}
    launch_window: {start: 0 s, end: 60 s}
    target: Depot
  - name: Drones on the village
    threat: shahed-136
    count: 4
    launch_area: {lat: 36.0, lon: 34.6, alt: 0 m, radius: 2 km}
    launch_window: {start: 0 s, end: 60 s}
    target: Village
units:
  - name: Given battery
    system: patriot
    position: {lat: 37.0, lon: 35.0, alt: 0 m}
    heading: 90 deg
"""

SITES = """\
candidates:
  - name: north
    position: {lat: 37.5, lon: 36.0, alt: 0 m}
    heading: 90 deg
  - name: depot-east
    position: {lat: 36.0, lon: 36.15, alt: 0 m}
    heading: 90 deg
  - name: village-east
    position: {lat: 36.0, lon: 34.15, alt: 0 m}
    heading: 90 deg
"""

EAST, NORTH, VILLAGE = "depot-east", "north", "village-east"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("placement")
    (d / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (d / "sites.yaml").write_text(SITES, encoding="utf-8")
    return d / "scenario.yaml", d / "sites.yaml"


@pytest.fixture(scope="module")
def scenario(files: tuple[Path, Path]) -> Scenario:
    return load_scenario(files[0])[0]


@pytest.fixture(scope="module")
def sites(files: tuple[Path, Path]) -> list[Site]:
    return load_candidates(files[1])


def test_one_unit_is_placed_on_the_axis_of_the_more_valuable_asset(
    scenario: Scenario, sites: list[Site]
) -> None:
    screen = build_screen(scenario, "patriot", candidate_options(sites), resolution_m=2000.0)
    best = optimise(screen, 1)
    assert [screen.options[k].name for k in best[0].options] == [EAST]
    # and the ranking below it: the village's site (value 1), then the site covering nothing
    assert [screen.options[p.options[0]].name for p in best] == [EAST, VILLAGE, NORTH]
    assert best[-1].score == 0.0


def test_two_units_cover_both_axes(scenario: Scenario, sites: list[Site]) -> None:
    screen = build_screen(scenario, "patriot", candidate_options(sites), resolution_m=2000.0)
    best = optimise(screen, 2)
    assert sorted(screen.options[k].name for k in best[0].options) == sorted([EAST, VILLAGE])


def test_only_the_axis_site_engages_the_axis(scenario: Scenario, sites: list[Site]) -> None:
    screen = build_screen(scenario, "patriot", candidate_options(sites), resolution_m=2000.0)
    names = [o.name for o in screen.options]
    depot_threats = screen.target == 0
    assert (screen.pk[names.index(EAST)][:, depot_threats] > 0.0).all()
    assert (screen.pk[names.index(NORTH)] == 0.0).all()
    assert (screen.pk[names.index(VILLAGE)][:, depot_threats] == 0.0).all()


def test_heading_search_faces_the_axis(scenario: Scenario) -> None:
    # a site 22 km north of the depot's axis, heading free: the drones pass to its south,
    # so a sector facing north (0, 45 or 315 deg: the axis outside its 120 deg) sees nothing
    site = [Site("free", 36.2, 36.3, 0.0)]
    screen = build_screen(scenario, "patriot", candidate_options(site, 8), resolution_m=2000.0)
    best = optimise(screen, 1, top=8)
    heading = screen.options[best[0].options[0]].heading_deg
    assert heading is not None
    assert 90.0 <= heading <= 270.0
    by_heading = {screen.options[p.options[0]].heading_deg: p.score for p in best}
    assert by_heading[0.0] == by_heading[45.0] == by_heading[315.0] == 0.0
    assert best[0].score > 0.5


def test_monte_carlo_confirms_the_optimised_site_against_the_given_one(
    scenario: Scenario, sites: list[Site]
) -> None:
    study = optimise_placement(
        scenario, "patriot", sites, 1, replications=30, top=1, resolution_m=2000.0
    )
    best, given = study.placements[0], study.given
    assert best.sites == [f"{EAST} @ 90°"]
    assert given is not None
    assert given.sites == ["Given battery (patriot)"]
    lo, hi = best.value_ci95
    assert lo <= best.value_surviving <= hi
    # the depot (value 10 of 11) is defended: the interval clears the given site's outright
    assert lo > given.value_ci95[1]
    depot = best.assets[0]
    assert depot["name"] == "Depot"
    assert depot["ci95"][0] <= depot["p_undamaged"] <= 1.0
    assert study.total_cost_usd == study.unit_cost_usd + study.load_cost_usd


def test_confirm_reports_wilson_intervals(scenario: Scenario) -> None:
    run = confirm(scenario, 12, label="given")
    assert run.replications == 12
    for a in run.assets:
        k = round(a["p_undamaged"] * 12)
        from airguard.results.store import wilson_interval

        assert a["ci95"] == list(wilson_interval(k, 12))


def test_placed_scenario_keeps_assets_and_replaces_units(scenario: Scenario) -> None:
    placed = placed_scenario(scenario, "s-400", [Site("a", 36.1, 35.1, 100.0, 45.0)])
    (unit,) = placed.body.units
    assert unit.system == "s-400"
    assert unit.position.alt == 100.0
    assert unit.heading == pytest.approx(math.radians(45.0))
    assert placed.body.assets == scenario.body.assets
    assert placed.digest != scenario.digest


def test_unit_costs_are_the_catalogue_figures(scenario: Scenario) -> None:
    # patriot: battery 1.09 bn; 8 launchers x (6 PAC-3 MSE at 4 M + 2 GEM-T at 3 M) = 240 M
    assert unit_cost_usd(scenario, "patriot") == (1.09e9, 8 * (6 * 4e6 + 2 * 3e6))
    # s-400: battalion 625 M; 8 launchers x (2 48N6E3 at 1.5 M + 1 40N6E at 2.5 M
    # + 4 9M96E2 at 0.8 M) = 69.6 M
    unit, load = unit_cost_usd(scenario, "s-400")
    assert unit == 625e6
    assert load == pytest.approx(8 * (2 * 1.5e6 + 2.5e6 + 4 * 0.8e6))


@pytest.mark.parametrize(
    ("budget", "patriot", "s400"),
    [(1.0e9, 0, 1), (1.33e9, 1, 1), (3.0e9, 2, 4), (2.66e9, 2, 3)],
)
def test_budget_buys_whole_units(
    scenario: Scenario, budget: float, patriot: int, s400: int
) -> None:
    # per unit with load: patriot 1.33 bn, s-400 694.6 M
    assert units_for_budget(scenario, "patriot", budget) == patriot
    assert units_for_budget(scenario, "s-400", budget) == s400


def test_budget_comparison_places_what_each_budget_buys(
    scenario: Scenario, sites: list[Site]
) -> None:
    studies = budget_comparison(
        scenario, ["patriot", "s-400"], sites, 1.0e9, replications=5, top=1,
        resolution_m=2000.0, compare_given=False,
    )  # fmt: skip
    patriot, s400 = studies
    assert patriot.n_units == 0
    assert not patriot.placements
    assert "buys no unit" in patriot.notes[0]
    assert s400.n_units == 1
    assert len(s400.placements) == 1
    assert s400.placements[0].sites[0].startswith(EAST)


def test_cost_objective_finds_the_fewest_units(scenario: Scenario, sites: list[Site]) -> None:
    study = optimise_placement(
        scenario, "patriot", sites, 1, objective="cost", target=0.9, replications=5, top=1,
        resolution_m=2000.0, compare_given=False,
    )  # fmt: skip
    # one unit cannot save the village's 1/11 of the value; two (one per axis) can
    assert study.n_units == 2
    assert sorted(s.split(" @")[0] for s in study.placements[0].sites) == [EAST, VILLAGE]


def test_region_candidates_lie_inside_the_polygon() -> None:
    poly = parse_polygon("36 35; 36 36; 37 36; 37 35")
    sites = region_candidates(poly, 25_000.0, 10.0)
    assert len(sites) >= 9
    assert all(36 < s.lat_deg < 37 and 35 < s.lon_deg < 36 and s.alt_m == 10.0 for s in sites)


@pytest.mark.parametrize("text", ["36 35; 36 36", "36 35; x y; 37 36", "36 35; 36 36; 97 35"])
def test_bad_polygons_name_the_option(text: str) -> None:
    with pytest.raises(InputError, match="--region"):
        parse_polygon(text)


def test_duplicate_candidate_names_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(SITES.replace("village-east", "north"), encoding="utf-8")
    with pytest.raises(
        InputError, match=r"line 8: candidates\[2\].name: duplicate candidate name 'north'"
    ):
        load_candidates(path)


def test_cli_end_to_end(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "placement.json"
    result = CliRunner().invoke(
        app,
        [
            "optimize", str(files[0]), "--units", "1", "--system", "patriot",
            "--candidates", str(files[1]), "--reps", "5", "--top", "2",
            "--resolution", "2 km", "--workers", "1", "-o", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "optimised #1" in result.stdout
    assert "given sites" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    (study,) = data["studies"]
    assert study["placements"][0]["sites"] == [f"{EAST} @ 90°"]
    assert study["given"]["replications"] == 5


def test_cli_budget_compares_systems(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "budget.json"
    result = CliRunner().invoke(
        app,
        [
            "optimize", str(files[0]), "--system", "patriot", "--system", "s-400",
            "--candidates", str(files[1]), "--budget", "1.5e9", "--reps", "3", "--top", "1",
            "--resolution", "2 km", "--workers", "1", "--out", str(out), "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == data  # --json: the same figures on stdout, no table
    assert [(s["system"], s["units"]) for s in data["studies"]] == [("patriot", 1), ("s-400", 2)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--units", "1", "--system", "patriot"], "exactly one of --candidates"),
        (["--units", "1", "--system", "nope", "--candidates", "SITES"], "--system: no defence"),
        (["--units", "1", "--system", "patriot", "--region", "1 2; 3 4"], "--region"),
        (["--units", "1", "--system", "patriot", "--candidates", "SITES", "--objective", "x"],
         "--objective"),
        (["--system", "patriot", "--candidates", "SITES", "--budget", "lots"], "--budget"),
        (["--units", "4", "--system", "patriot", "--candidates", "SITES"], "--units"),
        (["--units", "1", "--system", "patriot", "--candidates", "MISSING"], "MISSING"),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_with_one_line(
    files: tuple[Path, Path], tmp_path: Path, args: list[str], message: str
) -> None:
    args = [
        str(files[1]) if a == "SITES" else str(tmp_path / "missing.yaml") if a == "MISSING" else a
        for a in args
    ]
    message = "missing.yaml" if message == "MISSING" else message
    result = CliRunner().invoke(app, ["optimize", str(files[0]), *args, "--reps", "2"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("airguard: error:")
    assert message in lines[0]

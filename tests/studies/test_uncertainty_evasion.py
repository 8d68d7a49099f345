"""The uncertainty study varies an aircraft's `evasion` figures only where a flight evades."""

from __future__ import annotations

from pathlib import Path

from airguard.scenario import load_scenario
from airguard.studies.uncertainty import contested_figures
from tests.scenario.test_evade_errors import FLIGHTS
from tests.scenario.test_scenario_errors import VALID


def _evasion_figures(tmp_path: Path, evade: str) -> set[tuple[str, ...]]:
    path = tmp_path / "scenario.yaml"
    text = VALID + FLIGHTS.format(aircraft="f-16", side="hostile", speed="")
    path.write_text(text.replace("evade: true", f"evade: {evade}"), encoding="utf-8")
    (scenario,) = load_scenario(path)
    return {
        f.path for f in contested_figures(scenario) if f.entry == "f-16" and f.path[0] == "evasion"
    }


def test_an_evading_flight_makes_its_evasion_figures_contested(tmp_path: Path) -> None:
    assert _evasion_figures(tmp_path, "true") == {
        ("evasion", name)
        for name in ("reaction_time", "load_factor", "dive_angle", "floor_height", "hold_time")
    }


def test_without_evade_the_evasion_figures_enter_nothing(tmp_path: Path) -> None:
    assert _evasion_figures(tmp_path, "false") == set()

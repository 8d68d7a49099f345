"""`evade: true` on a flight that cannot evade gives one InputError naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from airguard.errors import InputError
from airguard.scenario import load_scenario
from tests.scenario.test_scenario_errors import VALID

# Appended to VALID: lines 25-33.
FLIGHTS = """\
flights:
  - name: Strike 1
    aircraft: {aircraft}
    side: {side}
    evade: true
    start: 0 s
{speed}    route:
      - {{lat: 37.1, lon: 36.8, alt: 9 km}}
      - {{lat: 37.05, lon: 35.83}}
"""


def _error(
    tmp_path: Path, aircraft: str = "f-16", side: str = "hostile", speed: str = ""
) -> InputError:
    path = tmp_path / "scenario.yaml"
    path.write_text(
        VALID + FLIGHTS.format(aircraft=aircraft, side=side, speed=speed), encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    return info.value


def test_a_hostile_f16_may_evade(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(
        VALID + FLIGHTS.format(aircraft="f-16", side="hostile", speed=""), encoding="utf-8"
    )
    (scenario,) = load_scenario(path)
    assert scenario.body.flights[0].evade is True


def test_a_friendly_flight_does_not_evade(tmp_path: Path) -> None:
    err = _error(tmp_path, side="friendly")
    assert (err.line, err.field) == (29, "flights[0].evade")
    assert "only a hostile flight evades" in err.message


def test_an_evading_flight_faster_than_its_aircraft_is_refused(tmp_path: Path) -> None:
    err = _error(tmp_path, speed="    speed: 3000 km/h\n")
    assert (err.line, err.field) == (31, "flights[0].speed")
    assert "at most 2414 km/h" in err.message


def test_evade_takes_only_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    text = VALID + FLIGHTS.format(aircraft="f-16", side="hostile", speed="")
    path.write_text(text.replace("evade: true", "evade: yes"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert (info.value.line, info.value.field) == (29, "flights[0].evade")

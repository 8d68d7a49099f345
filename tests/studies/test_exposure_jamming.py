"""The exposure study's SNR under a scenario's jammers, against the closed forms.

Noise jamming adds J to the noise: S/(N + J) = (S/N) / (1 + J/N) (Mahafza, *Radar Systems
Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2, eqs. 2.50-2.58;
`airguard.radar.snr_jammed_db`).  A stand-off jammer's J/N is fixed and enters through
the sidelobe level when it lies outside the beam; a self-screening jammer on the aircraft
looked at is in the mainlobe at the aircraft's own range R, J/N = j1 / R² (j1: J/N at
1 m), so S/(N + J) = s1 / (R⁴ + j1 R²).  Each test compares the jammed SNR of every sample
in view with the same scenario unjammed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard.scenario import load_scenario
from airguard.studies.exposure import Exposure, exposure_analysis
from airguard.world import World, compile_world

SCENARIO = """\
name: Exposure under jamming
duration: 40 min
assets:
  - name: Base
    position: {{lat: 39.0, lon: 33.0, alt: 0 m}}
    radius: 1 km
units:
  - name: Battery
    system: patriot
    position: {{lat: 39.0, lon: 33.0, alt: 0 m}}
    heading: 0 deg
raids:
  - name: Drone
    threat: shahed-136
    count: 1
    launch_area: {{lat: 38.5, lon: 33.5, alt: 400 m, radius: 1 km}}
    launch_window: {{start: 0 s, end: 10 s}}
    target: Base
flights:
  - name: inbound
    aircraft: f-16
    side: hostile
    route: [{{lat: 41.0, lon: 33.0, alt: 9 km}}, {{lat: 39.3, lon: 33.0}}]
    start: 0 s
    speed: 250 m/s
{jammers}
"""

RADAR = "Battery/an-mpq-65"

STAND_OFF = (
    "jammers:\n  - {name: Orbit, system: growler-jammer, "
    "position: {lat: 39.0, lon: 35.5, alt: 9 km}, start: 400 s}\n"
)
"""A stand-off jammer 215 km east of the radar, on from 400 s."""


def _run(directory: Path, name: str, jammers: str = "") -> tuple[Exposure, World]:
    path = directory / f"{name}.yaml"
    path.write_text(SCENARIO.format(jammers=jammers), encoding="utf-8")
    (sc,) = load_scenario(path)
    world = compile_world(sc)
    return exposure_analysis(sc, world=world), world


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Exposure, World]]:
    d = tmp_path_factory.mktemp("exposure-jam")
    pod = "jammers:\n  - {name: Pod, system: growler-jammer, flight: inbound}\n"
    return {
        "none": _run(d, "none"),
        "stand-off": _run(d, "stand-off", STAND_OFF),
        "pod": _run(d, "pod", pod),
    }


def _snr(exp: Exposure) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The flight's SNR (dB), range (m), time (s) and in-view mask against the radar."""
    r = exp.radar_names.index(RADAR)
    look = exp.looks[0][r]
    return exp.snr_db[0]["nominal"][r], look.range_m, exp.flights[0].time_s, look.in_view


def test_a_self_screening_pod_leaves_s1_over_r4_plus_j1_r2(
    runs: dict[str, tuple[Exposure, World]],
) -> None:
    """SNR_jammed - SNR = -10 log10(1 + j1 / R²) at every sample in view (j1 the World's
    J/N at 1 m for the pod)."""
    exp, world = runs["pod"]
    j1 = float(world.radars.jam_jn[0, 0])
    assert world.radars.jam_carrier[0, 0] >= 0
    assert j1 > 0.0
    snr, rng, _, view = _snr(exp)
    clear, _, _, view0 = _snr(runs["none"][0])
    assert np.array_equal(view, view0)
    assert view.sum() > 100
    expected = clear[view] - 10.0 * np.log10(1.0 + j1 / rng[view] ** 2)
    np.testing.assert_allclose(snr[view], expected, rtol=0.0, atol=1e-9)


def test_a_stand_off_jammer_lowers_the_snr_by_its_sidelobe_jn_once_on(
    runs: dict[str, tuple[Exposure, World]],
) -> None:
    """A jammer 215 km east of the radar, on from 400 s, 90° off the inbound flight: before
    400 s every SNR is the unjammed one bit for bit; from 400 s each is lowered by
    10 log10(1 + J/N × sidelobe level), the World's J/N and sidelobe level."""
    exp, world = runs["stand-off"]
    jn, sll = float(world.radars.jam_jn[0, 0]), float(world.radars.jam_sll[0])
    assert jn > 0.0
    snr, _, t, view = _snr(exp)
    clear, _, _, _ = _snr(runs["none"][0])
    before, after = view & (t < 400.0), view & (t >= 400.0)
    assert before.sum() > 10
    assert after.sum() > 10
    assert np.array_equal(snr[before], clear[before])
    drop_db = 10.0 * math.log10(1.0 + jn * sll)
    np.testing.assert_allclose(snr[after], clear[after] - drop_db, rtol=0.0, atol=1e-9)
    row = next(r for r in exp.rows if r.radar == RADAR)
    clear_row = next(r for r in runs["none"][0].rows if r.radar == RADAR)
    assert row.exposed_s < clear_row.exposed_s


def test_without_jamming_the_figures_are_those_of_no_jammer(
    runs: dict[str, tuple[Exposure, World]], tmp_path: Path
) -> None:
    """jamming=False on the scenario with the stand-off jammer: every SNR and P_D is the
    one of the same scenario without it, bit for bit, and the result says so."""
    exp, world = runs["stand-off"]
    path = tmp_path / "stand-off.yaml"
    path.write_text(SCENARIO.format(jammers=STAND_OFF), encoding="utf-8")
    (sc,) = load_scenario(path)
    off = exposure_analysis(sc, world=world, jamming=False)
    clear = runs["none"][0]
    assert exp.jamming
    assert not off.jamming
    assert np.array_equal(off.snr_db[0]["nominal"], clear.snr_db[0]["nominal"])
    assert np.array_equal(off.pd[0]["nominal"], clear.pd[0]["nominal"])
    assert not np.array_equal(exp.snr_db[0]["nominal"], clear.snr_db[0]["nominal"])

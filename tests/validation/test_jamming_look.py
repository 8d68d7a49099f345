"""Noise jamming in the engine's look: detection at the burn-through range of the closed form.

A stand-off noise jammer adds its power J to the noise N the detector sees, so a look's
signal to noise becomes S / (N + J) = (S/N) / (1 + J/N) (`radar.snr_jammed_db`; Mahafza,
*Radar Systems Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2; the closed forms
are validated in test_jamming_burn_through.py).  With J fixed (the jammer holds its
place) and S falling as R⁻⁴, a target is detected as surely as it was unjammed at R0 when
it comes to the stand-off burn-through range R_bt = R0 (1 + J/N)^(-1/4).  Here one radar
looks once at 20,000 stationary targets (the harness of test_detection_sim.py) and the
fraction detected is held to the closed form, within four binomial standard deviations:

- jammer in the mainlobe (in the direction looked at), targets at R_bt: the unjammed
  detection probability at R0 (Marcum's Q, Richards eq. 6.86);
- jammer 90° off the direction looked at: its J/N enters through the sidelobe level;
- jammer not yet on: the look's draws and detections are those of an unjammed radar,
  bit for bit.

And the World's J/N of a scenario's jammer against each radar is the textbook equation
worked by hand here (Mahafza eq. 2.50–2.52 in J/N form): J/N = Pj Gj Gr λ² / ((4π)² R²
Lj k Ts Bj), with Gr from the beamwidths, Ts = 290 K × F, Br = c / 2ΔR.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import Radars, compile_world
from tests.validation.test_detection_sim import (
    N_THREATS,
    _binomial_band,
    _detected,
    _radar,
    _same_place,
    _threats,
)

RANGE_M = 60_000.0
SNR_DB = 10.0
PFA = 1e-4
HEIGHT_M = 810.0


def _marcum_pd(snr: float) -> float:
    """Swerling 0, one sample: Pd = Q1(sqrt(2 SNR), sqrt(2 T)), T = -ln Pfa (Richards 6.86)."""
    return float(stats.ncx2.sf(2.0 * -math.log(PFA), 2, 2.0 * snr))


def _jammed(
    radar: Radars, jn: float, direction: np.ndarray, sll_db: float, window: tuple[float, float]
) -> Radars:
    """`radar` with one stand-off jammer of mainlobe J/N `jn` in ENU `direction`."""
    d = direction @ radar.enu_basis[0]
    return radar._replace(
        jam_jn=np.array([[jn]]),
        jam_dir=(d / np.linalg.norm(d)).reshape(1, 1, 3),
        jam_carrier=np.full((1, 1), -1, dtype=np.int64),  # holding its position
        jam_window=np.array([[window]], dtype=np.float64),
        jam_cos=np.array([math.cos(math.radians(0.5))]),
        jam_sll=np.array([10.0 ** (sll_db / 10.0)]),
    )


def _east_2deg() -> np.ndarray:
    el = math.radians(2.0)
    return np.array([math.cos(el), 0.0, math.sin(el)])


def test_a_mainlobe_jammer_moves_detection_to_the_burn_through_range() -> None:
    snr0 = 10.0 ** (SNR_DB / 10.0)
    jn = 10.0  # 10 dB J/N
    radar = _jammed(
        _radar(height_m=HEIGHT_M, snr_k=snr0 * RANGE_M**4, pfa=PFA), jn, _east_2deg(), -30.0,
        (0.0, math.inf),
    )  # fmt: skip
    r_bt = RANGE_M * (1.0 + jn) ** -0.25  # stand-off burn-through, radar.burn_through_range_m
    enu, h = _same_place(HEIGHT_M, r_bt, N_THREATS)
    got = _detected(radar, _threats(radar, enu, h, 1.0, 0), seed=11).mean()
    pd = _marcum_pd(snr0)
    assert pd == pytest.approx(0.6161, abs=5e-4)
    assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))
    # and at the unjammed range the jammer takes the detection down to S/(N+J)
    enu, h = _same_place(HEIGHT_M, RANGE_M, N_THREATS)
    got = _detected(radar, _threats(radar, enu, h, 1.0, 0), seed=12).mean()
    pd = _marcum_pd(snr0 / (1.0 + jn))
    assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))
    assert pd < 0.05


def test_a_jammer_off_the_beam_enters_through_the_sidelobes() -> None:
    snr0 = 10.0 ** (SNR_DB / 10.0)
    north = np.array([0.0, 1.0, 0.0])  # 90° from the targets, far outside a 1° beam
    radar = _jammed(
        _radar(height_m=HEIGHT_M, snr_k=snr0 * RANGE_M**4, pfa=PFA), 1000.0, north, -30.0,
        (0.0, math.inf),
    )  # fmt: skip
    enu, h = _same_place(HEIGHT_M, RANGE_M, N_THREATS)
    got = _detected(radar, _threats(radar, enu, h, 1.0, 0), seed=13).mean()
    pd = _marcum_pd(snr0 / (1.0 + 1000.0 * 1e-3))  # 30 dB J/N, −30 dB sidelobes: J = N
    assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))


def test_a_jammer_not_yet_on_changes_no_draw() -> None:
    snr0 = 10.0 ** (SNR_DB / 10.0)
    plain = _radar(height_m=HEIGHT_M, snr_k=snr0 * RANGE_M**4, pfa=PFA)
    later = _jammed(plain, 1e6, _east_2deg(), -30.0, (100.0, math.inf))  # on from t = 100 s
    enu, h = _same_place(HEIGHT_M, RANGE_M, 2000)
    a = _detected(plain, _threats(plain, enu, h, 1.0, 1), seed=14)
    b = _detected(later, _threats(later, enu, h, 1.0, 1), seed=14)
    assert np.array_equal(a, b)


# --- the World's J/N ----------------------------------------------------------------

K_BOLTZMANN = 1.380649e-23
C = 299_792_458.0


def _scenario(small_path: Path, tmp_path: Path, jammers: str) -> Path:
    text = small_path.read_text(encoding="utf-8").replace("variants:", jammers + "variants:", 1)
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_worlds_j_over_n_is_the_textbook_equation(small_path: Path, tmp_path: Path) -> None:
    """The growler-jammer's nominal figures against Patriot's AN/MPQ-65 (nominal), by hand."""
    jammers = (
        "jammers:\n"
        "  - {name: Orbit, system: growler-jammer, position: {lat: 36.4, lon: 36.6, alt: 9000 m}}\n"
        "  - {name: Far, system: growler-jammer, position: {lat: 31.0, lon: 36.6, alt: 100 m}}\n"
    )
    (scenario, _) = load_scenario(_scenario(small_path, tmp_path, jammers))
    world = compile_world(scenario)
    cat = scenario.catalogue
    jam = cat["growler-jammer"]
    radar = cat["patriot"].radars["an-mpq-65"]  # type: ignore[union-attr]
    from airguard.geo import geodetic2ecef

    site = geodetic2ecef(37.05, 35.55, 60.0 + radar.antenna_height.value)
    r = float(np.linalg.norm(geodetic2ecef(36.4, 36.6, 9000.0) - site))
    lam = C / radar.frequency.value
    bw = math.degrees(radar.azimuth_beamwidth.value) * math.degrees(radar.elevation_beamwidth.value)
    gr = 26_000.0 / bw
    ts = 290.0 * 10.0 ** (radar.noise_figure.value / 10.0)
    br = C / (2.0 * radar.range_resolution.value)
    bj = max(jam.bandwidth.value, br)
    pj, gj, lj = (10.0 ** (f.value / 10.0) for f in (jam.power, jam.antenna_gain, jam.losses))
    jn = pj * gj * gr * lam**2 / ((4.0 * math.pi) ** 2 * r**2 * lj * K_BOLTZMANN * ts * bj)
    assert world.radars.jam_jn[0, 0] == pytest.approx(jn, rel=1e-9)
    assert 10.0 * math.log10(jn) > 30.0  # a stand-off jammer some 110 km out is loud
    assert world.radars.jam_jn[0, 1] == 0.0  # 680 km south, at 100 m: below the horizon
    assert world.radars.jam_window[0, 0].tolist() == [0.0, math.inf]
    assert world.radars.jam_sll[0] == pytest.approx(10.0 ** (radar.sidelobe_level.value / 10.0))


X_BAND_JAMMER = """\
id: x-band-jammer
kind: jammer
name: An X-band noise jammer (test)
country: none
summary: A jammer whose band holds only X-band radars.
sources: {}
platform: test
power: {value: 30, notional: test}
antenna_gain: {value: 20, notional: test}
bandwidth: {value: 200 MHz, notional: test}
band_low: {value: 8 GHz, notional: test}
band_high: {value: 12 GHz, notional: test}
"""


def test_a_radar_outside_the_jammers_band_is_not_jammed(small_path: Path, tmp_path: Path) -> None:
    from airguard.catalogue import load_catalogue

    extra = tmp_path / "catalogue"
    extra.mkdir()
    (extra / "x-band-jammer.yaml").write_text(X_BAND_JAMMER, encoding="utf-8")
    jammers = (
        "jammers:\n  - {name: Orbit, system: x-band-jammer, "
        "position: {lat: 36.4, lon: 36.6, alt: 9000 m}}\n"
    )
    path = _scenario(small_path, tmp_path, jammers)
    worlds = {
        sc.label: compile_world(sc) for sc in load_scenario(path, catalogue=load_catalogue([extra]))
    }
    patriot, s400 = worlds["patriot"], worlds["s-400"]
    assert patriot.radars.jam_jn[:, 0].tolist() == [0.0]  # AN/MPQ-65, 5.5 GHz
    by_name = dict(zip(s400.radar_names, s400.radars.jam_jn[:, 0], strict=True))
    assert by_name["Battalion/radar-91n6e"] == 0.0  # 3 GHz
    assert by_name["Battalion/radar-92n6e"] > 0.0  # 9.5 GHz


def test_a_jammer_names_a_jammer(small_path: Path, tmp_path: Path) -> None:
    jammers = "jammers:\n  - {name: Orbit, system: patriot, position: {lat: 36.4, lon: 36.6, alt: 9000 m}}\n"
    with pytest.raises(InputError) as info:
        load_scenario(_scenario(small_path, tmp_path, jammers))
    assert info.value.field == "jammers[0].system"
    assert "unknown jammer 'patriot' (catalogue: growler-jammer)" in info.value.message

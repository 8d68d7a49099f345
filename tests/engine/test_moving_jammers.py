"""Jammers that fly: a jammer riding a hostile flight (``jammers[].flight``).

A flight-borne jammer's J/N is the World's figure at ``JAM_REF_M`` scaled per look by
(JAM_REF_M / R_j)², R_j its carrier's range then (the one-way jamming equation, J/N ∝
R_j⁻²: Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2,
eqs. 2.50–2.52; NAWCWD TP 8347, *Electronic Warfare and Radar Systems Engineering
Handbook*, rev. 4, 2012, section 4-7), in the direction of its carrier; it is silent
while the carrier is not in the air, once it is shot down, and while it is below the
radar's 4/3-Earth horizon.  A jammer on the aircraft looked at is in the mainlobe at the
aircraft's own range: self-screening, S/(N + J) = s1 / (R⁴ + j1 R²) (s1, j1: S/N and J/N
at 1 m), which reaches the required q at the self-screening burn-through range

    R_bt² = R0² / (u + sqrt(1 + u²)),  u = j1 / (2 R0²),  R0 = (s1 / q)^(1/4)

(Mahafza eq. 2.54, in the form of ``radar.burn_through_range_m``; NAWCWD section 4-8:
J/S ∝ R²).  Checked here:

- one look (the harness of tests/validation/test_detection_sim.py, stationary targets):
  a jammer riding a still carrier jams exactly as a fixed jammer at the same place; a
  self-screening jammer on targets at R_bt leaves the detected fraction at Marcum's
  Pd(q); a carrier shot down, not yet in flight or below the horizon jams nothing, bit
  for bit the unjammed look;
- the compiled per-look J/N of a Growler-class jammer on a hostile flight against
  ``radar.jnr_db`` at the flight's range at two times (1/R² as it approaches);
- whole replications: a jammer loitering within 225 m of a point delays the Scuds as a
  fixed jammer there (every first detection range the same to 1 m); an F-16 carrying a
  weak self-protection pod is first detected at the ranges the closed form's per-look
  detection probability predicts (Swerling 1: Pd = exp(-T / (1 + SNR)), Mahafza eq.
  2.75), where R_bt holds for a per-look Pd of a few per cent; once it is shot down its
  pod is a jammer switched off at the cycle that booked the kill, bit for bit;
- a scenario's jammer gives exactly one of position and flight, a hostile flight's name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from airguard.catalogue import load_catalogue
from airguard.engine import draw_threats, event_log, run_replication
from airguard.engine.looks import carried_jamming, look, radar_beam, skylines
from airguard.engine.state import Skylines, new_detections
from airguard.engine.threats import Threats, threat_state
from airguard.errors import InputError
from airguard.radar import SPEED_OF_LIGHT_MPS, jnr_db
from airguard.scenario import load_scenario
from airguard.world import JAM_REF_M, Radars, World, compile_world
from tests.validation.test_detection_sim import (
    LOOK_TIME_S,
    N_THREATS,
    _binomial_band,
    _radar,
    _threats,
)

HEIGHT_M = 810.0
PFA = 1e-4
SNR0_DB = 10.0
HALF_BEAM_COS = math.cos(math.radians(0.5))
NO_TERRAIN = Skylines(np.full((1, 1, 1), -np.inf), np.array([1.0, 1.0]), False)


def _marcum_pd(snr: float) -> float:
    """Swerling 0, one sample: Pd = Q1(sqrt(2 SNR), sqrt(2 T)), T = -ln Pfa (Richards 6.86)."""
    return float(stats.ncx2.sf(2.0 * -math.log(PFA), 2, 2.0 * snr))


def _east(range_m: float, n: int, el_deg: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """n places due east at `range_m`, `el_deg` up (ENU, m), and their heights (m)."""
    el = math.radians(el_deg)
    enu = np.tile([range_m * math.cos(el), 0.0, range_m * math.sin(el)], (n, 1))
    return enu, np.full(n, HEIGHT_M + range_m * math.sin(el))


def _with_carrier(
    radar: Radars, targets: tuple[np.ndarray, np.ndarray], carrier: tuple[np.ndarray, float]
) -> Threats:
    """Stationary unit-RCS Swerling 0 targets, then one more row: the carrier (ENU, height)."""
    enu = np.vstack([targets[0], carrier[0][None, :]])
    h = np.append(targets[1], carrier[1])
    return _threats(radar, enu, h, 1.0, 0)


def _jammer(radar: Radars, jn: float, direction: np.ndarray, carrier: int) -> Radars:
    """`radar` with one jammer on from t = 0: fixed (carrier -1: J/N `jn` in the ENU
    `direction`) or riding threat row `carrier` (J/N `jn` at JAM_REF_M)."""
    d = direction @ radar.enu_basis[0]
    return radar._replace(
        jam_jn=np.array([[jn]]),
        jam_dir=(d / np.linalg.norm(d)).reshape(1, 1, 3) if carrier < 0 else np.zeros((1, 1, 3)),
        jam_carrier=np.array([[carrier]], dtype=np.int64),
        jam_window=np.array([[[0.0, math.inf]]]),
        jam_cos=np.array([HALF_BEAM_COS]),
        jam_sll=np.array([1e-3]),
    )


def _one_look(radar: Radars, thr: Threats, alive: np.ndarray, seed: int) -> np.ndarray:
    """The harness's one look with `alive` (N,) bool in place of all alive."""
    n = thr.ttype.shape[0]
    first_det = np.full(n, math.inf)
    look(
        radar_beam(radar, 0, 0, NO_TERRAIN), thr, alive, LOOK_TIME_S,
        np.random.Generator(np.random.PCG64(seed)), new_detections(n), first_det,
        np.zeros(n, dtype=np.int64), np.zeros(7), event_log(0),
    )  # fmt: skip
    return np.isfinite(first_det)


# --- one look ----------------------------------------------------------------------------

TARGET_M = 60_000.0
JAMMER_M = 150_000.0


def test_a_jammer_on_a_still_carrier_jams_as_a_fixed_one_at_the_same_place() -> None:
    """Targets at 60 km (S/N 10 dB), the jammer 150 km out in their direction at 0 dB
    J/N: carried (J/N at 1 m, (150 km)²) or fixed, every target's detection is the same,
    and the detected fraction is Marcum's at S/(N + J) = 10 / 2 (7 dB), 0.160 (tolerance
    4 binomial s.d.); the per-look J/N and direction equal the fixed jammer's to 1e-12."""
    snr0 = 10.0 ** (SNR0_DB / 10.0)
    plain = _radar(height_m=HEIGHT_M, snr_k=snr0 * TARGET_M**4, pfa=PFA)
    el = math.radians(2.0)
    direction = np.array([math.cos(el), 0.0, math.sin(el)])
    enu_j, h_j = _east(JAMMER_M, 1)
    thr = _with_carrier(plain, _east(TARGET_M, N_THREATS), (enu_j[0], h_j[0]))
    fixed = _jammer(plain, 1.0, direction, -1)
    carried = _jammer(plain, (JAMMER_M / JAM_REF_M) ** 2, direction, N_THREATS)
    alive = np.ones(N_THREATS + 1, dtype=np.bool_)
    a = _one_look(fixed, thr, alive, seed=21)
    b = _one_look(carried, thr, alive, seed=21)
    assert np.array_equal(a, b)
    pd = _marcum_pd(snr0 / 2.0)
    assert pd == pytest.approx(0.160, abs=1e-3)
    assert a[:N_THREATS].mean() == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))
    # the compiled per-look figures themselves: 0 dB, toward the carrier, to round-off
    jn, dirs = carried_jamming(radar_beam(carried, 0, 0, NO_TERRAIN), thr, alive, LOOK_TIME_S)
    assert jn[0] == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(dirs[0], fixed.jam_dir[0, 0], atol=1e-12)


def test_a_self_screening_jammer_is_burnt_through_at_the_closed_form_range() -> None:
    """The jammer rides the targets themselves (all at one place, so each look at one of
    them has the jammer in its mainlobe at its own range), J/N 20 dB at R0 = 60 km, the
    unjammed range of 10 dB SNR: at R_bt (u = 50, R_bt = 6.00 km) S/(N + J) is 10 dB
    again and the detected fraction is Marcum's Pd(10 dB) = 0.6161 (4 binomial s.d.);
    at 2 R_bt it is Pd(S/(N+J) there), 0.029."""
    snr0 = 10.0 ** (SNR0_DB / 10.0)
    r0 = TARGET_M
    j1 = 100.0 * r0**2  # J/N = 100 (20 dB) at R0
    u = j1 / (2.0 * r0**2)
    r_bt = r0 / math.sqrt(u + math.sqrt(1.0 + u * u))
    assert r_bt == pytest.approx(5_999.7, abs=0.1)  # ≈ R0 / sqrt(J/N at R0 + 1)
    plain = _radar(height_m=HEIGHT_M, snr_k=snr0 * r0**4, pfa=PFA)
    radar = _jammer(plain, j1, np.array([1.0, 0.0, 0.0]), 0)  # on target 0, at them all
    alive = np.ones(N_THREATS, dtype=np.bool_)
    for r_m, seed in ((r_bt, 31), (2.0 * r_bt, 32)):
        thr = _threats(plain, *_east(r_m, N_THREATS), 1.0, 0)
        got = _one_look(radar, thr, alive, seed).mean()
        pd = _marcum_pd(snr0 * r0**4 / (r_m**4 + j1 * r_m**2))
        assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS)), r_m
    assert _marcum_pd(snr0 * r0**4 / (16 * r_bt**4 + 4 * j1 * r_bt**2)) == pytest.approx(
        0.029, abs=1e-3
    )


@pytest.mark.parametrize("why", ["shot down", "not yet in flight", "below the horizon"])
def test_a_jammer_whose_carrier_is_not_up_jams_nothing(why: str) -> None:
    """A 30 dB jammer in the targets' direction: with its carrier dead, not yet launched, or
    below the 4/3-Earth horizon (600 km out at 100 m: the horizon is some 160 km), the look
    is the unjammed one, bit for bit; with it up, the look sees far fewer targets."""
    snr0 = 10.0 ** (SNR0_DB / 10.0)
    plain = _radar(height_m=HEIGHT_M, snr_k=snr0 * TARGET_M**4, pfa=PFA)
    where = (600_000.0, 100.0) if why == "below the horizon" else (JAMMER_M, 5_000.0)
    east = np.array([where[0], 0.0, where[1] - HEIGHT_M])
    thr = _with_carrier(plain, _east(TARGET_M, N_THREATS), (east, where[1]))
    if why == "not yet in flight":
        thr.t_launch[N_THREATS] = LOOK_TIME_S + 1.0
    radar = _jammer(plain, 1000.0 * where[0] ** 2, east, N_THREATS)
    alive = np.ones(N_THREATS + 1, dtype=np.bool_)
    dead = alive.copy()
    dead[N_THREATS] = False  # not looked at either: the targets' draws are the same
    unjammed = _one_look(plain, thr, dead, seed=41)
    got = _one_look(radar, thr, dead if why == "shot down" else alive, seed=41)
    assert np.array_equal(got[:N_THREATS], unjammed[:N_THREATS])
    if why == "shot down":
        jammed = _one_look(radar, thr, alive, seed=41)
        assert jammed[:N_THREATS].mean() < 0.1 * unjammed[:N_THREATS].mean()


# --- a World's flight-borne jammer -------------------------------------------------------

INBOUND = (
    "  - name: Strike\n"
    "    aircraft: f-16\n"
    "    side: hostile\n"
    "    start: 0 s\n"
    "    speed: 300 m/s\n"
    "    route:\n"
    "      - {lat: 36.50, lon: 37.45, alt: 9 km}\n"
    "      - {lat: 37.00, lon: 35.72}\n"
)

ESCORT_JAMMER = """\
id: escort-jammer
kind: jammer
name: A weak self-protection noise jammer (test)
country: none
summary: A self-protection pod weak enough that a Patriot radar burns through it in reach.
sources: {}
platform: test
power: {value: 10, notional: "10 W, test"}
antenna_gain: {value: 0, notional: test}
bandwidth: {value: 200 MHz, notional: test}
band_low: {value: 2 GHz, notional: test}
band_high: {value: 12 GHz, notional: test}
"""


def _scenario(small: Path, tmp: Path, jammers: str, flights: str = INBOUND) -> Path:
    text = small.read_text(encoding="utf-8")
    extra = "iff_reliability: 1.0\nflights:\n" + flights + jammers
    path = tmp / f"scenario-{abs(hash(extra))}.yaml"
    path.write_text(text.replace("variants:", extra + "variants:", 1), encoding="utf-8")
    return path


def _world(path: Path, catalogue: Path | None = None) -> World:
    kwargs = {} if catalogue is None else {"catalogue": load_catalogue([catalogue])}
    (scenario,) = load_scenario(path, variant="patriot", **kwargs)
    return compile_world(scenario)


def test_a_flight_borne_jammers_j_over_n_follows_one_over_r_squared(
    small_path: Path, tmp_path: Path
) -> None:
    """A Growler-class jammer on the inbound F-16: the compiled J/N at t = 100 s and 400 s
    is radar.jnr_db (validated in test_jamming_burn_through.py) for the catalogue's figures
    at the flight's range then (to 1e-9), 1/R² between the two."""
    jammers = "jammers:\n  - {name: Pod, system: growler-jammer, flight: Strike}\n"
    world = _world(_scenario(small_path, tmp_path, jammers))
    f16 = world.threat_names.index("f-16")
    thr = draw_threats(world, np.random.Generator(np.random.PCG64(1)))
    (carrier,) = np.flatnonzero(thr.ttype == f16)
    assert world.radars.jam_carrier.tolist() == [[carrier]]
    scenario = load_scenario(_scenario(small_path, tmp_path, jammers), variant="patriot")[0]
    cat = scenario.catalogue
    jam = cat["growler-jammer"]
    radar = cat["patriot"].radars["an-mpq-65"]  # type: ignore[union-attr]
    bw = math.degrees(radar.azimuth_beamwidth.value) * math.degrees(radar.elevation_beamwidth.value)
    beam = radar_beam(world.radars, 0, 0, skylines(world))
    alive = np.ones(thr.ttype.shape[0], dtype=np.bool_)
    st = np.empty(7)
    got = []
    for t in (100.0, 400.0):
        jn, dirs = carried_jamming(beam, thr, alive, t)
        assert threat_state(thr, carrier, t, st)
        d = st[:3] - world.radars.pos_ecef_m[0]
        r_j = float(np.linalg.norm(d))
        expected_db = jnr_db(
            10.0 ** (jam.power.value / 10.0), jam.antenna_gain.value, jam.bandwidth.value, r_j,
            radar.frequency.value, 10.0 * math.log10(26_000.0 / bw),
            SPEED_OF_LIGHT_MPS / (2.0 * radar.range_resolution.value),
            290.0 * 10.0 ** (radar.noise_figure.value / 10.0), jam.losses.value,
        )  # fmt: skip
        assert 10.0 * math.log10(jn[0]) == pytest.approx(expected_db, abs=1e-9)
        np.testing.assert_allclose(dirs[0], d / r_j, atol=1e-12)
        got.append((jn[0], r_j))
    (jn1, r1), (jn2, r2) = got
    assert r2 < 0.5 * r1  # it came in
    assert jn2 / jn1 == pytest.approx((r1 / r2) ** 2, rel=1e-9)


# A hostile "orbit" 290 km from the battery, behind the Scuds' launch area (the fixed
# jammer's place in test_jamming_engine.py): 450 m flown at 1 m/s, so the jammer is
# within 225 m of the route's middle throughout.
LOITER = (
    "  - name: Loiter\n"
    "    aircraft: f-16\n"
    "    side: hostile\n"
    "    start: -10 s\n"
    "    speed: 1 m/s\n"
    "    route:\n"
    "      - {lat: 35.9, lon: 38.4975, alt: 9000 m}\n"
    "      - {lat: 35.9, lon: 38.5025}\n"
)


def test_a_loitering_jammer_delays_the_scuds_as_a_fixed_one_at_its_place(
    small_path: Path, tmp_path: Path
) -> None:
    """The same Growler-class jammer riding a flight that loiters within 225 m of a point
    290 km out, or holding that point: 225 m moves its J/N by at most 2 × 225 / 290,000
    (0.007 dB) and its direction by 0.045°, a look's outcome only if its sample lies that
    close to the threshold or the beam's edge.  The Scuds' first detection ranges agree
    within 1 m in every one of 12 replications (the same looks, the same draws), and the
    jammer delays some of them (a stand-off jammer in the mainlobe, as fixed)."""
    point = "{lat: 35.9, lon: 38.5, alt: 9000 m}"
    fixed = _world(
        _scenario(small_path, tmp_path, f"jammers:\n  - {{name: J, system: growler-jammer, "
                  f"position: {point}}}\n", LOITER)
    )  # fmt: skip
    flying = _world(
        _scenario(small_path, tmp_path, "jammers:\n  - {name: J, system: growler-jammer, "
                  "flight: Loiter}\n", LOITER)
    )  # fmt: skip
    quiet = _world(_scenario(small_path, tmp_path, "", LOITER))
    scud = fixed.threat_names.index("scud-b")
    st = np.empty(7)
    delayed = 0
    for rep in range(12):
        runs = [run_replication(w, SEED, rep) for w in (fixed, flying, quiet)]
        scuds = np.flatnonzero(runs[0].threats.ttype == scud)
        ranges = []
        for res in runs:
            r = []
            for j in scuds:
                t = res.first_detection[j]
                assert np.isfinite(t)
                assert threat_state(res.threats, j, t, st)
                r.append(float(np.linalg.norm(st[:3] - fixed.radars.pos_ecef_m[0])))
            ranges.append(np.asarray(r))
        np.testing.assert_allclose(ranges[1], ranges[0], atol=1.0)
        delayed += int((ranges[0] < ranges[2] - 1.0).sum())
    assert delayed > 0


REPS = 48
SEED = 5


def _first_detection_ranges(world: World, f16: int) -> np.ndarray:
    """The F-16's range from the radar at its first detection, replication by replication."""
    out = []
    st = np.empty(7)
    for rep in range(REPS):
        res = run_replication(world, SEED, rep)
        (j,) = np.flatnonzero(res.threats.ttype == f16)
        t = res.first_detection[j]
        assert np.isfinite(t)
        assert threat_state(res.threats, j, t, st)
        out.append(float(np.linalg.norm(st[:3] - world.radars.pos_ecef_m[0])))
    return np.asarray(out)


def test_an_escort_jammer_is_burnt_through_where_the_closed_form_says(
    small_path: Path, tmp_path: Path
) -> None:
    """An F-16 (1.2 m², Swerling 1) flying in at 300 m/s with a 10 W self-protection pod,
    against the AN/MPQ-65 (a look every 2 s, 600 m of closing).  The first detection range
    of each of 48 replications against its law from the closed form: at the look ranges
    R_k of the flight (looks every period from a uniform phase, eight phases averaged),
    detection at look k with probability Pd_k = exp(-T / (1 + s1 / (R_k⁴ + j1 R_k²)))
    (self-screening S/(N + J); Swerling 1, one look: Mahafza eq. 2.75), the first at k
    with probability Pd_k Π(1 - Pd_i<k).  Every replication lies within the law's
    0.05 %–99.95 % range, and the replications' median within the law's quantiles
    0.5 ± 4 × 0.5 / sqrt(48) (a sample median's binomial band).

    The law's median, 57.6 km (unjammed: 179.1 km, as soon as it comes within the radar's
    180 km), is the self-screening burn-through range R_bt of the closed form for the SNR
    at which one look's Pd is 3-4 %: over the dozens of looks of the approach such looks
    add up to an even chance (R_bt is 53.5 km for a per-look Pd of 5 %, 63.8 km for 2 %;
    23.4 km for 50 %, the single-look figure)."""
    cat = tmp_path / "catalogue"
    cat.mkdir()
    (cat / "escort-jammer.yaml").write_text(ESCORT_JAMMER, encoding="utf-8")
    jammers = "jammers:\n  - {name: Pod, system: escort-jammer, flight: Strike}\n"
    world = _world(_scenario(small_path, tmp_path, jammers), cat)
    f16 = world.threat_names.index("f-16")
    rad = world.radars
    s1 = rad.snr_k_m2[0] * world.threat_types.rcs_m2[f16]
    j1 = rad.jam_jn[0, 0]  # at JAM_REF_M = 1 m (the World's jnr_db, validated elsewhere)
    thr_t = rad.threshold[0]

    def burn_through_m(pd: float) -> float:  # Mahafza eq. 2.54, radar.burn_through_range_m
        q = thr_t / -math.log(pd) - 1.0  # the SNR of a Swerling 1 look's Pd
        r0 = (s1 / q) ** 0.25
        u = j1 / (2.0 * r0**2)
        return r0 / math.sqrt(u + math.sqrt(1.0 + u * u))

    assert burn_through_m(0.5) == pytest.approx(23.4e3, abs=100.0)
    got = _first_detection_ranges(world, f16)
    # the law of the first detection range, from the flight's ranges at the look times
    thr = draw_threats(world, np.random.Generator(np.random.PCG64(0)))  # flown, not shot
    (j,) = np.flatnonzero(thr.ttype == f16)
    period = rad.period_s[0]
    st = np.empty(7)

    def law(jn_1m: float) -> Callable[[float], float]:
        """The range by which a fraction p of the approaches is first detected."""
        ranges, weights = [], []
        for phase in (np.arange(8) + 0.5) / 8.0:
            surv = 1.0 / 8.0
            t = phase * period
            while t < thr.t_impact[j]:
                if threat_state(thr, j, t, st):
                    r = float(np.linalg.norm(st[:3] - rad.pos_ecef_m[0]))
                    if r <= rad.max_range_m[0]:
                        pd = math.exp(-thr_t / (1.0 + s1 / (r**4 + jn_1m * r**2)))
                        ranges.append(r)
                        weights.append(surv * pd)
                        surv *= 1.0 - pd
                t += period
        order = np.argsort(ranges)[::-1]  # far to near: the CDF in order of approach
        r_sorted = np.asarray(ranges)[order]
        cdf = np.cumsum(np.asarray(weights)[order])
        assert cdf[-1] == pytest.approx(1.0, abs=1e-6)  # surely seen before it passes
        return lambda p: float(r_sorted[np.searchsorted(cdf, p)])

    quantile = law(j1)
    band = 4.0 * 0.5 / math.sqrt(REPS)
    assert quantile(0.9995) <= got.min(), (got / 1e3).round(1)
    assert got.max() <= quantile(0.0005), (got / 1e3).round(1)
    assert quantile(0.5 + band) <= np.median(got) <= quantile(0.5 - band)
    assert burn_through_m(0.05) <= quantile(0.5) <= burn_through_m(0.02)
    assert quantile(0.5) == pytest.approx(57.6e3, abs=0.5e3)
    assert law(0.0)(0.5) == pytest.approx(179.1e3, abs=0.5e3)  # unjammed: at once


def test_a_shot_down_carriers_jammer_is_one_switched_off_when_the_kill_is_booked(
    small_path: Path, tmp_path: Path
) -> None:
    """The escort pod's F-16 is shot down: from the cycle that books the kill its jammer
    is silent, so the replication is bit for bit the one in which the same jammer is
    switched off (``end``) just after that cycle's time.  The jammer did matter: without
    it the F-16 is seen earlier."""
    cat = tmp_path / "catalogue"
    cat.mkdir()
    (cat / "escort-jammer.yaml").write_text(ESCORT_JAMMER, encoding="utf-8")
    pod = "jammers:\n  - {{name: Pod, system: escort-jammer, flight: Strike{end}}}\n"
    world = _world(_scenario(small_path, tmp_path, pod.format(end="")), cat)
    quiet = _world(_scenario(small_path, tmp_path, ""), cat)
    f16 = world.threat_names.index("f-16")
    step = world.step_s
    kills = 0
    for rep in range(30):
        if kills == 4:
            break
        a = run_replication(world, SEED, rep)
        (j,) = np.flatnonzero(a.threats.ttype == f16)
        assert a.first_detection[j] > run_replication(quiet, SEED, rep).first_detection[j]
        te = float(a.killed_at[j])
        if not math.isfinite(te):
            continue
        kills += 1
        booked = math.ceil(te / step) * step - step  # the cycle whose fly-out killed it
        off = _world(
            _scenario(small_path, tmp_path, pod.format(end=f", end: {booked + 1e-6!r} s")), cat
        )
        b = run_replication(off, SEED, rep)
        for field in ("first_detection", "killed_at", "launch_time", "outcome", "miss_distance"):
            assert np.array_equal(getattr(a, field), getattr(b, field), equal_nan=True), field
        assert a.n_detections == b.n_detections
    assert kills >= 3


# --- the scenario ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jammer", "field", "says"),
    [
        (
            "{name: Pod, system: growler-jammer, flight: Strike, "
            "position: {lat: 36.4, lon: 36.6, alt: 9000 m}}",
            "jammers[0].flight",
            "give either position or flight",
        ),
        ("{name: Pod, system: growler-jammer}", "jammers[0].name", "neither position nor flight"),
        (
            "{name: Pod, system: growler-jammer, flight: Strik}",
            "jammers[0].flight",
            "unknown flight 'Strik': a jammer rides a hostile flight (hostile flights: "
            "Strike); did you mean 'Strike'?",
        ),
        (
            "{name: Pod, system: growler-jammer, flight: Tanker}",
            "jammers[0].flight",
            "a friendly flight 'Tanker'",
        ),
    ],
)
def test_a_jammer_holds_a_position_or_rides_a_hostile_flight(
    small_path: Path, tmp_path: Path, jammer: str, field: str, says: str
) -> None:
    tanker = (
        "  - name: Tanker\n    aircraft: f-16\n    start: 0 s\n    route:\n"
        "      - {lat: 38.0, lon: 34.0, alt: 8 km}\n      - {lat: 38.0, lon: 34.5}\n"
    )
    path = _scenario(small_path, tmp_path, f"jammers:\n  - {jammer}\n", INBOUND + tanker)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.field == field
    assert says in info.value.message
    line = path.read_text(encoding="utf-8").splitlines().index(f"  - {jammer}") + 1
    assert info.value.line == line


def test_a_bad_jammer_flight_exits_with_status_2(small_path: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from airguard.cli import app

    path = _scenario(
        small_path, tmp_path, "jammers:\n  - {name: Pod, system: growler-jammer, flight: Nope}\n"
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "jammers[0].flight" in result.stderr
    assert "unknown flight 'Nope'" in result.stderr

"""A radar's sidelobe canceller: jamming through the sidelobes lowered by its cancellation.

Catalogue ``sidelobe_cancellation`` (dB) and ``sidelobe_canceller_channels``
(:func:`airguard.world.sidelobe_cancellation_db`; docs/electronic-warfare.md): at World
build the sidelobe level a jammer outside the beam meets becomes ``sidelobe_level −
sidelobe_cancellation`` dB, when the scenario has no more jammers in the radar's band
than the canceller has channels; with more, or with no canceller, it stays the sidelobe
level.  The mainlobe J/N is never touched.  Known by construction:

- the small scenario's Patriot against a Growler-class jammer orbiting behind the Scuds'
  launch area (tests/engine/test_jamming_engine.py), with the canceller swept to 20 dB:
  the World's sidelobe level is exactly 20 dB lower, its mainlobe J/N identical;
- three jammers against a two-channel canceller: no cancellation;
- a canceller of 0 dB, or none, is bit for bit the radar without one (the shipped
  nominal: the flagship's figures do not move);
- whole replications with the jammer in the battery's sidelobes: without the canceller it
  delays every Scud's first detection by a minute or more; cancelled, by under a quarter
  of that on average.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import World, compile_world

SEED = 3
REPS = 8
# behind the Scuds' launch area (36.35 N, 37.35 E), seen from the battery (37.05 N, 35.55 E)
ORBIT = "{lat: 35.9, lon: 38.5, alt: 9000 m}"
# north-west of the battery, far outside its 120 deg sector facing the Scuds: sidelobes only
FAR = "{lat: 38.5, lon: 33.5, alt: 9000 m}"


def _worlds(small: Path, tmp: Path, jammers: str, sweep: str = "") -> list[World]:
    text = small.read_text(encoding="utf-8")
    text = text.replace("variants:", jammers + sweep + "variants:", 1)
    path = tmp / f"scenario-{abs(hash(jammers + sweep))}.yaml"
    path.write_text(text, encoding="utf-8")
    return [compile_world(s) for s in load_scenario(path, variant=None) if "patriot" in s.label]


def _jammer(name: str, where: str) -> str:
    return f"  - {{name: {name}, system: growler-jammer, position: {where}}}\n"


SWEEP = "sweeps:\n  - figure: an-mpq-65 sidelobe_cancellation\n    values: [0, 20]\n"


def test_the_canceller_lowers_the_sidelobe_level_and_leaves_the_mainlobe(
    small_path: Path, tmp_path: Path
) -> None:
    off, on = _worlds(small_path, tmp_path, "jammers:\n" + _jammer("Orbit", ORBIT), SWEEP)
    assert off.radars.jam_sll[0] == pytest.approx(10.0 ** (-35.0 / 10.0), rel=1e-12)
    assert on.radars.jam_sll[0] == pytest.approx(10.0 ** (-55.0 / 10.0), rel=1e-12)
    assert np.array_equal(off.radars.jam_jn, on.radars.jam_jn)
    assert np.array_equal(off.radars.jam_dir, on.radars.jam_dir)


def test_more_jammers_than_channels_cancel_nothing(small_path: Path, tmp_path: Path) -> None:
    three = "jammers:\n" + "".join(_jammer(f"J{k}", ORBIT) for k in range(3))
    off, on = _worlds(small_path, tmp_path, three, SWEEP)
    assert on.radars.jam_sll[0] == off.radars.jam_sll[0] == pytest.approx(10.0**-3.5)
    two = "jammers:\n" + "".join(_jammer(f"J{k}", ORBIT) for k in range(2))
    _, on2 = _worlds(small_path, tmp_path, two, SWEEP)
    assert on2.radars.jam_sll[0] == pytest.approx(10.0**-5.5)  # two channels: cancelled


def test_no_canceller_is_the_shipped_nominal(small_path: Path, tmp_path: Path) -> None:
    (plain,) = _worlds(small_path, tmp_path, "jammers:\n" + _jammer("Orbit", ORBIT))
    off, _ = _worlds(small_path, tmp_path, "jammers:\n" + _jammer("Orbit", ORBIT), SWEEP)
    assert plain.radars.jam_sll[0] == off.radars.jam_sll[0]
    a, b = run_replication(plain, SEED, 0), run_replication(off, SEED, 0)
    assert np.array_equal(a.first_detection, b.first_detection)
    assert np.array_equal(a.killed_at, b.killed_at, equal_nan=True)


def test_a_cancelled_sidelobe_jammer_hardly_delays_detection(
    small_path: Path, tmp_path: Path
) -> None:
    """The jammer 230 km north-west, outside the sector: 15.9 dB J/N through the -35 dB
    sidelobes delays every Scud's first detection by 90 s or more (stand-off burn-through
    at (1 + J/N)^(-1/4) = 0.40 of the unjammed range); cancelled by 20 dB to -4.1 dB
    (0.92 of it), the mean delay is under a quarter of that."""
    (quiet,) = _worlds(small_path, tmp_path, "")
    jammed, cancelled = _worlds(small_path, tmp_path, "jammers:\n" + _jammer("Far", FAR), SWEEP)
    side_db = 10.0 * np.log10(jammed.radars.jam_jn[0, 0] * jammed.radars.jam_sll[0])
    assert side_db == pytest.approx(15.9, abs=0.1)
    left_db = 10.0 * np.log10(cancelled.radars.jam_jn[0, 0] * cancelled.radars.jam_sll[0])
    assert left_db == pytest.approx(-4.1, abs=0.1)
    scud = quiet.threat_names.index("scud-b")
    d_jammed, d_cancelled = [], []
    for rep in range(REPS):
        q, j, c = (run_replication(w, SEED, rep) for w in (quiet, jammed, cancelled))
        scuds = q.threats.ttype == scud
        d_jammed.extend(j.first_detection[scuds] - q.first_detection[scuds])
        d_cancelled.extend(c.first_detection[scuds] - q.first_detection[scuds])
    assert min(d_jammed) > 60.0, d_jammed
    assert np.mean(d_cancelled) < 0.25 * np.mean(d_jammed), (d_jammed, d_cancelled)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sidelobe_canceller_channels": None}, "go together"),
        ({"sidelobe_cancellation": {"value": -3, "notional": "t"}}, "at least 0 dB"),
        ({"sidelobe_canceller_channels": {"value": 1.5, "notional": "t"}}, "whole number"),
    ],
)
def test_bad_canceller_figures_are_refused(change: dict[str, object], message: str) -> None:
    import yaml

    from airguard.catalogue.models import RadarSpec

    data = Path(__file__).parents[2] / "src" / "airguard" / "catalogue" / "data"
    raw = yaml.safe_load((data / "patriot.yaml").read_text(encoding="utf-8"))["radars"]
    spec = dict(raw["an-mpq-65"])
    for key, value in change.items():
        if value is None:
            spec.pop(key)
        else:
            spec[key] = value
    with pytest.raises(ValueError, match=message):
        RadarSpec.model_validate(spec)

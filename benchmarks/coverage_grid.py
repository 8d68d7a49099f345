"""Timing of coverage maps: 1,000 × 1,000 km at 1 km for 10 units, no terrain (issue 7).

Ten fire units — five Patriot batteries and five S-400 battalions (three radars of 120°,
90° and 360° among them, instrumented ranges 180 to 600 km) — on a 3 × 4 lattice about
250 km apart over a 1,000 × 1,000 km box centred on 38° N, 37° E, against the flagship's
five threat types (three ballistic, a cruise missile, a drone).  The World is compiled
first (not timed: it is the scenario, the same for the engine); the first call of
:func:`airguard.studies.coverage.coverage_grid` loads or compiles the kernels (warm-up); then the
best of a few timed calls.  Target: at most 1 s.

Run: ``.venv/bin/python benchmarks/coverage_grid.py``.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import yaml

from airguard.geo import MEAN_EARTH_RADIUS_M
from airguard.scenario import load_scenario
from airguard.studies.coverage import coverage_grid
from airguard.world import compile_world

FLAGSHIP = Path(__file__).parent.parent / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"
CENTRE_DEG = (38.0, 37.0)
SIDE_M = 1_000_000.0
RESOLUTION_M = 1_000.0
TARGET_S = 1.0
REPEATS = 5


def bounds() -> tuple[float, float, float, float]:
    """A square of SIDE_M on a side about CENTRE_DEG (east-west at the middle latitude)."""
    half_lat = math.degrees(0.5 * SIDE_M / MEAN_EARTH_RADIUS_M)
    half_lon = half_lat / math.cos(math.radians(CENTRE_DEG[0]))
    lat, lon = CENTRE_DEG
    return (lat - half_lat, lon - half_lon, lat + half_lat, lon + half_lon)


def scenario_text() -> str:
    """The flagship's assets and raids with ten units on a lattice instead of its four."""
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data.pop("variants", None)
    lat0, lon0, lat1, lon1 = bounds()
    units = []
    for k in range(10):
        row, col = divmod(k, 4)
        lat = lat0 + (lat1 - lat0) * (row + 1) / 4
        lon = lon0 + (lon1 - lon0) * (col + 0.5) / 4
        system = "patriot" if k % 2 == 0 else "s-400"
        units.append(
            {
                "name": f"Unit {k + 1} ({system})",
                "system": system,
                "position": {"lat": round(lat, 4), "lon": round(lon, 4), "alt": "500 m"},
                "heading": f"{(45 * k) % 360} deg",
            }
        )
    data["units"] = units
    data["name"] = "Coverage benchmark: ten units"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coverage-benchmark.yaml"
        path.write_text(scenario_text(), encoding="utf-8")
        (scenario,) = load_scenario(path)
    world = compile_world(scenario)
    box = bounds()
    start = time.perf_counter()
    cov = coverage_grid(world, bounds=box, resolution_m=RESOLUTION_M)
    warm = time.perf_counter() - start
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        cov = coverage_grid(world, bounds=box, resolution_m=RESOLUTION_M)
        times.append(time.perf_counter() - start)
    ny, nx = cov.shape
    best, median = min(times), sorted(times)[len(times) // 2]
    print(
        f"grid {ny} × {nx} cells ({cov.cell_size_m[0] / 1e3:.3f} × {cov.cell_size_m[1] / 1e3:.3f} "
        f"km), {len(cov.unit_names)} units, {len(cov.threat_names)} threat types "
        f"({', '.join(cov.threat_names)}), {world.radars.pos_ecef_m.shape[0]} radars"
    )
    print(f"first call (kernels loaded or compiled): {warm:.2f} s")
    print(f"timed calls: best {best:.3f} s, median {median:.3f} s of {REPEATS}")
    print(f"target <= {TARGET_S:.1f} s: {'met' if best <= TARGET_S else 'NOT met'}")
    print(f"ratio coverage_s={best:.4f}")


if __name__ == "__main__":
    main()

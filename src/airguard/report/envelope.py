"""Write an engagement envelope as tables, a JSON summary and a PNG plot."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from airguard.studies.envelope import EngagementEnvelope

__all__ = ["envelope_summary", "write_envelope"]


def envelope_summary(env: EngagementEnvelope) -> dict[str, Any]:
    """The envelope's headline figures (SI units)."""
    lo, hi = env.max_range_band_m
    return {
        "interceptor": env.interceptor,
        "threat": env.threat,
        "kinematic_max_range_m": env.kinematic_max_range_m,
        "kinematic_max_altitude_m": env.reach.max_height_m,
        "catalogue_max_range_m": {"low": lo, "nominal": env.max_range_m, "high": hi},
        "kinematic_reach_within_catalogue_band": env.reach_within_band,
        "catalogue_altitude_limits_m": [env.min_altitude_m, env.max_altitude_m],
        "footprint_half_width_m": env.footprint_half_width_m,
        "reaction_time_s": env.reaction_s,
    }


def write_envelope(env: EngagementEnvelope, out: str | Path) -> dict[str, Path]:
    """Write ``reach.csv``, ``crossings.csv``, ``summary.json`` and ``envelope.png`` to `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "reach": out / "reach.csv",
        "crossings": out / "crossings.csv",
        "summary": out / "summary.json",
        "plot": out / "envelope.png",
    }
    r = env.reach
    with paths["reach"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["ground_range_m", "altitude_m", "time_to_reach_s", "speed_mps", "launch_elevation_deg"]
        )
        for i, j in zip(*np.nonzero(np.isfinite(r.time_s)), strict=True):
            w.writerow(
                [
                    f"{i * r.range_step_m:.1f}",
                    f"{j * r.height_step_m:.1f}",
                    f"{r.time_s[i, j]:.2f}",
                    f"{r.speed_mps[i, j]:.1f}",
                    f"{math.degrees(r.elevation_rad[i, j]):.2f}",
                ]
            )
    with paths["crossings"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "offset_m",
                "engageable",
                "first_intercept_time_to_impact_s",
                "last_intercept_time_to_impact_s",
                "first_intercept_altitude_m",
                "first_intercept_ground_range_m",
            ]
        )
        for c in env.crossings:
            first, last = c.window()
            if c.any:
                k = int(np.nonzero(c.feasible)[0][0])
                alt, rng = f"{c.altitude_m[k]:.0f}", f"{c.ground_range_m[k]:.0f}"
            else:
                alt = rng = ""
            w.writerow([f"{c.offset_m:.0f}", int(c.any), _num(first), _num(last), alt, rng])
    paths["summary"].write_text(json.dumps(envelope_summary(env), indent=2) + "\n")
    _plot(env, paths["plot"])
    return paths


def _num(x: float) -> str:
    return "" if math.isnan(x) else f"{x:.1f}"


def _plot(env: EngagementEnvelope, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    r = env.reach
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5.2), constrained_layout=True)
    rng_km = np.arange(r.time_s.shape[0]) * r.range_step_m / 1e3
    alt_km = np.arange(r.time_s.shape[1]) * r.height_step_m / 1e3
    t = np.where(np.isfinite(r.time_s), r.time_s, np.nan)
    mesh = ax.pcolormesh(rng_km, alt_km, t.T, shading="nearest", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="earliest time to reach (s)")
    ax.add_patch(
        Rectangle(
            (env.min_range_m / 1e3, env.min_altitude_m / 1e3),
            (env.max_range_m - env.min_range_m) / 1e3,
            (env.max_altitude_m - env.min_altitude_m) / 1e3,
            fill=False,
            edgecolor="white",
            linestyle="--",
            linewidth=1.5,
            label="catalogue limits (nominal)",
        )
    )
    lo, hi = env.max_range_band_m
    ax.axvspan(
        lo / 1e3, hi / 1e3, color="orange", alpha=0.15, label="catalogue max range, low–high"
    )
    c0 = env.crossings[0]
    ax.plot(
        c0.ground_range_m / 1e3,
        c0.altitude_m / 1e3,
        color="red",
        lw=1,
        label=f"{env.threat} path at the unit",
    )
    ax.plot(
        c0.ground_range_m[c0.feasible] / 1e3,
        c0.altitude_m[c0.feasible] / 1e3,
        ".",
        color="red",
        ms=5,
        label="feasible intercepts",
    )
    ax.set_xlim(0, rng_km[-1])
    ax.set_ylim(0, alt_km[-1])
    ax.set_xlabel("ground range from the unit (km)")
    ax.set_ylabel("altitude above the unit (km)")
    ax.set_title(
        f"{env.interceptor}: kinematic reach (max {env.kinematic_max_range_m / 1e3:.0f} km)"
    )
    ax.legend(loc="upper right", fontsize=8)
    offs = np.array([c.offset_m for c in env.crossings]) / 1e3
    win = np.array([c.window() for c in env.crossings])
    ax2.fill_between(offs, win[:, 1], win[:, 0], step="mid", alpha=0.5, label="intercept window")
    ax2.set_xlabel("offset of the threat's aim point from the unit (km)")
    ax2.set_ylabel("time before impact (s)")
    ax2.set_title(
        f"vs {env.threat}: engageable up to {env.footprint_half_width_m / 1e3:.0f} km off the unit"
    )
    ax2.legend(loc="upper right", fontsize=8)
    fig.savefig(path, dpi=110)
    plt.close(fig)

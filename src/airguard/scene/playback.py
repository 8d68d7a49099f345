"""One replication of a run, as positions over time, for the viewer and the exports.

Replication k of seed s is a pure function of (scenario, seed, k), so
:func:`playback` runs it again (:func:`airguard.engine.run_replication` with an event
log, as :mod:`airguard.studies.replay` does), checks that it reproduces the stored row of the
``replications`` table, and returns plain JSON:

- **threats** (and friendly flights): their true positions every `step_s` seconds
  from the engine's own trajectory arrays (the 1 s grid that the engine flies them on
  and interpolates), from launch (or t = 0) to the kill, the impact or the end;
- **interceptors**: from the launching unit's site through the positions the engine
  logs for each interceptor in flight once a fire-control cycle (``state`` events) to
  where its flight ended (the ``end`` event's position), joined by straight segments;
  the path is exact at those points (``approximate`` false).  A log without states
  (older runs) gives the *approximate* path: straight segments from the site to the
  target's true position at the end (kills, Pk failures and misses, which end within the
  miss distance of it), or, when the target was gone, the ground was hit or time ran
  out, towards the predicted intercept point at the pace that would reach it on time;
- **events**: detections (measured positions), first tracks, launches, intercepts
  (ends with their outcome and position) and impacts.

Positions are degrees and metres above the WGS84 ellipsoid, times seconds from the
scenario's t = 0.  Nothing is written to the run directory.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.engine import ReplicationResult, Threats
    from airguard.scenario import Scenario
    from airguard.world import World

__all__ = ["PLAYBACK_VERSION", "playback", "representative_replication"]

PLAYBACK_VERSION = 1
"""Format version of :func:`playback`'s JSON."""

_HIT_OUTCOMES = ("kill", "pk-fail", "miss")
"""Interceptor outcomes that end at the target (within the miss distance)."""


def representative_replication(run_dir: str | Path) -> dict[str, Any]:
    """The replication whose outcome is closest to the run's median.

    Rule: the smallest distance |leakers − median leakers|, then |assets damaged −
    median|, then |interceptor cost − median cost|, then the lowest replication number.
    Returns ``{"replication": k, "leakers": ..., "assets_damaged": ...,
    "interceptor_cost_usd": ..., "median": {...}, "rule": "..."}``.
    """
    from airguard.results.store import read_table

    reps = read_table(run_dir, "replications")
    k = reps.column("replication").to_numpy()
    cols = ("leakers", "assets_damaged", "interceptor_cost_usd")
    values = {c: reps.column(c).to_numpy().astype(np.float64) for c in cols}
    medians = {c: float(np.median(v)) for c, v in values.items()}
    keys = [k] + [np.abs(values[c] - medians[c]) for c in reversed(cols)]
    best = int(np.lexsort(keys)[0])
    return {
        "replication": int(k[best]),
        **{
            c: (float(values[c][best]) if c.endswith("usd") else int(values[c][best])) for c in cols
        },
        "median": medians,
        "rule": "closest to the median number of leakers, then of assets damaged, then of "
        "interceptor cost; the lowest replication number on a tie",
    }


def _hermite(thr: Threats, j: int, t: np.ndarray) -> np.ndarray:
    """True ECEF positions (m) of threat j at times `t` (s, inside its valid grid), (T, 3).

    The cubic Hermite interpolation of the engine's 1 s grid (positions and
    velocities), as the engine itself reads it (:func:`airguard.trajectory.hermite_states`)."""
    from airguard.trajectory import hermite_states
    from airguard.world import GRID_DT_S

    out: np.ndarray = hermite_states(
        thr.pos[j], thr.vel[j], t, GRID_DT_S, int(thr.k_first[j]), int(thr.k_last[j])
    )[:, :3]
    return out


def _geodetic(xyz: np.ndarray) -> tuple[list[float], list[float], list[float]]:
    from airguard.geo import ecef2geodetic

    lat, lon, alt = ecef2geodetic(np.asarray(xyz, dtype=np.float64).reshape(-1, 3))
    return (
        np.round(lat, 5).tolist(),
        np.round(lon, 5).tolist(),
        np.round(alt, 0).tolist(),
    )


def _threat_span(thr: Threats, j: int, end_s: float) -> tuple[float, float] | None:
    """Times (s) between which threat j's trajectory is valid and shown, or None."""
    from airguard.world import GRID_DT_S

    start = max(float(thr.t_launch[j]), float(thr.k_first[j]) * GRID_DT_S, 0.0)
    stop = min(end_s, float(thr.k_last[j]) * GRID_DT_S)
    if not stop > start:
        return None
    return start, stop


def _samples(start: float, stop: float, step_s: float) -> np.ndarray:
    """Times from `start` to `stop` on multiples of `step_s`, both ends included."""
    inner = np.arange(math.floor(start / step_s) + 1, math.ceil(stop / step_s)) * step_s
    return np.concatenate([[start], inner[(inner > start) & (inner < stop)], [stop]])


def _track(t: np.ndarray, xyz: np.ndarray) -> dict[str, list[float]]:
    """A path's samples, times to the millisecond: of samples that round to one time only
    the last is kept (a flight may end within a millisecond of a step's sample, and the
    exports need times that increase)."""
    rounded = np.round(t, 3)
    keep = np.append(rounded[1:] > rounded[:-1], True) if rounded.size else rounded.astype(bool)
    lat, lon, alt = _geodetic(xyz[keep])
    return {"t": rounded[keep].tolist(), "lat": lat, "lon": lon, "alt": alt}


class _Log(NamedTuple):
    """The replication's event log cut to its events: kinds, times (s), the integer and
    the float fields of each (see :class:`airguard.engine.EventLog`)."""

    kind: np.ndarray
    t: np.ndarray
    ints: np.ndarray
    vals: np.ndarray


def playback(
    run_dir: str | Path,
    replication: int,
    *,
    step_s: float = 1.0,
    scenario: Scenario | None = None,
    world: World | None = None,
) -> dict[str, Any]:
    """Replication `replication` of the run in `run_dir` as positions over time (JSON).

    See the module docstring for what is exact and what is approximate.  `step_s` is the
    sampling interval of the trajectories (s, at least 1: the engine's grid).
    `scenario` is the run's scenario if already loaded (:func:`run_scenario`), and `world`
    its compiled world (:func:`airguard.world.compile_world`).

    Raises
    ------
    InputError
        If the directory is not a finished run, the replication is not in it, or its
        scenario file is missing or changed since the run.
    """
    from airguard.studies.replay import rerun_logged

    if step_s < 1.0:
        raise ValueError(f"step_s: expected at least 1 s (the engine's grid), got {step_s}")
    root = Path(run_dir)
    scenario, manifest = _checked_run(root, replication, scenario)
    if world is None:
        from airguard.world import compile_world

        world = compile_world(scenario)
    seed = int(manifest["seed"])
    result, log, outcome, stored = rerun_logged(root, world, seed, replication)
    outcome["assets_damaged"] = int((stored or {}).get("assets_damaged") or 0)
    duration = float(world.duration_s)

    n = int(log.n[0])
    events = _Log(log.kind[:n], log.t[:n], log.ints[:n], log.vals[:n])
    threats = _threats(world, result, events, step_s)
    interceptors, intercepts = _interceptors(world, result, events, step_s)
    return {
        "version": PLAYBACK_VERSION,
        "scenario": scenario.body.name,
        "variant": scenario.variant,
        "replication": replication,
        "seed": seed,
        "start_s": 0.0,
        "end_s": duration,
        "step_s": step_s,
        "outcome": outcome,
        "radars": list(world.radar_names),
        "threats": threats,
        "interceptors": interceptors,
        "events": _events(world, events, intercepts),
        "notes": _notes(interceptors, float(world.step_s)),
    }


def _notes(interceptors: list[dict[str, Any]], cycle_s: float) -> list[str]:
    """What the playback's positions are (shown by the viewer, written into exports)."""
    notes = ["threat positions are the engine's true trajectories"]
    approximate = sum(1 for m in interceptors if m["approximate"])
    if interceptors and approximate < len(interceptors):
        notes.append(
            "interceptor paths are the engine's own flown paths (guided, limited by the "
            f"airframe, with seeker noise), sampled once a fire-control cycle ({cycle_s:g} s) "
            "and where each flight ended"
        )
    if approximate:
        notes.append(
            f"{approximate} interceptor path{'s are' if approximate > 1 else ' is'} approximate "
            "(no logged state): straight segments between the launch, any retarget and the end"
        )
    return notes


def _checked_run(
    root: Path, replication: int, scenario: Scenario | None
) -> tuple[Scenario, dict[str, Any]]:
    """The run's scenario and manifest, once the replication is known to be in the run and
    the scenario unchanged since (InputError otherwise)."""
    from airguard.results.store import read_manifest
    from airguard.scene import run_scenario

    if scenario is None:
        scenario, _ = run_scenario(root)
    manifest = read_manifest(root)
    n_reps = int(manifest.get("replications", 0))
    if not 0 <= replication < n_reps:
        raise InputError(
            f"replication {replication} is not in this run (it has 0 to {n_reps - 1})",
            file=str(root),
        )
    if scenario.digest != manifest.get("scenario_sha256"):
        raise InputError(
            "the scenario changed since the run (its digest differs); playback needs the file "
            "as it was",
            file=str(manifest.get("scenario_file")),
        )
    return scenario, manifest


# --- threats


def _threats(
    world: World, result: ReplicationResult, log: _Log, step_s: float
) -> list[dict[str, Any]]:
    """Each threat (and friendly flight): what it was, its fate and its track."""
    from airguard.engine import EV_IMPACT, EV_TRACK, OUTCOME_NAMES

    kind, t_ev, ints, _ = log
    thr = result.threats
    duration = float(world.duration_s)
    raid_of = np.repeat(np.arange(len(world.raid_names)), world.raids.size)
    classes = ("ballistic", "cruise", "drone", "aircraft")
    first_track: dict[int, float] = {}
    for e in np.flatnonzero(kind == EV_TRACK):
        first_track.setdefault(int(ints[e, 1]), float(t_ev[e]))
    fired_at: dict[int, list[int]] = {}
    for i, target in enumerate(result.interceptor_first_target.tolist()):
        fired_at.setdefault(int(target), []).append(i)
    killer: dict[int, int] = {}
    for i, (o, target) in enumerate(
        zip(result.outcome.tolist(), result.interceptor_target.tolist(), strict=True)
    ):
        if OUTCOME_NAMES[o] == "kill":
            killer[int(target)] = i
    impact_asset: dict[int, str | None] = {}
    for e in np.flatnonzero(kind == EV_IMPACT):
        a = int(ints[e, 1])
        impact_asset[int(ints[e, 0])] = (
            world.asset_names[a] if 0 <= a < len(world.asset_names) else None
        )
    threats = []
    for j in range(world.n_threats):
        fate, end_s = _fate(result, j, duration)
        span = None if fate == "never released" else _threat_span(thr, j, end_s)
        track = None
        if span is not None:
            ts = _samples(span[0], span[1], step_s)
            track = _track(ts, _hermite(thr, j, ts))
        friendly = bool(thr.friendly[j])
        target = int(thr.target[j])
        first_det = float(result.first_detection[j])
        threats.append(
            {
                "id": j,
                "type": world.threat_names[int(thr.ttype[j])],
                "class": classes[int(thr.cls[j])]
                if 0 <= int(thr.cls[j]) < len(classes)
                else "unknown",
                "raid": world.raid_names[int(raid_of[j])],
                "friendly": friendly,
                "target": None
                if friendly or not 0 <= target < len(world.asset_names)
                else world.asset_names[target],
                "launch_s": round(float(thr.t_launch[j]), 3),
                "end_s": round(end_s, 3),
                "fate": fate,
                "first_detection_s": round(first_det, 3) if math.isfinite(first_det) else None,
                "first_track_s": first_track.get(j),
                "interceptors": fired_at.get(j, []),
                "killed_by": killer.get(j),
                "asset_hit": impact_asset.get(j),
                "track": track,
            }
        )
    return threats


def _fate(result: ReplicationResult, j: int, duration: float) -> tuple[str, float]:
    """How threat j's flight ended, and when (s)."""
    thr = result.threats
    killed_at = float(result.killed_at[j])
    friendly = bool(thr.friendly[j])
    t_impact = float(thr.t_impact[j])
    if result.unreleased is not None and bool(result.unreleased[j]):
        return "never released", float(thr.t_launch[j])  # its carrier was shot down first
    if math.isfinite(killed_at):
        return ("shot down" if friendly else "killed"), killed_at
    if bool(result.impacted[j]):
        return "leaked", t_impact
    if friendly or int(thr.target[j]) < 0:  # a flight, friendly or hostile, ends its route
        return "flew", min(t_impact, duration)
    if t_impact <= duration:
        return "landed", t_impact
    return "in flight at the end", duration


# --- interceptors: launch, retargets, end


class _Flights(NamedTuple):
    """What the log says of each interceptor, by interceptor number."""

    launch_pip: dict[int, tuple[np.ndarray, float]]  # aim at launch: ECEF m, time s
    retargets: dict[int, list[tuple[float, int]]]  # time s and new target of each turn
    logged: dict[int, list[tuple[float, np.ndarray]]]  # the engine's own positions, ECEF m
    ended: dict[int, np.ndarray]  # where its flight ended, ECEF m


def _flights(log: _Log) -> _Flights:
    """What the log says of each interceptor's flight (see :class:`_Flights`)."""
    from airguard.engine import EV_END, EV_LAUNCH, EV_RETARGET, EV_STATE

    kind, t_ev, ints, vals = log
    launch_pip: dict[int, tuple[np.ndarray, float]] = {}
    for e in np.flatnonzero(kind == EV_LAUNCH):
        launch_pip[int(ints[e, 2])] = (vals[e, 1:4].copy(), float(vals[e, 0]))
    retargets: dict[int, list[tuple[float, int]]] = {}
    for e in np.flatnonzero(kind == EV_RETARGET):
        retargets.setdefault(int(ints[e, 0]), []).append((float(t_ev[e]), int(ints[e, 2])))
    # the engine's own positions of each interceptor: once a cycle in flight, and at its end
    logged: dict[int, list[tuple[float, np.ndarray]]] = {}
    for e in np.flatnonzero(kind == EV_STATE):
        logged.setdefault(int(ints[e, 0]), []).append((float(t_ev[e]), vals[e, 0:3].copy()))
    ended: dict[int, np.ndarray] = {}
    for e in np.flatnonzero(kind == EV_END):
        if np.any(vals[e, 1:4] != 0.0):
            ended[int(ints[e, 0])] = vals[e, 1:4].copy()
    return _Flights(launch_pip, retargets, logged, ended)


def _toward(p0: np.ndarray, t0: float, aim: np.ndarray, t_aim: float, t: float) -> np.ndarray:
    """Where a straight flight from p0 at t0 that reaches `aim` at `t_aim` is at t."""
    f = 1.0 if t_aim <= t0 else min(max((t - t0) / (t_aim - t0), 0.0), 1.0)
    out: np.ndarray = p0 + f * (aim - p0)
    return out


def _interceptors(
    world: World, result: ReplicationResult, log: _Log, step_s: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each interceptor with its path, and the intercepts (flights that ended at their
    target) with their positions."""
    from airguard.engine import OUTCOME_NAMES

    flights = _flights(log)
    unit_xyz = world.units.pos_ecef_m + 5.0 * world.units.enu_basis[:, 2, :]
    interceptors = []
    intercepts = []
    for i in range(result.outcome.size):
        u = int(result.interceptor_unit[i])
        t0, t1 = float(result.launch_time[i]), float(result.end_time[i])
        outcome_name = OUTCOME_NAMES[int(result.outcome[i])]
        ts, xyz, end, exact = _interceptor_path(result, flights, i, unit_xyz[u], step_s)
        miss = float(result.miss_distance[i])
        target = int(result.interceptor_target[i])
        interceptors.append(
            {
                "id": i,
                "unit": world.unit_names[u],
                "type": world.interceptor_names[int(result.interceptor_type[i])],
                "target": target,
                "first_target": int(result.interceptor_first_target[i]),
                "launch_s": round(t0, 3),
                "end_s": round(t1, 3),
                "outcome": outcome_name,
                "miss_m": round(miss, 1) if math.isfinite(miss) else None,
                "cost_usd": float(world.interceptors.cost_usd[int(result.interceptor_type[i])]),
                "retargets": [{"t": t, "threat": j} for t, j in flights.retargets.get(i, [])],
                "approximate": not exact,
                "track": _track(ts, xyz),
            }
        )
        if outcome_name in _HIT_OUTCOMES:
            lat, lon, alt = _geodetic(end)
            intercepts.append(
                {
                    "t": round(t1, 3),
                    "interceptor": i,
                    "threat": target,
                    "outcome": outcome_name,
                    "lat": lat[0],
                    "lon": lon[0],
                    "alt": alt[0],
                }
            )
    return interceptors, intercepts


def _interceptor_path(
    result: ReplicationResult, flights: _Flights, i: int, p0: np.ndarray, step_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Interceptor i's path from its unit's site `p0` (ECEF m): times (T,) s, positions
    (T, 3) ECEF m, where it ended (3,), and whether the path is the engine's own (exact)."""
    from airguard.engine import OUTCOME_NAMES

    thr = result.threats
    t0, t1 = float(result.launch_time[i]), float(result.end_time[i])
    outcome_name = OUTCOME_NAMES[int(result.outcome[i])]
    target = int(result.interceptor_target[i])
    pip, t_pip = flights.launch_pip.get(i, (p0, t1))
    knots_t = [t0]
    knots_p = [p0]
    for t_r, _new in flights.retargets.get(i, []):  # where it turned: on its way to the old aim
        knots_p.append(_toward(knots_p[-1], knots_t[-1], pip, t_pip, t_r))
        knots_t.append(t_r)
    span = _threat_span(thr, target, float(thr.t_impact[target]) if target >= 0 else t1)
    at_target = outcome_name in _HIT_OUTCOMES and span is not None and span[0] <= t1 <= span[1]
    exact = i in flights.ended
    if exact:
        knots_t, knots_p = [t0], [p0]
        for t_s, p_s in flights.logged.get(i, []):
            if knots_t[-1] < t_s < t1:
                knots_t.append(t_s)
                knots_p.append(p_s)
        end = flights.ended[i]
    elif at_target:
        end = _hermite(thr, target, np.array([t1]))[0]
    else:
        end = _toward(knots_p[-1], knots_t[-1], pip, t_pip, t1)
    if t1 > knots_t[-1]:
        knots_t.append(t1)
        knots_p.append(end)
    ts = _samples(t0, t1, step_s) if t1 > t0 else np.array([t0])
    kt, kp = np.array(knots_t), np.array(knots_p)
    xyz = np.stack([np.interp(ts, kt, kp[:, c]) for c in range(3)], axis=1)
    return ts, xyz, end, exact


# --- events with positions


def _events(world: World, log: _Log, intercepts: list[dict[str, Any]]) -> dict[str, Any]:
    """Detections, first tracks, launches, the `intercepts` and impacts, with positions."""
    from airguard.engine import EV_DETECTION, EV_IMPACT, EV_LAUNCH, EV_TRACK

    kind, t_ev, ints, vals = log

    def positions(mask: np.ndarray, cols: slice) -> tuple[list[float], list[float], list[float]]:
        return _geodetic(vals[mask][:, cols]) if mask.any() else ([], [], [])

    det = kind == EV_DETECTION
    order = np.argsort(t_ev[det], kind="stable")
    d_lat, d_lon, _ = positions(det, slice(0, 3))
    detections = {
        "t": np.round(t_ev[det][order], 2).tolist(),
        "radar": ints[det][order, 0].tolist(),
        "threat": ints[det][order, 1].tolist(),
        "lat": np.round(np.asarray(d_lat)[order], 3).tolist(),
        "lon": np.round(np.asarray(d_lon)[order], 3).tolist(),
    }
    trk = kind == EV_TRACK
    k_lat, k_lon, k_alt = positions(trk, slice(0, 3))
    tracks = [
        {
            "t": round(float(t), 3),
            "unit": world.unit_names[int(u)],
            "threat": int(j),
            "lat": la,
            "lon": lo,
            "alt": al,
        }
        for t, u, j, la, lo, al in zip(
            t_ev[trk], ints[trk, 0], ints[trk, 1], k_lat, k_lon, k_alt, strict=True
        )
    ]
    lau = kind == EV_LAUNCH
    p_lat, p_lon, p_alt = positions(lau, slice(1, 4))
    launches = [
        {
            "t": round(float(t), 3),
            "unit": world.unit_names[int(u)],
            "threat": int(j),
            "interceptor": int(i),
            "pip": {"lat": la, "lon": lo, "alt": al, "t": round(float(tp), 3)},
        }
        for t, u, j, i, la, lo, al, tp in zip(
            t_ev[lau],
            ints[lau, 0],
            ints[lau, 1],
            ints[lau, 2],
            p_lat,
            p_lon,
            p_alt,
            vals[lau, 0],
            strict=True,
        )
    ]
    imp = kind == EV_IMPACT
    i_lat, i_lon, i_alt = positions(imp, slice(0, 3))
    impacts = [
        {
            "t": round(float(t), 3),
            "threat": int(j),
            "asset": world.asset_names[int(a)] if 0 <= int(a) < len(world.asset_names) else None,
            "lat": la,
            "lon": lo,
            "alt": al,
        }
        for t, j, a, la, lo, al in zip(
            t_ev[imp], ints[imp, 0], ints[imp, 1], i_lat, i_lon, i_alt, strict=True
        )
    ]
    return {
        "detections": detections,
        "tracks": tracks,
        "launches": launches,
        "intercepts": intercepts,
        "impacts": impacts,
    }

"""Re-run one replication of a stored run with its full event log.

Replication k of seed s is a pure function of (scenario, seed, k): :func:`replay`
loads the run's scenario (refusing it if the file changed since), runs
replication k again with an event log (:func:`airguard.engine.event_log`),
checks that its outcome equals the stored row of the ``replications`` table, and
writes ``replays/rep-<k>/events.parquet`` in the run directory.

Event table columns: ``time_s``, ``event`` (detection, track, launch, retarget,
state, end, impact), ``radar`` and ``unit`` (names), ``threat``, ``interceptor`` (index of the
engagement in the ``engagements`` table of that replication), ``interceptor_type``,
``new_threat`` (retarget), ``outcome`` (end), ``asset`` (impact: the name of the asset hit),
``lat_deg``, ``lon_deg``, ``alt_m`` (measured position of a detection, track
position, predicted intercept point of a launch, interceptor position of a state
(once a fire-control cycle) and of an end, impact point), ``value`` (SNR in dB of
a detection, speed of a track or a state in m/s, predicted intercept time of a
launch in s, miss distance of an end in m).  Threats and interceptors are the
indices of the ``threats`` and ``engagements`` rows of that replication.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.engine import EventLog, ReplicationResult
    from airguard.world import World

__all__ = ["Replay", "replay", "rerun_logged"]

EVENTS_CAPACITY = 100_000
"""Events a replay first makes room for (7 MB of arrays; the flagship needs about 60 000);
a replication with more is run again with room for all of them."""


@dataclass(frozen=True)
class Replay:
    """A re-run replication: where its events went and what it counted."""

    replication: int
    events_path: Path
    n_events: int
    counts: dict[str, int]
    outcome: dict[str, Any]


def _names(names: list[str], index: np.ndarray) -> np.ndarray:
    """Names for indices (any index outside the list gives an empty name, masked later)."""
    table = np.array([*names, ""], dtype=object)
    return table[np.where((index >= 0) & (index < len(names)), index, len(names))]


def _stored_row(run_dir: Path, replication: int) -> dict[str, Any] | None:
    from airguard.results.store import query

    table = query(run_dir, f"SELECT * FROM replications WHERE replication = {int(replication)}")
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows[0] if rows else None


def rerun_logged(
    run_dir: str | Path, world: World, seed: int, replication: int
) -> tuple[ReplicationResult, EventLog, dict[str, Any], dict[str, Any] | None]:
    """Replication `replication` of a stored run again, with every event logged and checked.

    Runs it with an event log (again with room for all events if the first log
    overflowed) and checks that killed, leakers, interceptors fired and their
    cost equal the stored row of the ``replications`` table.  Returns the
    result, the log, those four figures and the stored row (None when the
    table has no row for it).  Used by :func:`replay` and by the report's
    playback.

    Raises
    ------
    RuntimeError
        If the re-run does not reproduce the stored outcome (it always should).
    """
    from airguard.engine import event_log, run_replication

    log = event_log(EVENTS_CAPACITY)
    result = run_replication(world, seed, replication, log)
    if log.lost[0]:  # the same replication again, with room for every event
        log = event_log(int(log.n[0] + log.lost[0]))
        result = run_replication(world, seed, replication, log)
    outcome = {
        "killed": int(  # threats aimed at an asset, as the replications table counts them
            (
                np.isfinite(result.killed_at) & (result.threats.target >= 0) & ~result.threats.decoy
            ).sum()
        ),
        "leakers": int(result.impacted.sum()),
        "interceptors_fired": int(result.outcome.size),
        "interceptor_cost_usd": float(world.interceptors.cost_usd[result.interceptor_type].sum()),
    }
    stored = _stored_row(Path(run_dir), replication)
    if stored is not None:
        differing = [k for k, v in outcome.items() if stored.get(k) != v]
        if differing:
            raise RuntimeError(
                f"replication {replication} did not reproduce the stored outcome "
                f"({', '.join(f'{k}: {stored.get(k)} stored, {outcome[k]} now' for k in differing)})"
            )
    return result, log, outcome, stored


def replay(run_dir: str | Path, replication: int) -> Replay:
    """Re-run replication `replication` of the run in `run_dir` with its event log.

    Raises
    ------
    InputError
        If the run directory has no manifest, the replication is not part of
        the run, or the scenario file is missing or changed since the run.
    RuntimeError
        If the re-run does not reproduce the stored outcome (it always should).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from airguard.engine import EVENT_NAMES, OUTCOME_NAMES
    from airguard.geo import ecef2geodetic
    from airguard.results.store import read_manifest
    from airguard.scenario import load_scenario
    from airguard.world import compile_world

    root = Path(run_dir)
    if not (root / "manifest.json").is_file():
        raise InputError(
            "no manifest.json here: give one variant's run directory (e.g. RUN/patriot)",
            file=str(root),
        )
    manifest = read_manifest(root)
    reps = int(manifest.get("replications", 0))
    if not 0 <= replication < reps:
        raise InputError(
            f"replication {replication} is not in this run (it has 0 to {reps - 1})",
            file=str(root),
        )
    file = manifest["scenario_file"]
    (scenario,) = load_scenario(file, variant=manifest.get("variant"))
    if scenario.digest != manifest.get("scenario_sha256"):
        raise InputError(
            "the scenario changed since the run (its digest differs); replay needs the "
            "file as it was",
            file=file,
        )
    world = compile_world(scenario)
    result, log, outcome, _ = rerun_logged(root, world, int(manifest["seed"]), replication)
    n = int(log.n[0])
    kind = log.kind[:n]
    ints = log.ints[:n]
    vals = log.vals[:n]
    names = np.array(EVENT_NAMES, dtype=object)[kind]

    def col(mask: np.ndarray, values: np.ndarray, dtype: str) -> pa.Array:
        data = [v if m else None for v, m in zip(values.tolist(), mask.tolist(), strict=True)]
        return pa.array(data, type=pa.type_for_alias(dtype))

    from airguard.engine import (
        EV_DESTROYED,
        EV_DETECTION,
        EV_END,
        EV_IMPACT,
        EV_LAUNCH,
        EV_RETARGET,
        EV_SILENT,
        EV_STATE,
        EV_TRACK,
    )

    det, trk, lau = kind == EV_DETECTION, kind == EV_TRACK, kind == EV_LAUNCH
    end, ret, imp = kind == EV_END, kind == EV_RETARGET, kind == EV_IMPACT
    sta, des, sil = kind == EV_STATE, kind == EV_DESTROYED, kind == EV_SILENT
    # ints: detection (radar, threat), track (unit, threat), launch (unit, threat,
    # interceptor), end (interceptor, threat, outcome), retarget (interceptor, threat,
    # new threat), impact (threat, asset), state (interceptor, threat), destroyed (unit,
    # threat, asset), silent (unit); vals: positions in ECEF and one value (silent: from,
    # to)
    threat: np.ndarray = np.asarray(np.where(imp, ints[:, 0], ints[:, 1]))
    interceptor: np.ndarray = np.asarray(np.where(lau, ints[:, 2], ints[:, 0]))
    has_pos = det | trk | lau | imp | end | sta | des
    xyz = np.where((lau | end)[:, None], vals[:, 1:4], vals[:, 0:3])
    lat, lon, alt = ecef2geodetic(np.where(has_pos[:, None], xyz, 6_378_137.0))
    # SNR, speed, t_int, miss, speed
    value = np.where(det | trk | sta, vals[:, 3], np.where(sil, vals[:, 1], vals[:, 0]))
    itc_type = np.array(world.interceptor_names, dtype=object)[result.interceptor_type]
    types = np.full(n, None, dtype=object)
    if itc_type.size:
        types[:] = itc_type[np.clip(interceptor, 0, itc_type.size - 1)]
    outcome_names = np.array(OUTCOME_NAMES, dtype=object)
    events = pa.table(
        {
            "time_s": pa.array(log.t[:n]),
            "event": pa.array(names.tolist(), type=pa.string()),
            "radar": col(det, _names(world.radar_names, ints[:, 0]), "string"),
            "unit": col(trk | lau | des | sil, _names(world.unit_names, ints[:, 0]), "string"),
            "threat": col(~sil, threat, "int64"),
            "interceptor": col(lau | end | ret | sta, interceptor, "int64"),
            "interceptor_type": col(lau | end | ret | sta, types, "string"),
            "new_threat": col(ret, ints[:, 2], "int64"),
            "outcome": col(
                end, outcome_names[np.clip(ints[:, 2], 0, outcome_names.size - 1)], "string"
            ),
            "asset": col(
                (imp & (ints[:, 1] >= 0)) | des,
                _names(world.asset_names, np.where(des, ints[:, 2], ints[:, 1])),
                "string",
            ),
            "lat_deg": col(has_pos, np.asarray(lat), "float64"),
            "lon_deg": col(has_pos, np.asarray(lon), "float64"),
            "alt_m": col(has_pos, np.asarray(alt), "float64"),
            "value": col(det | trk | lau | end | sta | sil, value, "float64"),
        }
    )
    out_dir = root / "replays" / f"rep-{replication}"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "events.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(events, tmp)
    tmp.replace(path)
    counts = {name: int((names == name).sum()) for name in EVENT_NAMES}
    return Replay(replication, path, n, counts, outcome)

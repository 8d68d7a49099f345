"""Compile a validated scenario into the engine's World: arrays in SI and ECEF.

Everything the defence cannot change and every catalogue figure the engine
reads is turned here, once per scenario variant, into structure-of-arrays
form: radars, fire units, interceptor types (with their reach tables), threat
types (with their aiming tables) and raids.  The engine then runs
replications over these arrays without touching the scenario or catalogue.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from airguard import geo
from airguard.catalogue import (
    Aircraft,
    Catalogue,
    Composition,
    DefenceSystem,
    RadarSpec,
    SensorSystem,
    ThreatSystem,
)
from airguard.catalogue.models import SEEKER_NOISE_SAMPLE_S, THREAT_CLASSES, DragCurve
from airguard.dynamics import FULL, N_PARAMS, body_params
from airguard.errors import InputError
from airguard.radar import required_snr_db
from airguard.reach import ReachTable, reach_table, spec_manoeuvre, spec_params
from airguard.scenario import (
    Scenario,
    ScenarioBody,
    Sensor,
    Tracking,
    Unit,
    route_heights,
)
from airguard.tracking.core import MODEL_CA, TrackerParams, tracker_params
from airguard.trajectory import BALLISTIC_STEP_S, fly_ballistic

__all__ = [
    "CLASS_BALLISTIC",
    "CLASS_INDEX",
    "GRID_DT_S",
    "Interceptors",
    "Radars",
    "Raids",
    "ThreatTypes",
    "Units",
    "World",
    "compile_threat_types",
    "compile_world",
    "world_digest",
]

GRID_DT_S = 1.0
"""Sampling step of threat trajectories (s); a multiple of the RK4 step."""

RCS_ASPECT_POINTS = 13
"""Most points of an RCS-by-aspect table (catalogue ``rcs_aspect``: every 15°)."""

EV_REACTION_S, EV_LOAD_FACTOR, EV_DIVE_RAD, EV_FLOOR_M, EV_HOLD_S = range(5)
N_EVASION = 5
"""Columns of ``ThreatTypes.evasion`` (catalogue ``evasion``): reaction time (s), load
factor (g), dive angle (rad), floor height (m), hold time (s)."""

CLASS_INDEX = {name: i for i, name in enumerate(THREAT_CLASSES)}
CLASS_BALLISTIC = CLASS_INDEX["ballistic"]
"""Class index of ballistic threats (the kernels test ``cls == CLASS_BALLISTIC``)."""
FLIGHT_BALLISTIC, FLIGHT_ROUTE, FLIGHT_DECOY = 0, 1, 2
DECOY_SUFFIX = " decoy"
"""A decoy type's id: its missile's id and this (its rows follow every raid and flight)."""
MAX_PREFERENCES = 4
POLICY_SHOOT_SHOOT, POLICY_SHOOT_LOOK_SHOOT = 0, 1
POLICIES = {"shoot-shoot": POLICY_SHOOT_SHOOT, "shoot-look-shoot": POLICY_SHOOT_LOOK_SHOOT}
MAX_LAUNCHERS = 32
EMPTY = np.zeros(0)


class Radars(NamedTuple):
    """All radars of all units, one row each (numba-compatible)."""

    pos_ecef_m: np.ndarray  # (R, 3) ECEF m, antenna phase centre
    enu_basis: np.ndarray  # (R, 3, 3) ENU rows
    height_m: np.ndarray  # (R,) antenna height above ellipsoid, m
    unit: np.ndarray  # (R,) int64 owning unit
    snr_k_m2: np.ndarray  # (R,) mean SNR = snr_k * rcs / range^4 (linear)
    threshold: np.ndarray  # (R,) square-law threshold in noise powers, -ln(Pfa)
    max_range_m: np.ndarray
    az_center_rad: np.ndarray  # rad
    az_half_rad: np.ndarray  # rad, pi for 360 deg
    el_min_rad: np.ndarray
    el_max_rad: np.ndarray
    period_s: np.ndarray  # s
    sigma_range_m: np.ndarray  # m
    sigma_az_rad: np.ndarray  # rad
    sigma_el_rad: np.ndarray  # rad
    lat_rad: np.ndarray  # (R,) geodetic latitude of the site, rad
    lon_rad: np.ndarray  # (R,) longitude, rad
    false_alarms_per_scan: np.ndarray  # (R,) expected false alarms per scan period, Pfa x cells
    n_sectors: np.ndarray  # (R,) int64 looks per period: 1 (electronic), sector slices (rotating)
    sigma_range_rate_mps: np.ndarray  # (R,) range-rate sigma, m/s; 0: no range rate measured
    # noise jamming by the scenario's K stand-off jammers (radar.jnr_db; K = 0: none)
    jam_jn: np.ndarray  # (R, K) J/N through the mainlobe (linear; 0: out of band or sight);
    # a flight-borne jammer's at JAM_REF_M, scaled by (JAM_REF_M / R_j)² per look
    jam_dir: np.ndarray  # (R, K, 3) unit vector from the antenna to each jammer (ECEF)
    jam_carrier: np.ndarray  # (R, K) int64 threat row of the hostile flight carrying it, -1:
    # a jammer holding its position (jam_dir fixed)
    jam_window: np.ndarray  # (R, K, 2) when each jammer is on: [start, end), s
    jam_cos: np.ndarray  # (R,) cosine of the mainlobe's half-width: inside it, no sidelobe
    jam_sll: np.ndarray  # (R,) sidelobe level (linear) a jammer outside the mainlobe meets
    # a multifunction radar's time budget (0, 0, 1: none): search keeps the share
    # max(min_search, 1 − track_load × tracks − guide_load × rounds guided)
    track_load: np.ndarray  # (R,) share of its time per confirmed track of its unit
    guide_load: np.ndarray  # (R,) share per round its unit guides
    min_search: np.ndarray  # (R,) the least share search keeps


class Units(NamedTuple):
    pos_ecef_m: np.ndarray  # (U, 3) ECEF
    enu_basis: np.ndarray  # (U, 3, 3)
    alt_m: np.ndarray  # (U,) site height above the ellipsoid, m
    group: np.ndarray  # (U,) int64: units of one network coordinate fire
    network: np.ndarray  # (U,) int64, -1 for none
    latency_s: np.ndarray  # (U,) s, latency of remote pictures
    fire_channels: np.ndarray  # (U,) int64
    reaction_s: np.ndarray  # (U,) s
    salvo: np.ndarray  # (U, 4) int64 by threat class
    prefs: np.ndarray  # (U, 4, MAX_PREFERENCES) int64 interceptor type, -1 padding
    rounds: np.ndarray  # (U, I) int64 initial inventory
    launchers: np.ndarray  # (U, I) int64 launchers able to fire this type
    per_launcher: np.ndarray  # (U, I) int64 rounds of this type a launcher holds
    reload_s: np.ndarray  # (U, I) s to reload a launcher with this type
    policy: np.ndarray  # (U, 4) int64 POLICY_SHOOT_SHOOT or POLICY_SHOOT_LOOK_SHOOT
    assess_s: np.ndarray  # (U,) s, kill-assessment time
    retarget: np.ndarray  # (U,) int64 1: redirect interceptors whose target dies
    update_s: np.ndarray  # (U,) s, update interval of the unit's network (0: continuous)
    capacity: np.ndarray  # (U,) int64 tracks the unit's network carries, -1: no limit
    site: np.ndarray  # (U,) int64 asset the unit stands at (destroyed with it), -1: none
    silent_from: np.ndarray  # (U, K) scheduled silences' starts, s (inf: padding)
    silent_to: np.ndarray  # (U, K) their ends, s
    silent_on_arm: np.ndarray  # (U,) s silent from its first firm track of each ARM, 0: never


class Interceptors(NamedTuple):
    params: np.ndarray  # (I, N_PARAMS)
    max_range_m: np.ndarray
    min_range_m: np.ndarray
    max_alt_m: np.ndarray
    min_alt_m: np.ndarray
    lethal_radius_m: np.ndarray
    blast_frag: np.ndarray  # (I,) bool: a blast-fragmentation warhead (else hit-to-kill)
    seeker_range_m: np.ndarray  # (I,) m; 0: guided on the unit's track to the end
    seeker_tan: np.ndarray  # (I,) tangent of half the seeker's field of view
    pk: np.ndarray  # (I, 4)
    cost_usd: np.ndarray
    nav_ratio: np.ndarray
    lag_s: np.ndarray  # autopilot time constant, s
    max_accel_mps2: np.ndarray  # (I,) structural limit on the lateral acceleration, m/s²
    cn_area_m2: np.ndarray  # (I,) CN_max × reference area, m² (0: no aerodynamic limit)
    divert_mps2: np.ndarray  # (I,) divert thrusters' lateral acceleration, m/s² (0: none)
    divert_dv_mps: np.ndarray  # (I,) their velocity budget, m/s
    seeker_noise: np.ndarray  # (I,) LOS angle noise spectral density, rad²/Hz (0: none)
    max_time_s: np.ndarray
    launch_interval_s: np.ndarray
    reach_time_s: np.ndarray  # (I, NR, NH)
    reach_elev_rad: np.ndarray  # (I, NR, NH)
    reach_lateral_mps2: np.ndarray  # (I, NR, NH) lateral acceleration it can pull there
    reach_dr_m: np.ndarray  # (I,)
    reach_dh_m: np.ndarray  # (I,)


class ThreatTypes(NamedTuple):
    cls: np.ndarray  # (Ty,) int64 class index
    flight: np.ndarray  # (Ty,) FLIGHT_BALLISTIC or FLIGHT_ROUTE
    rcs_m2: np.ndarray
    swerling: np.ndarray  # int64
    cost_usd: np.ndarray
    cep_m: np.ndarray
    params: np.ndarray  # (Ty, N_PARAMS) ballistic body
    elevation_rad: np.ndarray  # pitch after the vertical rise, rad
    speed_mps: np.ndarray  # route speed m/s
    cruise_height_m: np.ndarray  # m
    aim_cutoff_s: np.ndarray  # (Ty, NA) motor cut-off grid, s
    aim_range_m: np.ndarray  # (Ty, NA) ground range reached, m
    separation_mps: np.ndarray  # (Ty,) a decoy type's separation speed at release, m/s
    arm_terminal_s: np.ndarray  # (Ty,) an ARM's seeker: emitter needed in its last s (0: no ARM)
    arm_miss_m: np.ndarray  # (Ty,) an ARM's miss scale when its emitters fell silent, m
    rcs_aspect_n: np.ndarray  # (Ty,) int64 points of the type's RCS-by-aspect table (0: none)
    rcs_aspect_deg: np.ndarray  # (Ty, RCS_ASPECT_POINTS) its aspect angles, deg (0 nose-on)
    rcs_aspect_factor: np.ndarray  # (Ty, RCS_ASPECT_POINTS) its factors on rcs_m2
    evasion: np.ndarray  # (Ty, N_EVASION) an aircraft's evasion figures (EV_*; nan: none)
    max_speed_mps: np.ndarray  # (Ty,) an aircraft's top speed, m/s (inf: not an aircraft)


class Raids(NamedTuple):
    ttype: np.ndarray  # (Q,) int64
    size: np.ndarray  # threats in the raid
    lat_rad: np.ndarray  # rad
    lon_rad: np.ndarray
    alt_m: np.ndarray
    radius_m: np.ndarray
    t0_s: np.ndarray
    t1_s: np.ndarray
    target: np.ndarray  # asset index
    wp_start: np.ndarray  # (Q,) index into waypoint arrays
    wp_count: np.ndarray
    wp_lat_rad: np.ndarray  # (W,) rad
    wp_lon_rad: np.ndarray
    wp_alt_m: np.ndarray  # (W,) a flight's route heights, m (raids' waypoints: unused, 0)
    friendly: np.ndarray  # (Q,) int64 1: a friendly flight (a hostile one: 0; both target -1)
    speed_mps: np.ndarray  # (Q,) route speed, m/s (0: the type's)
    parent: np.ndarray  # (Q,) int64 a decoy raid's missile raid, -1 for any other
    carrier: np.ndarray  # (Q,) int64 the flight's raid that releases it (launch_from), -1: none
    evade: np.ndarray  # (Q,) int64 1: a hostile flight that evades rounds (`evade: true`)


@dataclass
class World:
    """One scenario variant compiled to arrays."""

    name: str
    label: str
    digest: str
    seed: int
    duration_s: float
    step_s: float
    asset_names: list[str]
    asset_pos_ecef_m: np.ndarray
    asset_lat_rad: np.ndarray
    asset_lon_rad: np.ndarray
    asset_alt_m: np.ndarray
    asset_radius_m: np.ndarray
    asset_value: np.ndarray
    radar_names: list[str]
    radars: Radars
    unit_names: list[str]
    unit_systems: list[str]
    units: Units
    interceptor_names: list[str]
    interceptors: Interceptors
    reach: list[ReachTable]
    threat_names: list[str]
    threat_types: ThreatTypes
    raid_names: list[str]
    raids: Raids
    iff_reliability: float = 1.0
    stop_when_quiet: bool = True
    """End a replication once nothing is left to engage (the scenario's ``stop``)."""
    terrain: TerrainModel | None = None
    tracker: TrackerParams = field(default_factory=lambda: compile_tracker(Tracking()))
    n_threats: int = field(init=False)

    def __post_init__(self) -> None:
        self.n_threats = int(self.raids.size.sum())

    @property
    def n_grid(self) -> int:
        return int(math.ceil(self.duration_s / GRID_DT_S)) + 2


class TerrainModel(NamedTuple):
    """The scenario's elevation model as the engine uses it."""

    heights_m: np.ndarray  # (n_lat, n_lon) DEM heights above the ellipsoid, m
    grid: np.ndarray  # (4,) lat0, lon0, dlat, dlon of the DEM, rad
    mask_slope: np.ndarray  # (R, n_az, n_col) each radar's terrain skyline (terrain.horizon_mask)
    mask_steps: np.ndarray  # (2,) azimuth step (rad) and range step (m) of the skylines
    profile_step_m: float  # terrain sampling step of cruise routes, m


MASK_MAX_RANGE_M = 400_000.0
"""Terrain beyond this ground range from a radar is left out of its skyline (the 4/3-Earth
horizon still applies): it bounds the tables' memory (about 25 MB per radar)."""
MASK_AZIMUTH_STEP_DEG = 0.5
MASK_MIN_RANGE_STEP_M = 150.0


def _terrain_model(scenario: Scenario, r_rows: list[dict[str, Any]]) -> TerrainModel | None:
    """Load the scenario's DEM and tabulate every radar's skyline."""
    from airguard.terrain import Terrain, horizon_mask
    from airguard.trajectory import MAX_PROFILE_STEP_M

    spec = scenario.body.terrain
    if spec is None:
        return None
    base = Path(scenario.file).parent
    paths = [base / f for f in spec.files]
    try:
        if paths[0].suffix.lower() == ".hgt":
            terrain = Terrain.from_hgt(paths, geoid_offset_m=spec.geoid_offset)
        else:
            terrain = Terrain.from_geotiff(paths[0], geoid_offset_m=spec.geoid_offset)
    except ImportError as exc:
        raise InputError(str(exc), file=scenario.file, field="terrain.files") from None
    except (InputError, ValueError, OSError) as exc:
        raise InputError(
            f"cannot read the elevation model: {exc}", file=scenario.file, field="terrain.files"
        ) from None
    body = scenario.body
    sites: list[tuple[str, int, str, Any]] = [
        ("units", i, u.name, u.position) for i, u in enumerate(body.units)
    ]
    sites += [("sensors", i, x.name, x.position) for i, x in enumerate(body.sensors)]
    sites += [("assets", i, a.name, a.position) for i, a in enumerate(body.assets)]
    for group, i, name, p in sites:
        ground = float(terrain.elevation_m(p.lat, p.lon))
        if p.alt < ground - SITE_BELOW_TERRAIN_TOLERANCE_M:
            raise InputError(
                f"{p.alt:.0f} m is {ground - p.alt:.0f} m below the terrain ({ground:.0f} m "
                f"above the ellipsoid) at {name}; give the site's height above the ellipsoid",
                file=scenario.file,
                field=f"{group}[{i}].position.alt",
            )
    dem = terrain.arrays()
    mid_lat = 0.5 * (terrain.lat0_deg + terrain.lat1_deg)
    range_step = max(terrain.spacing_m(mid_lat), MASK_MIN_RANGE_STEP_M)
    masks = []
    for row in r_rows:
        m = horizon_mask(
            terrain,
            math.degrees(row["lat_rad"]),
            math.degrees(row["lon_rad"]),
            row["height_m"],
            min(row["max_range_m"], MASK_MAX_RANGE_M),
            azimuth_step_deg=MASK_AZIMUTH_STEP_DEG,
            range_step_m=range_step,
        )
        masks.append(m)
    n_col = max((m.horizon_slope.shape[1] for m in masks), default=1)
    n_az = masks[0].horizon_slope.shape[0] if masks else 1
    slope = np.full((max(len(masks), 1), n_az, n_col), -np.inf)
    for r, m in enumerate(masks):
        w = m.horizon_slope.shape[1]
        slope[r, :, :w] = m.horizon_slope
        slope[r, :, w:] = m.horizon_slope[:, -1:]  # beyond its range: the last skyline
    az_step = masks[0].azimuth_step_rad if masks else math.radians(MASK_AZIMUTH_STEP_DEG)
    return TerrainModel(
        heights_m=np.ascontiguousarray(dem.heights_m),
        grid=_f([dem.lat0_rad, dem.lon0_rad, dem.dlat_rad, dem.dlon_rad]),
        mask_slope=slope,
        mask_steps=_f([az_step, range_step]),
        profile_step_m=min(terrain.spacing_m(mid_lat), MAX_PROFILE_STEP_M),
    )


SITE_BELOW_TERRAIN_TOLERANCE_M = 50.0
"""A unit, sensor or asset given more than this below the DEM is refused (m): its height
is probably above the geoid or the ground rather than above the ellipsoid."""


T = TypeVar("T", bound=tuple[Any, ...])


def _stack(
    cls: type[T],
    rows: list[dict[str, Any]],
    *,
    ints: tuple[str, ...] = (),
    trailing: dict[str, tuple[int, ...]] | None = None,
) -> T:
    """Build a structure-of-arrays NamedTuple from one dict per entity."""
    trailing = trailing or {}
    cols = {}
    for name in cls._fields:  # type: ignore[attr-defined]
        dtype = np.int64 if name in ints else np.float64
        shape = (len(rows), *trailing.get(name, ()))
        cols[name] = np.asarray([r[name] for r in rows], dtype=dtype).reshape(shape)
    return cls(**cols)


def _i(values: list[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _f(values: list[float] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def world_digest(world: World) -> str:
    """SHA-256 (hex) of everything a replication of `world` reads: every array (its type,
    shape and bytes), number and name of the World and of the tables in it, so every
    catalogue figure the scenario uses, as compiled.  Two Worlds with the same digest run
    the same replications bit for bit (with the same engine code)."""
    digest = hashlib.sha256()
    for f in dataclasses.fields(world):
        if f.name in ("name", "label", "digest"):  # what the scenario is called, not is
            continue
        digest.update(f.name.encode())
        _feed(digest, getattr(world, f.name))
    return digest.hexdigest()


def _feed(digest: Any, obj: Any) -> None:
    """Add `obj` to `digest` (:func:`world_digest`)."""
    if isinstance(obj, np.ndarray):
        digest.update(f"{obj.dtype.str}{obj.shape}".encode())
        digest.update(np.ascontiguousarray(obj).tobytes())
    elif obj is None or isinstance(obj, (str, int, float, bool, np.generic)):
        digest.update(repr(obj).encode())
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):
        for name in obj._fields:
            digest.update(name.encode())
            _feed(digest, getattr(obj, name))
    elif isinstance(obj, (list, tuple)):
        digest.update(f"[{len(obj)}".encode())
        for item in obj:
            _feed(digest, item)
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            digest.update(f.name.encode())
            _feed(digest, getattr(obj, f.name))
    else:
        raise TypeError(f"world_digest: cannot digest a {type(obj).__name__}")


def compile_world(scenario: Scenario) -> World:
    """Turn a validated scenario into a :class:`World`."""
    body = scenario.body
    cat = scenario.catalogue

    # assets
    a_lat = _f([a.position.lat for a in body.assets])
    a_lon = _f([a.position.lon for a in body.assets])
    a_alt = _f([a.position.alt for a in body.assets])
    asset_pos = geo.geodetic2ecef(a_lat, a_lon, a_alt)

    # interceptor types used by any unit, and threat types of any raid
    systems = [cat.defence(u.system) for u in body.units]
    interceptor_ids, threat_ids = _type_ids(body, systems)

    interceptors, reach = _compile_interceptors(interceptor_ids, cat)

    # radars and units
    table = _UnitTable(body, interceptor_ids)
    for ui, (unit, sysm) in enumerate(zip(body.units, systems, strict=True)):
        table.add_unit(ui, unit, sysm)
    for si, sensor in enumerate(body.sensors):
        sensor_sys = cat.entries[sensor.system]
        assert isinstance(sensor_sys, SensorSystem)
        table.add_sensor(len(body.units) + si, sensor, sensor_sys)
    r_rows = table.r_rows
    _add_jamming(scenario, r_rows, table.radar_specs)
    k_jam = len(body.jammers)
    radars = _stack(
        Radars,
        r_rows,
        ints=("unit", "n_sectors", "jam_carrier"),
        trailing={
            "pos_ecef_m": (3,),
            "enu_basis": (3, 3),
            "jam_jn": (k_jam,),
            "jam_dir": (k_jam, 3),
            "jam_carrier": (k_jam,),
            "jam_window": (k_jam, 2),
        },
    )
    units = table.units()

    threat_ids = threat_ids + _decoy_ids(threat_ids, cat)
    threat_types = compile_threat_types(threat_ids, cat)
    raids = _compile_raids(body, threat_ids, cat)
    _check_ballistic_reach(scenario, threat_types, threat_ids)

    return World(
        name=scenario.name,
        label=scenario.label,
        digest=scenario.digest,
        seed=body.seed,
        duration_s=body.duration,
        step_s=body.time_step,
        asset_names=[a.name for a in body.assets],
        asset_pos_ecef_m=asset_pos,
        asset_lat_rad=np.radians(a_lat),
        asset_lon_rad=np.radians(a_lon),
        asset_alt_m=a_alt,
        asset_radius_m=_f([a.radius for a in body.assets]),
        asset_value=_f([a.value for a in body.assets]),
        radar_names=table.radar_names,
        radars=radars,
        unit_names=[u.name for u in body.units] + [x.name for x in body.sensors],
        unit_systems=[u.system for u in body.units] + [x.system for x in body.sensors],
        units=units,
        interceptor_names=interceptor_ids,
        interceptors=interceptors,
        reach=reach,
        threat_names=threat_ids,
        threat_types=threat_types,
        raid_names=[r.name for r in body.raids]
        + [f.name for f in body.flights]
        + [body.raids[int(q)].name + " decoys" for q in raids.parent[raids.parent >= 0]],
        raids=raids,
        iff_reliability=body.iff_reliability,
        stop_when_quiet=body.stop == "when-quiet",
        terrain=_terrain_model(scenario, r_rows),
        tracker=compile_tracker(body.tracking),
    )


def _type_ids(body: ScenarioBody, systems: list[DefenceSystem]) -> tuple[list[str], list[str]]:
    """The interceptor types of the units' systems and the threat types of the raids and
    flights, each in order of first use."""
    interceptor_ids: list[str] = []
    for sysm in systems:
        for iid in sysm.interceptors:
            if iid not in interceptor_ids:
                interceptor_ids.append(iid)
    threat_ids: list[str] = []
    for raid in body.raids:
        if raid.threat not in threat_ids:
            threat_ids.append(raid.threat)
    for flight in body.flights:
        if flight.aircraft not in threat_ids:
            threat_ids.append(flight.aircraft)
    return interceptor_ids, threat_ids


def _decoy_ids(threat_ids: list[str], cat: Catalogue) -> list[str]:
    """The decoy types of the threat types whose catalogue entries list decoys."""
    out = []
    for tid in threat_ids:
        spec = cat.threat(tid)
        decoys = spec.decoys if isinstance(spec, ThreatSystem) else None
        if decoys is not None and int(round(decoys.count.value)) > 0:
            out.append(tid + DECOY_SUFFIX)
    return out


class _UnitTable:
    """The rows of :class:`Units` and of :class:`Radars`, filled unit by unit: the fire
    units (:meth:`add_unit`), then the sensors (:meth:`add_sensor`)."""

    def __init__(self, body: ScenarioBody, interceptor_ids: list[str]) -> None:
        self.body = body
        self.interceptor_ids = interceptor_ids
        self.r_rows: list[dict[str, Any]] = []
        self.radar_specs: list[RadarSpec] = []
        self.radar_names: list[str] = []
        self.networks = {n.name: (i, n.latency) for i, n in enumerate(body.networks)}
        self.net_spec = {n.name: n for n in body.networks}
        self.u_update: list[float] = []
        self.u_capacity: list[int] = []
        self.u_pos: list[np.ndarray] = []
        self.u_basis: list[np.ndarray] = []
        self.u_group: list[int] = []
        self.u_net: list[int] = []
        self.u_lat_s: list[float] = []
        self.u_ch: list[int] = []
        self.u_react: list[float] = []
        n_all = len(body.units) + len(body.sensors)  # sensors are units without weapons
        self.u_salvo = np.ones((n_all, 4), dtype=np.int64)
        self.u_prefs = -np.ones((n_all, 4, MAX_PREFERENCES), dtype=np.int64)
        self.u_rounds = np.zeros((n_all, len(interceptor_ids)), dtype=np.int64)
        self.u_launch = np.zeros((n_all, len(interceptor_ids)), dtype=np.int64)
        self.u_per = np.ones((n_all, len(interceptor_ids)), dtype=np.int64)
        self.u_reload = np.zeros((n_all, len(interceptor_ids)))
        self.u_policy = np.zeros((n_all, 4), dtype=np.int64)
        self.u_assess: list[float] = []
        self.u_retarget: list[int] = []
        self.next_group = len(body.networks)

    def add_unit(self, ui: int, unit: Unit, sysm: DefenceSystem) -> None:
        """Fire unit `ui`: its site, network, doctrine, inventory and radars."""
        p = unit.position
        self.u_pos.append(geo.geodetic2ecef(p.lat, p.lon, p.alt))
        self.u_basis.append(geo.enu_basis(p.lat, p.lon))
        if unit.network == "none":
            self.u_net.append(-1)
            self.u_group.append(self.next_group)
            self.next_group += 1
            self.u_lat_s.append(0.0)
            self.u_update.append(0.0)
            self.u_capacity.append(-1)
        else:
            nid, latency = self.networks[unit.network]
            self.u_net.append(nid)
            if self.net_spec[unit.network].coordinate:
                self.u_group.append(nid)
            else:  # shares the picture but decides alone
                self.u_group.append(self.next_group)
                self.next_group += 1
            self.u_lat_s.append(latency)
            self.u_update.append(self.net_spec[unit.network].update_interval)
            self.u_capacity.append(self.net_spec[unit.network].track_capacity or -1)
        comp = sysm.composition
        self.u_ch.append(int(comp.fire_channels.value))
        self.u_react.append(comp.reaction_time.value)
        self._doctrine(ui, unit, comp)
        self.u_assess.append(
            comp.kill_assessment_time.value
            if unit.kill_assessment_time is None
            else unit.kill_assessment_time
        )
        self.u_retarget.append(
            int(
                comp.in_flight_retarget
                if unit.in_flight_retarget is None
                else unit.in_flight_retarget
            )
        )
        n_launchers, inventory = _inventory(unit, comp)
        for iid, n_rounds in inventory.items():
            ii = self.interceptor_ids.index(iid)
            self.u_rounds[ui, ii] = n_rounds
            self.u_launch[ui, ii] = min(n_launchers, MAX_LAUNCHERS)
            self.u_per[ui, ii], self.u_reload[ui, ii] = _launcher_load(sysm, iid)
        for rid in comp.radars:
            spec = sysm.radars[rid]
            self.radar_names.append(f"{unit.name}/{rid}")
            self.radar_specs.append(spec)
            self.r_rows.append(radar_row(spec, unit, ui))

    def _doctrine(self, ui: int, unit: Unit, comp: Composition) -> None:
        """Salvo, fire policy and interceptor preferences of unit `ui` by threat class: the
        system's doctrine, as the unit overrides it."""
        for cls, rule in comp.doctrine.items():
            c = CLASS_INDEX[cls]
            over = unit.doctrine.get(cls)
            prefs = (
                over.interceptors if over is not None and over.interceptors else rule.interceptors
            )
            salvo = over.salvo if over is not None and over.salvo is not None else rule.salvo
            policy = over.policy if over is not None and over.policy is not None else rule.policy
            self.u_salvo[ui, c] = salvo
            self.u_policy[ui, c] = POLICIES[policy]
            for k, iid in enumerate(prefs[:MAX_PREFERENCES]):
                self.u_prefs[ui, c, k] = self.interceptor_ids.index(iid)

    def add_sensor(self, ui: int, sensor: Sensor, sensor_sys: SensorSystem) -> None:
        """Sensor `ui` (after the fire units): a unit without weapons on its network."""
        p = sensor.position
        self.u_pos.append(geo.geodetic2ecef(p.lat, p.lon, p.alt))
        self.u_basis.append(geo.enu_basis(p.lat, p.lon))
        nid, latency = self.networks[sensor.network]
        self.u_net.append(nid)
        self.u_group.append(nid)
        self.u_lat_s.append(latency)
        self.u_update.append(self.net_spec[sensor.network].update_interval)
        self.u_capacity.append(self.net_spec[sensor.network].track_capacity or -1)
        self.u_ch.append(0)
        self.u_react.append(0.0)
        self.u_assess.append(0.0)
        self.u_retarget.append(0)
        for rid, spec in sensor_sys.radars.items():
            self.radar_names.append(f"{sensor.name}/{rid}")
            self.radar_specs.append(spec)
            self.r_rows.append(radar_row(spec, sensor, ui))

    def units(self) -> Units:
        """The :class:`Units` of the fire units and sensors added."""
        body = self.body
        return Units(
            pos_ecef_m=np.asarray(self.u_pos, dtype=np.float64).reshape(-1, 3),
            enu_basis=np.asarray(self.u_basis, dtype=np.float64).reshape(-1, 3, 3),
            alt_m=_f([u.position.alt for u in body.units] + [x.position.alt for x in body.sensors]),
            group=_i(self.u_group),
            network=_i(self.u_net),
            latency_s=_f(self.u_lat_s),
            fire_channels=_i(self.u_ch),
            reaction_s=_f(self.u_react),
            salvo=self.u_salvo,
            prefs=self.u_prefs,
            rounds=self.u_rounds,
            launchers=self.u_launch,
            per_launcher=self.u_per,
            reload_s=self.u_reload,
            policy=self.u_policy,
            assess_s=_f(self.u_assess),
            retarget=_i(self.u_retarget),
            update_s=_f(self.u_update),
            capacity=_i(self.u_capacity),
            site=_i(
                [_site_index(body, u.site) for u in body.units]
                + [_site_index(body, x.site) for x in body.sensors]
            ),
            **_silences([*body.units, *body.sensors]),
        )


def _silences(units: Sequence[Unit | Sensor]) -> dict[str, np.ndarray]:
    """Each unit's emission control (:class:`airguard.scenario.Emcon`): its scheduled
    silences, padded with infinity to the most any unit has, and its silence on ARMs."""
    windows = [[] if u.emcon is None else u.emcon.silent for u in units]
    k = max([len(w) for w in windows] + [1])
    start = np.full((len(units), k), math.inf)
    end = np.full((len(units), k), math.inf)
    for i, ws in enumerate(windows):
        for j, w in enumerate(sorted(ws, key=lambda w: w.start)):
            start[i, j], end[i, j] = w.start, w.end
    on_arm = [0.0 if u.emcon is None or u.emcon.on_arm is None else u.emcon.on_arm for u in units]
    return {"silent_from": start, "silent_to": end, "silent_on_arm": _f(on_arm)}


def _site_index(body: ScenarioBody, site: str | None) -> int:
    """The index of the asset named `site` (-1: none)."""
    names = [a.name for a in body.assets]
    return -1 if site is None else names.index(site)


def _inventory(unit: Unit, comp: Composition) -> tuple[int, dict[str, int]]:
    """The unit's launchers, and its rounds of each interceptor type: as given, or by
    default the composition's load on each launcher."""
    n_launchers = unit.launchers
    if n_launchers is None:
        n_launchers = int(sum(f.value for f in comp.launchers.values()))
    # default inventory: the composition's load on each launcher
    inventory: dict[str, int] = {}
    if unit.inventory is not None:
        inventory = dict(unit.inventory)
    else:
        total_launchers = sum(int(f.value) for f in comp.launchers.values()) or 1
        for lid, load in comp.load.items():
            share = int(comp.launchers[lid].value) if lid in comp.launchers else 0
            scale = n_launchers / total_launchers
            for iid, cnt in load.items():
                inventory[iid] = inventory.get(iid, 0) + round(int(cnt.value) * share * scale)
    return n_launchers, inventory


def _compile_raids(body: ScenarioBody, threat_ids: list[str], cat: Catalogue) -> Raids:
    """The raids, then the friendly flights as raids of one aircraft each, then the decoys
    of each raid whose missile releases them (a "raid" of its missiles' decoys, flown from
    them: :func:`airguard.engine.threats.draw_threats`)."""
    asset_index = {a.name: i for i, a in enumerate(body.assets)}
    wp_lat: list[float] = []
    wp_lon: list[float] = []
    wp_alt: list[float] = []
    wp_start, wp_count = [], []
    for raid in body.raids:
        wp_start.append(len(wp_lat))
        wp_count.append(len(raid.waypoints))
        wp_lat.extend(math.radians(w.lat) for w in raid.waypoints)
        wp_lon.extend(math.radians(w.lon) for w in raid.waypoints)
        wp_alt.extend(0.0 for _ in raid.waypoints)
    # flights follow the raids (so that the raids' draws do not change): one "raid" each,
    # from the first route point along the others, at the heights of route_heights
    for flight in body.flights:
        wp_start.append(len(wp_lat))
        wp_count.append(len(flight.route) - 1)
        wp_lat.extend(math.radians(w.lat) for w in flight.route[1:])
        wp_lon.extend(math.radians(w.lon) for w in flight.route[1:])
        wp_alt.extend(route_heights(flight.route)[1:])
    raids_and_flights = len(body.raids) + len(body.flights)
    flights = body.flights
    raids = Raids(
        ttype=_i(
            [threat_ids.index(r.threat) for r in body.raids]
            + [threat_ids.index(f.aircraft) for f in flights]
        ),
        size=_i([r.count for r in body.raids] + [1] * len(flights)),
        lat_rad=np.radians(
            _f([r.area.lat for r in body.raids] + [f.route[0].lat for f in flights])
        ),
        lon_rad=np.radians(
            _f([r.area.lon for r in body.raids] + [f.route[0].lon for f in flights])
        ),
        alt_m=_f([r.area.alt for r in body.raids] + [f.route[0].alt for f in flights]),
        radius_m=_f([r.area.radius for r in body.raids] + [0.0] * len(flights)),
        t0_s=_f([r.window.start for r in body.raids] + [f.start for f in flights]),
        t1_s=_f([r.window.end for r in body.raids] + [f.start for f in flights]),
        target=_i([asset_index[r.target] for r in body.raids] + [-1] * len(flights)),
        wp_start=_i(wp_start),
        wp_count=_i(wp_count),
        wp_lat_rad=_f(wp_lat),
        wp_lon_rad=_f(wp_lon),
        wp_alt_m=_f(wp_alt),
        friendly=_i([0] * len(body.raids) + [int(f.side == "friendly") for f in flights]),
        speed_mps=_f([0.0] * len(body.raids) + [f.speed or 0.0 for f in flights]),
        parent=_i([-1] * raids_and_flights),
        carrier=_i(
            [
                -1
                if r.launch_from is None
                else len(body.raids) + [f.name for f in flights].index(r.launch_from.flight)
                for r in body.raids
            ]
            + [-1] * len(flights)
        ),
        evade=_i([0] * len(body.raids) + [int(f.evade) for f in flights]),
    )
    assert raids.ttype.size == raids_and_flights
    decoys = [
        (q, threat_ids.index(r.threat + DECOY_SUFFIX), _decoy_count(cat, r.threat))
        for q, r in enumerate(body.raids)
        if r.threat + DECOY_SUFFIX in threat_ids
    ]
    if not decoys:
        return raids
    rows = [q for q, _, _ in decoys]
    extra = {
        name: getattr(raids, name)[rows]
        for name in Raids._fields
        if name not in ("wp_lat_rad", "wp_lon_rad", "wp_alt_m")
    }
    extra["ttype"] = _i([ty for _, ty, _ in decoys])
    extra["size"] = _i([raids.size[q] * n for q, _, n in decoys])
    extra["wp_count"] = np.zeros(len(rows), dtype=np.int64)
    extra["parent"] = _i(rows)
    return raids._replace(
        **{name: np.concatenate([getattr(raids, name), v]) for name, v in extra.items()}
    )


def _decoy_count(cat: Catalogue, threat_id: str) -> int:
    """Decoys each missile of this type releases."""
    spec = cat.threat(threat_id)
    assert isinstance(spec, ThreatSystem) and spec.decoys is not None
    return int(round(spec.decoys.count.value))


TRACK_ROOM = 48
"""Track rows each unit holds beyond one per threat and its false-alarm tracks' share."""


def track_rows(radars: Radars, tracker: TrackerParams, n_units: int, n_objects: int) -> int:
    """Track rows per unit: one per object, room for twice the false-alarm tracks expected
    alive at once (the busiest unit's false alarms per second × the coasting time, which
    bounds a track's life), and :data:`TRACK_ROOM` more.  A full table drops detections."""
    rate = np.zeros(max(n_units, 1))
    for r in range(radars.unit.shape[0]):
        if 0 <= radars.unit[r] < rate.size:
            rate[radars.unit[r]] += radars.false_alarms_per_scan[r] / radars.period_s[r]
    life = min(tracker.coast_s, 600.0)
    return int(n_objects + TRACK_ROOM + math.ceil(2.0 * float(rate.max()) * life))


def compile_tracker(spec: Tracking) -> TrackerParams:
    """The tracker of every unit, in ECEF, from the scenario's ``tracking`` section.

    The gate is the chi-square quantile of the section's probability with three
    degrees of freedom (range, azimuth, elevation; Bar-Shalom, Li & Kirubarajan
    2001, §3.7); the noise densities are the section's accelerations (jerk)
    squared times one second.
    """
    from scipy.stats import chi2

    m, n = (int(v) for v in spec.confirm.split("/"))
    q = {
        "cv": spec.cv_acceleration**2,
        "ca": spec.ca_jerk**2,
        "ballistic": spec.ballistic_acceleration**2,
    }
    return tracker_params(
        models=list(spec.models),
        q=[q[name] for name in spec.models],
        frame="ecef",
        gate=float(chi2.ppf(spec.gate, 3)),
        confirm_m=m,
        confirm_n=n,
        delete_misses=spec.delete_after,
        coast_s=spec.coast,
        initiate_on=(
            None
            if spec.initiate_on == "all" or len(spec.models) == 1
            else spec.initiate_on or spec.models[0]
        ),
        init_velocity_sigma_mps=spec.initial_speed,
    )


def acceleration_model_index(params: TrackerParams) -> int:
    """Index of the constant-acceleration model in the tracker's IMM, -1 if none."""
    hits = np.flatnonzero(params.models == MODEL_CA)
    return int(hits[0]) if hits.size else -1


def radar_row(spec: RadarSpec, unit: Unit | Sensor, ui: int) -> dict[str, Any]:
    """The engine's row for one radar of fire unit `ui` (see :class:`Radars`)."""
    p = unit.position
    height = p.alt + spec.antenna_height.value
    pos = geo.geodetic2ecef(p.lat, p.lon, height)
    # open-analysis calibration: the SNR that gives the reference Pd at the
    # reference Pfa for a Swerling 1 target fixes the constant of the range
    # equation, SNR = K sigma / R^4 (Skolnik, Introduction to Radar Systems, 3rd ed., eq. 2.61)
    snr_ref = 10.0 ** (
        required_snr_db(spec.reference_pd.value, spec.reference_pfa.value, pulses=1, swerling=1)
        / 10.0
    )
    snr_k = snr_ref * spec.reference_range.value**4 / spec.reference_rcs.value
    sector = spec.azimuth_sector.value
    heading = unit.heading or 0.0
    return {
        "lat_rad": math.radians(p.lat),
        "lon_rad": math.radians(p.lon),
        "pos_ecef_m": pos,
        "enu_basis": geo.enu_basis(p.lat, p.lon),
        "height_m": height,
        "unit": ui,
        "snr_k_m2": snr_k,
        "threshold": -math.log(spec.reference_pfa.value),
        "max_range_m": spec.max_range.value,
        "az_center_rad": heading,
        "az_half_rad": min(sector, 2 * math.pi) / 2.0 if sector < 2 * math.pi - 1e-6 else math.pi,
        "el_min_rad": spec.min_elevation.value,
        "el_max_rad": spec.max_elevation.value,
        "period_s": spec.scan_period.value,
        "sigma_range_m": spec.range_accuracy.value,
        "sigma_az_rad": spec.azimuth_accuracy.value,
        "sigma_el_rad": spec.elevation_accuracy.value,
        "false_alarms_per_scan": false_alarms_per_scan(spec),
        "n_sectors": (
            max(1, round(math.degrees(min(sector, 2 * math.pi)) / ROTATING_SLICE_DEG))
            if spec.search == "rotating"
            else 1
        ),
        "sigma_range_rate_mps": spec.range_rate_accuracy.value if spec.range_rate_accuracy else 0.0,
        "track_load": spec.track_load.value if spec.track_load else 0.0,
        "guide_load": spec.guidance_load.value if spec.guidance_load else 0.0,
        "min_search": spec.min_search_share.value if spec.min_search_share else 1.0,
        # no jammer (_add_jamming fills these in for a scenario's jammers)
        "jam_jn": np.zeros(0),
        "jam_dir": np.zeros((0, 3)),
        "jam_carrier": np.zeros(0, dtype=np.int64),
        "jam_window": np.zeros((0, 2)),
        "jam_cos": 1.0,
        "jam_sll": 1.0,
    }


JAM_REF_M = 1.0
"""Range (m) at which a flight-borne jammer's J/N is computed at World build; a look
scales it by (JAM_REF_M / R_j)², the jammer's range then (J/N ∝ R_j⁻², radar.jnr_db)."""

ANTENNA_GAIN_RULE = 26_000.0
"""G ≈ 26,000 / (θ_az θ_el), beamwidths in degrees: the directive gain 4π/(θ_az θ_el)
(41,253 deg²) times an aperture efficiency of about 0.63, the usual rule of thumb for a
radar antenna's gain from its beamwidths (e.g. Stimson, *Introduction to Airborne
Radar*, 2nd ed., ch. 9)."""


def _add_jamming(scenario: Scenario, rows: list[dict[str, Any]], specs: list[RadarSpec]) -> None:
    """Each radar row's noise jamming by the scenario's stand-off jammers (:class:`Radars`).

    J/N through the mainlobe is :func:`airguard.radar.jnr_db` for the jammer's power, gain,
    bandwidth and losses, its range from the antenna, and the radar's frequency, receive
    gain (from its beamwidths, :data:`ANTENNA_GAIN_RULE`), noise bandwidth (c / 2 ΔR from
    its range resolution) and system temperature (290 K × its noise figure).  A jammer
    whose band does not hold the radar's frequency, or that lies below the radar's radio
    horizon (4/3 Earth), does not jam it.

    A jammer riding a hostile flight (``JammerPlatform.flight``) has no fixed range: its
    row holds the J/N at :data:`JAM_REF_M` and the flight's threat row (``jam_carrier``,
    the flights follow the raids' threats, one row each), and the looks scale it by
    (JAM_REF_M / R_j)² from the flight's position and test the horizon then
    (:func:`airguard.engine.looks.carried_jamming`).

    Raises
    ------
    InputError
        When a jammer is present and a radar lacks a figure the equation needs.
    """
    from airguard.catalogue.models import Jammer
    from airguard.radar import SPEED_OF_LIGHT_MPS, jnr_db
    from airguard.sensing import radio_horizon_m

    body, cat = scenario.body, scenario.catalogue
    k_jam = len(body.jammers)
    # a flight's threat row: after every raid's weapons, one row per flight (_compile_raids)
    first_flight = sum(r.count for r in body.raids)
    flight_row: dict[str, int] = {}
    for i, f in enumerate(body.flights):
        flight_row.setdefault(f.name, first_flight + i)  # the first of a name, as launch_from
    for row, spec in zip(rows, specs, strict=True):
        jn, dirs = np.zeros(k_jam), np.zeros((k_jam, 3))
        carrier = np.full(k_jam, -1, dtype=np.int64)
        window = np.zeros((k_jam, 2))
        row.update(
            jam_jn=jn, jam_dir=dirs, jam_carrier=carrier, jam_window=window, jam_cos=1.0,
            jam_sll=1.0,
        )  # fmt: skip
        if not k_jam:
            continue
        needed = {
            "noise_figure": spec.noise_figure,
            "sidelobe_level": spec.sidelobe_level,
            "azimuth_beamwidth": spec.azimuth_beamwidth,
            "elevation_beamwidth": spec.elevation_beamwidth,
            "range_resolution": spec.range_resolution,
        }
        missing = [name for name, fig in needed.items() if fig is None]
        if missing:
            raise InputError(
                f"radar '{spec.name}' has no {', '.join(missing)} in the catalogue: the "
                "jamming equation needs them",
                file=scenario.file,
                field="jammers",
            )
        assert spec.azimuth_beamwidth and spec.elevation_beamwidth and spec.range_resolution
        assert spec.noise_figure and spec.sidelobe_level
        bw_az, bw_el = spec.azimuth_beamwidth.value, spec.elevation_beamwidth.value
        gain_db = 10.0 * math.log10(ANTENNA_GAIN_RULE / (math.degrees(bw_az) * math.degrees(bw_el)))
        noise_bw = SPEED_OF_LIGHT_MPS / (2.0 * spec.range_resolution.value)
        temperature = 290.0 * 10.0 ** (spec.noise_figure.value / 10.0)
        row["jam_cos"] = math.cos(0.5 * math.sqrt(bw_az * bw_el))
        freq = spec.frequency.value
        row["jam_sll"] = 10.0 ** (
            (spec.sidelobe_level.value - sidelobe_cancellation_db(spec, body.jammers, cat)) / 10.0
        )
        for k, jp in enumerate(body.jammers):
            jam = cat.entries[jp.system]
            assert isinstance(jam, Jammer)
            window[k] = (jp.start, math.inf if jp.end is None else jp.end)
            if not jam.band_low.value <= freq <= jam.band_high.value:
                continue
            p = jp.position
            if p is None:  # on a flight: J/N at JAM_REF_M, scaled and screened per look
                assert jp.flight is not None
                carrier[k] = flight_row[jp.flight]
                dist = JAM_REF_M
            else:
                d = geo.geodetic2ecef(p.lat, p.lon, p.alt) - row["pos_ecef_m"]
                dist = float(np.linalg.norm(d))
                if dist > radio_horizon_m(row["height_m"], p.alt):
                    continue  # below the horizon: the Earth screens it
                dirs[k] = d / dist
            jn[k] = 10.0 ** (
                float(
                    jnr_db(
                        10.0 ** (jam.power.value / 10.0), jam.antenna_gain.value,
                        jam.bandwidth.value, dist, freq, gain_db, noise_bw, temperature,
                        jam.losses.value if jam.losses is not None else 0.0,
                    )
                )
                / 10.0
            )  # fmt: skip


def sidelobe_cancellation_db(spec: RadarSpec, jammers: Sequence[Any], cat: Catalogue) -> float:
    """How far radar `spec`'s sidelobe canceller lowers the jamming through its sidelobes,
    dB: its ``sidelobe_cancellation`` when the scenario's `jammers` in its band are no more
    than its ``sidelobe_canceller_channels`` (each auxiliary channel cancels one jammer; a
    canceller with fewer channels than jammers is taken to cancel none), 0 when it has
    none.  Jamming through the mainlobe is never cancelled: an auxiliary channel's broad
    beam cannot tell the jammer from the target there."""
    from airguard.catalogue.models import Jammer

    if spec.sidelobe_cancellation is None or spec.sidelobe_canceller_channels is None:
        return 0.0
    freq = spec.frequency.value
    in_band = 0
    for jp in jammers:
        jam = cat.entries[jp.system]
        assert isinstance(jam, Jammer)
        in_band += int(jam.band_low.value <= freq <= jam.band_high.value)
    if in_band > spec.sidelobe_canceller_channels.value:
        return 0.0
    return float(spec.sidelobe_cancellation.value)


ROTATING_SLICE_DEG = 30.0
"""A rotating radar's period is looked at in slices of this width, each at its own time."""


def false_alarms_per_scan(spec: RadarSpec) -> float:
    """Expected false alarms the tracker gets from one scan of the search volume.

    Pfa × resolution cells, with cells = (max range / range resolution) × (sector /
    azimuth beamwidth) × (elevation extent / elevation beamwidth) (Skolnik,
    *Introduction to Radar Systems*, 3rd ed., §2.5: the false-alarm time is the
    resolution-cell rate over Pfa).  A radar without cell sizes makes none.

    An electronically scanned radar answers every search detection with a
    confirmation dwell in the same direction (*alert–confirm*: E. R. Billam,
    "Parameter optimisation in phased array radar", Radar 92, IEE Conf. Publ. 365,
    1992); noise crosses the threshold again with probability Pfa, so its false
    alarms reach the tracker at Pfa² × cells.  A real target is taken to pass the
    confirmation (a dwell at the target's direction with the energy to confirm it),
    so its detection probability per look is the search look's.  A rotating radar
    cannot look back at once and passes Pfa × cells.
    """
    if (
        spec.range_resolution is None
        or spec.azimuth_beamwidth is None
        or spec.elevation_beamwidth is None
    ):
        return 0.0
    n_range = spec.max_range.value / spec.range_resolution.value
    n_az = min(spec.azimuth_sector.value, 2 * math.pi) / spec.azimuth_beamwidth.value
    n_el = max(spec.max_elevation.value - spec.min_elevation.value, 0.0) / (
        spec.elevation_beamwidth.value
    )
    per_scan = spec.reference_pfa.value * n_range * max(n_az, 1.0) * max(n_el, 1.0)
    if spec.search == "electronic":
        per_scan *= spec.reference_pfa.value  # alert–confirm
    return float(per_scan)


@functools.lru_cache(maxsize=64)
def _cached_reach_table(
    params: bytes,
    max_time_s: float,
    max_range_m: float,
    max_altitude_m: float,
    manoeuvre: tuple[float, float, float],
) -> ReachTable:
    """Reach tables depend only on the interceptor: computed once per process."""
    return reach_table(
        np.frombuffer(params, dtype=np.float64).copy(),
        max_time_s,
        max_range_m,
        max_altitude_m,
        manoeuvre=manoeuvre,
    )


def _compile_interceptors(ids: list[str], cat: Catalogue) -> tuple[Interceptors, list[ReachTable]]:
    rows: dict[str, list[Any]] = {}
    tables: list[ReachTable] = []
    for iid in ids:
        _, spec = cat.interceptor(iid)
        params = spec_params(spec)
        manoeuvre = spec_manoeuvre(spec)
        table = _cached_reach_table(
            params.tobytes(),
            spec.max_flight_time.value,
            spec.max_range.value,
            spec.max_altitude.value,
            manoeuvre,
        )
        tables.append(table)
        pk = [
            spec.single_shot_pk[c].value if c in spec.single_shot_pk else 0.0
            for c in THREAT_CLASSES
        ]
        for key, value in (
            ("params", params),
            ("max_range", spec.max_range.value),
            ("min_range", spec.min_range.value),
            ("max_alt", spec.max_altitude.value),
            ("min_alt", spec.min_altitude.value),
            ("lethal_radius", spec.lethal_radius.value),
            ("blast_frag", spec.kill_mechanism == "blast-fragmentation"),
            ("seeker_range", spec.seeker_range.value if spec.seeker_range is not None else 0.0),
            (
                "seeker_tan",
                math.tan(spec.seeker_field_of_view.value / 2.0)
                if spec.seeker_field_of_view is not None
                else 0.0,
            ),
            ("pk", pk),
            ("cost", spec.unit_cost_usd.value),
            ("nav_ratio", spec.navigation_ratio.value),
            ("lag", spec.autopilot_lag.value),
            ("max_accel", spec.max_acceleration.value),
            ("cn_area", manoeuvre[0]),
            ("divert", manoeuvre[2]),
            ("divert_dv", spec.divert_delta_v.value if spec.divert_delta_v is not None else 0.0),
            (
                "seeker_noise",
                spec.seeker_angle_noise.value**2 * SEEKER_NOISE_SAMPLE_S
                if spec.seeker_angle_noise is not None
                else 0.0,
            ),
            ("max_time", spec.max_flight_time.value),
        ):
            rows.setdefault(key, []).append(value)
        interval = 1.0
        for sysm in cat:
            if isinstance(sysm, DefenceSystem):
                for lspec in sysm.launchers.values():
                    if iid in lspec.capacity:
                        interval = lspec.launch_interval.value
        rows.setdefault("launch_interval", []).append(interval)
    nr = max((t.time_s.shape[0] for t in tables), default=1)
    nh = max((t.time_s.shape[1] for t in tables), default=1)
    rt = np.full((len(tables), nr, nh), np.inf)
    re = np.zeros((len(tables), nr, nh))
    ra = np.zeros((len(tables), nr, nh))
    for k, t in enumerate(tables):
        rt[k, : t.time_s.shape[0], : t.time_s.shape[1]] = t.time_s
        re[k, : t.time_s.shape[0], : t.time_s.shape[1]] = t.elevation_rad
        if t.lateral_mps2 is not None:
            ra[k, : t.time_s.shape[0], : t.time_s.shape[1]] = t.lateral_mps2
    n = len(ids)
    return (
        Interceptors(
            params=np.asarray(rows.get("params", []), dtype=np.float64).reshape(n, N_PARAMS),
            max_range_m=_f(rows.get("max_range", [])),
            min_range_m=_f(rows.get("min_range", [])),
            max_alt_m=_f(rows.get("max_alt", [])),
            min_alt_m=_f(rows.get("min_alt", [])),
            lethal_radius_m=_f(rows.get("lethal_radius", [])),
            blast_frag=np.asarray(rows.get("blast_frag", []), dtype=np.bool_),
            seeker_range_m=_f(rows.get("seeker_range", [])),
            seeker_tan=_f(rows.get("seeker_tan", [])),
            pk=np.asarray(rows.get("pk", []), dtype=np.float64).reshape(n, 4),
            cost_usd=_f(rows.get("cost", [])),
            nav_ratio=_f(rows.get("nav_ratio", [])),
            lag_s=_f(rows.get("lag", [])),
            max_accel_mps2=_f(rows.get("max_accel", [])),
            cn_area_m2=_f(rows.get("cn_area", [])),
            divert_mps2=_f(rows.get("divert", [])),
            divert_dv_mps=_f(rows.get("divert_dv", [])),
            seeker_noise=_f(rows.get("seeker_noise", [])),
            max_time_s=_f(rows.get("max_time", [])),
            launch_interval_s=_f(rows.get("launch_interval", [])),
            reach_time_s=rt,
            reach_elev_rad=re,
            reach_lateral_mps2=ra,
            reach_dr_m=_f([t.range_step_m for t in tables]),
            reach_dh_m=_f([t.height_step_m for t in tables]),
        ),
        tables,
    )


def _launcher_load(system: DefenceSystem, iid: str) -> tuple[int, float]:
    """Rounds of `iid` one launcher holds (the composition's load, else its capacity), and
    the reload time of the first launcher that carries it."""
    comp = system.composition
    for lid, load in comp.load.items():
        if iid in load and int(load[iid].value) > 0:
            return int(load[iid].value), system.launchers[lid].reload_time.value
    for spec in system.launchers.values():
        if iid in spec.capacity:
            return max(int(spec.capacity[iid].value), 1), spec.reload_time.value
    return 1, 0.0


N_AIM = 48
AIM_REFERENCE = (math.radians(37.0), math.radians(40.0), 500.0, math.radians(270.0))


def ballistic_params(spec: ThreatSystem) -> np.ndarray:
    """Body parameters of a ballistic threat from its catalogue figures."""
    assert spec.launch_mass and spec.burnout_mass and spec.thrust and spec.burn_time
    assert spec.diameter and spec.drag_coefficient
    area = math.pi * spec.diameter.value**2 / 4.0
    weave = spec.terminal_manoeuvre
    mach, cda = DragCurve.table(spec.drag_curve, area)
    return body_params(
        weave_accel_mps2=0.0 if weave is None else weave.acceleration.value,
        weave_period_s=0.0 if weave is None else weave.period.value,
        weave_height_m=0.0 if weave is None else weave.start_altitude.value,
        weave_cn_area_m2=(
            weave.max_normal_force_coefficient.value * area
            if weave is not None and weave.max_normal_force_coefficient is not None
            else 0.0
        ),
        thrust_n=spec.thrust.value,
        mass0_kg=spec.launch_mass.value,
        burnout_mass_kg=spec.burnout_mass.value,
        burn_time_s=spec.burn_time.value,
        cda_m2=spec.drag_coefficient.value * area,
        drag_mach=mach,
        drag_cda_m2=cda,
    )


def _reference_flight(params: np.ndarray, elevation: float, cutoff_s: float) -> tuple[float, float]:
    """Ground range (m) and time of flight (s) of a ballistic body launched from the
    aiming reference point with motor cut-off `cutoff_s`, flown with the engine's
    integrator."""
    lat, lon, alt, az = AIM_REFERENCE
    t_impact, x, y, z = fly_ballistic(
        lat, lon, alt, az, elevation, cutoff_s, params, FULL, alt, 0.0, GRID_DT_S,
        np.zeros((0, 3)), np.zeros((0, 3)), EMPTY,
    )  # fmt: skip
    la, lo, _ = geo.ecef2geodetic(np.array([x, y, z]))
    la0, lo0, _ = geo.ecef2geodetic(geo.geodetic2ecef(math.degrees(lat), math.degrees(lon), alt))
    range_m = float(geo.great_circle_distance_m(la0, lo0, la, lo))
    return range_m, float(t_impact)


def aiming_table(spec: ThreatSystem) -> tuple[np.ndarray, np.ndarray]:
    """Ground range (m) against motor cut-off time (s), flown with the engine's integrator.

    Made increasing in cut-off time: samples that fall below an earlier range are
    replaced by interpolation, and the table stops growing after its last increase.
    """
    assert spec.burn_time and spec.launch_elevation
    params = ballistic_params(spec)
    tb = spec.burn_time.value
    cutoffs = np.linspace(0.25 * tb, tb, N_AIM)
    ranges = np.zeros(N_AIM)
    for k, tc in enumerate(cutoffs):
        ranges[k], _ = _reference_flight(params, spec.launch_elevation.value, float(tc))
    # A terminal weave can make range wiggle by a few hundred metres from one cut-off
    # to the next; drop such samples (interpolating over them) rather than stopping at
    # the first: range must increase for the aim to be looked up.
    best = np.maximum.accumulate(ranges)
    kept = np.concatenate([[True], ranges[1:] > best[:-1]])
    last = int(np.nonzero(kept)[0][-1])
    inner = ~kept & (np.arange(N_AIM) < last)
    ranges[inner] = np.interp(cutoffs[inner], cutoffs[kept], ranges[kept])
    if last < N_AIM - 1:  # beyond the last increase the table stops growing
        ranges[last + 1 :] = ranges[last]
        cutoffs[last + 1 :] = cutoffs[last] + 1e-6 * np.arange(1, N_AIM - last)
    return cutoffs, ranges


def compile_threat_types(ids: list[str], cat: Catalogue) -> ThreatTypes:
    """Arrays of the given threat types, with each ballistic type's aiming table."""
    n = len(ids)
    cls = np.zeros(n, dtype=np.int64)
    flight = np.zeros(n, dtype=np.int64)
    rcs, swer, cost, cep = np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(n), np.zeros(n)
    params = np.zeros((n, N_PARAMS))
    elevation, speed, cruise = np.zeros(n), np.zeros(n), np.zeros(n)
    aim_c = np.zeros((n, N_AIM))
    aim_r = np.zeros((n, N_AIM))
    separation = np.zeros(n)
    arm_terminal, arm_miss = np.zeros(n), np.zeros(n)
    aspect_n = np.zeros(n, dtype=np.int64)
    aspect_deg = np.zeros((n, RCS_ASPECT_POINTS))
    aspect_factor = np.ones((n, RCS_ASPECT_POINTS))
    evasion = np.full((n, N_EVASION), np.nan)
    max_speed = np.full(n, np.inf)
    for k, tid in enumerate(ids):
        if tid.endswith(DECOY_SUFFIX):  # a missile's decoys: a light coasting body
            missile = cat.threat(tid.removesuffix(DECOY_SUFFIX))
            assert isinstance(missile, ThreatSystem) and missile.decoys is not None
            d = missile.decoys
            cls[k] = CLASS_INDEX[missile.threat_class]
            flight[k] = FLIGHT_DECOY
            rcs[k] = d.rcs.value
            swer[k] = int(missile.swerling.value)
            area = math.pi * d.diameter.value**2 / 4.0
            params[k] = body_params(mass0_kg=d.mass.value, cda_m2=d.drag_coefficient.value * area)
            separation[k] = d.separation_speed.value
            continue
        spec = cat.threat(tid)
        assert isinstance(spec, ThreatSystem | Aircraft)
        rcs[k] = spec.rcs.value
        swer[k] = int(spec.swerling.value)
        cost[k] = spec.unit_cost_usd.value
        if spec.rcs_aspect is not None:
            m = len(spec.rcs_aspect.aspect_deg)
            aspect_n[k] = m
            aspect_deg[k, :m] = spec.rcs_aspect.aspect_deg
            aspect_factor[k, :m] = spec.rcs_aspect.factor
        if isinstance(spec, Aircraft):  # friendly flights: a route at the flight's altitude
            cls[k] = CLASS_INDEX["aircraft"]
            flight[k] = FLIGHT_ROUTE
            speed[k] = spec.cruise_speed.value
            max_speed[k] = spec.max_speed.value
            if spec.evasion is not None:
                e = spec.evasion
                evasion[k, EV_REACTION_S] = e.reaction_time.value
                evasion[k, EV_LOAD_FACTOR] = e.load_factor.value
                evasion[k, EV_DIVE_RAD] = e.dive_angle.value
                evasion[k, EV_FLOOR_M] = e.floor_height.value
                evasion[k, EV_HOLD_S] = e.hold_time.value
            continue
        cls[k] = CLASS_INDEX[spec.threat_class]
        cep[k] = spec.cep.value
        if spec.is_ballistic:
            flight[k] = FLIGHT_BALLISTIC
            params[k] = ballistic_params(spec)
            assert spec.launch_elevation is not None
            elevation[k] = spec.launch_elevation.value
            aim_c[k], aim_r[k] = aiming_table(spec)
        else:
            assert spec.cruise_speed is not None and spec.cruise_altitude is not None
            flight[k] = FLIGHT_ROUTE
            speed[k] = spec.cruise_speed.value
            cruise[k] = spec.cruise_altitude.value
            if spec.radiation_homing is not None:
                arm_terminal[k] = spec.radiation_homing.terminal_time.value
                arm_miss[k] = spec.radiation_homing.memory_miss.value
    return ThreatTypes(
        cls, flight, rcs, swer, cost, cep, params, elevation, speed, cruise, aim_c, aim_r,
        separation, arm_terminal, arm_miss, aspect_n, aspect_deg, aspect_factor, evasion,
        max_speed,
    )  # fmt: skip


FLIGHT_TIME_MARGIN = 1.05
"""How much longer than the aiming reference's flight a ballistic raid's flight is taken
to be when checked against the duration (launch point, target height, Earth's rotation and
the terminal weave change it by a few per cent)."""


def _check_ballistic_reach(scenario: Scenario, types: ThreatTypes, ids: list[str]) -> None:
    body = scenario.body
    for i, raid in enumerate(body.raids):
        k = ids.index(raid.threat)
        if types.flight[k] != FLIGHT_BALLISTIC:
            continue
        target = next(a for a in body.assets if a.name == raid.target)
        far = (
            float(
                geo.great_circle_distance_m(
                    raid.area.lat,
                    raid.area.lon,
                    target.position.lat,
                    target.position.lon,
                )
            )
            + raid.area.radius
        )
        reach = float(types.aim_range_m[k].max())
        if far > reach * 1.02:
            raise InputError(
                f"{raid.target} is up to {far / 1000:.0f} km away, beyond the {reach / 1000:.0f} km that "
                f"{raid.threat}'s catalogue motor reaches in flight",
                file=scenario.file,
                field=f"raids[{i}].target",
            )
        near = float(types.aim_range_m[k].min())
        if far - 2 * raid.area.radius < near:
            raise InputError(
                f"{raid.target} is closer than the {near / 1000:.0f} km minimum the flight model of "
                f"{raid.threat} reaches",
                file=scenario.file,
                field=f"raids[{i}].target",
            )
        # A missile still in flight when the simulation ends would count as neither killed
        # nor leaking: its longest flight must end within the duration.
        cutoff = float(np.interp(min(far, reach), types.aim_range_m[k], types.aim_cutoff_s[k]))
        _, flight_s = _reference_flight(types.params[k], float(types.elevation_rad[k]), cutoff)
        lands = raid.window.end + FLIGHT_TIME_MARGIN * flight_s
        if lands > body.duration:
            raise InputError(
                f"launched at up to t = {raid.window.end:g} s, some {raid.threat} could "
                f"land at t = {lands:.0f} s (a {flight_s:.0f} s flight to {raid.target}), after "
                f"the simulation ends ({body.duration:g} s): launch them earlier or lengthen "
                "`duration`",
                file=scenario.file,
                field=f"raids[{i}].launch_window.end",
            )


_ = BALLISTIC_STEP_S

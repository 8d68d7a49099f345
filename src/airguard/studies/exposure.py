"""Exposure of flights to a scenario's radars: how long, how often, how well.

For every flight of a scenario (``flights:``, friendly and hostile) and every radar of its units and
sensors, :func:`exposure_analysis` samples the flight along its route in time and
evaluates, at each sample, the look the radar would take — with the engine's own
models, imported, not copied:

* the flight path is the engine's: :func:`airguard.trajectory.fly_route` along the
  route's great circles at the flight's speed (default: the aircraft's cruise speed),
  at the heights of the route's points (:func:`airguard.world.route_heights`), as
  :func:`airguard.engine.draw_threats` flies flights; the whole route is sampled, from its first point to its last,
  whatever the scenario's duration;
* the radars are those of :func:`airguard.world.compile_world` (named ``unit/radar``),
  with the engine's calibration of the range equation (:func:`airguard.world.radar_row`:
  ``SNR = snr_k σ / R^4``, Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61);
* the geometry of a look is :func:`airguard.sensing.look`, the engine's, at every
  sample: slant range inside the instrumented range, the radio horizon on the 4/3
  effective Earth (``R ≤ sqrt((a_e + h_a)^2 - a_e^2) + sqrt((a_e + h_t)^2 - a_e^2)``,
  Skolnik §8.2), the apparent elevation on the same effective Earth inside the radar's
  elevation limits, the azimuth sector about the unit's heading (all of it: every slice
  of a rotating radar's scan), and, with a DEM, the radar's terrain skyline
  (:func:`airguard.terrain.mask_visible`);
* the single-look detection probability is :func:`airguard.radar.detection_probability`
  (one pulse, square-law detector, the catalogue's Pfa and the aircraft's Swerling case;
  Richards, *Fundamentals of Radar Signal Processing*, 2nd ed., §6.3): the distribution
  the engine draws from;
* under the scenario's ``jammers:``, the SNR is S / (N + J) with the engine's rule
  (:func:`jamming_jn`): each jammer on at the sample's time, through the mainlobe when it
  lies within the beam's half-width of the flight's direction, through the sidelobe
  level otherwise; a jammer riding a flight where that flight is at the time (so an
  aircraft carrying its own jammer screens itself), none once it has landed or while
  below the horizon.  A carrier is never shot down here (nothing is random).

The aircraft's radar cross section is the catalogue's ``rcs`` at the level asked
(``low``, ``nominal``, ``high``: the frontal figure), times, when the catalogue entry has an
``rcs_aspect`` table (:class:`airguard.catalogue.models.RcsAspect`), the table's factor at the
aspect angle of each look, joined linearly: ``σ(a) = rcs_level × factor(a)``.  Without a
table (or with ``aspect_rcs=False``) the RCS is the scalar, whatever the aspect.  The
engine itself always uses the scalar ``rcs``.

Figures per flight, radar and RCS level (:class:`ExposureRow`)
-------------------------------------------------------------
*In view* means the geometry allows a look (range, horizon, elevation, sector, terrain).
*Exposed* means in view **and** a single-look P_D of at least ``pd_min`` (0.5 by default,
the convention behind quoted detection ranges).  With sample step Δt and the radar's
scan period T:

* ``view_s``, ``exposed_s``: Σ Δt over the samples in view, exposed;
* ``looks``: the expected number of the radar's looks while the flight is exposed,
  ``exposed_s / T``; ``looks_in_view``: ``view_s / T``;
* ``expected_detections``: Σ P_D Δt / T over the samples in view — the expected number of
  detections over a scan phase drawn uniformly, as the engine draws it (the engine's first
  look of a radar is at a uniform random time within its first period);
* ``snr_db_p10/p50/p90``: percentiles of the mean SNR over the samples in view (time
  weighted; the quality of what the radar observes); ``snr_db_max``;
* ``aspect_deg_min/max``: the range of aspect angles over the exposed samples — the angle
  between the aircraft's velocity and the line of sight from the aircraft to the radar
  (0° nose-on, 90° beam, 180° tail); ``aspect_view_s`` and ``aspect_detections``: time in
  view and expected detections in each :data:`ASPECT_BIN_DEG` bin;
* ``elevation_deg_min/max``: the radar's apparent elevation of the aircraft while exposed;
* ``closest_range_m``, ``closest_time_s``: the closest approach to the radar's antenna,
  the minimum slant range refined by a parabola through the three samples about it (exact
  for a straight, constant-speed pass, where R² is quadratic in time);
* ``first_exposed_s``, ``last_exposed_s`` (None when never exposed).

Hostile flights (``side: hostile``) (:class:`ReachRow`)
-----------------------------------------------------
A hostile flight has the same figures against each radar, and, against each unit that can
fire at its class (the doctrine's interceptors it holds rounds of, as the engine's fire
control), the time it spends:

* ``reach_s``: inside the unit's engagement reach (:func:`in_reach`: the coverage map's
  engagement test, :func:`airguard.reach.intercept_cell` with the interceptor's whole
  flight time, over the reach tables the engine plans with);
* ``detected_s``: exposed (in view, P_D ≥ ``pd_min``) to at least one radar of the
  unit's picture, its own radars and those of its network, as the coverage map;
* ``engageable_s``: both at once — where the defence could see the aircraft and reach
  it; ``first_engageable_s``, ``last_engageable_s``.

Like the coverage map, this is where an engagement is *possible*: reaction, channels,
rounds already spent and the threat's time to go are the engine's.

Times are scenario times (s).  Nothing is random: every figure is an expected value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from airguard import geo
from airguard._jit import njit
from airguard.catalogue import Aircraft
from airguard.catalogue.models import RcsAspect
from airguard.errors import InputError
from airguard.geo import EFFECTIVE_EARTH_FACTOR  # re-exported; its home is airguard.geo
from airguard.radar import detection_probability
from airguard.reach import REACHABLE, intercept_cell
from airguard.scenario import Scenario, load_scenario, route_heights
from airguard.sensing import IN_VIEW, apparent_elevation_rad, look_verdict
from airguard.studies.coverage import usable_interceptors
from airguard.trajectory import fly_route, route_distances
from airguard.world import World, compile_world

__all__ = [
    "ASPECT_BIN_DEG",
    "DEFAULT_PD_MIN",
    "DEFAULT_STEP_S",
    "EFFECTIVE_EARTH_FACTOR",
    "RCS_LEVELS",
    "Exposure",
    "ExposureRow",
    "FlightSamples",
    "RadarLook",
    "ReachRow",
    "exposure_analysis",
    "fly_flight",
    "in_reach",
    "jamming_jn",
    "look_geometry",
    "map_level",
    "to_geojson",
    "to_json",
    "write_outputs",
    "write_png",
]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]
Level = Literal["low", "nominal", "high"]

RCS_LEVELS: tuple[Level, Level, Level] = ("low", "nominal", "high")
"""The catalogue's levels of a contested figure."""

DEFAULT_STEP_S = 1.0
"""Sample step along each flight (s): the engine's trajectory grid (world.GRID_DT_S)."""

DEFAULT_PD_MIN = 0.5
"""Single-look P_D from which a flight in view counts as exposed (the convention behind
quoted detection ranges, the catalogue's ``reference_pd``)."""

ASPECT_BIN_DEG = 15.0
"""Width of the aspect-angle histogram bins (deg), from 0° (nose-on) to 180° (tail)."""

MAX_SAMPLES = 2_000_000
"""Most samples of one flight: a route longer than this many steps is refused."""


# ---------------------------------------------------------------- flights


@dataclass(frozen=True)
class FlightSamples:
    """One flight sampled in time along the engine's path: a view over arrays.

    ``time_s (n,)`` scenario time; ``pos_m (n, 3)`` ECEF; ``vel_mps (n, 3)`` ECEF;
    ``height_m (n,)`` above the ellipsoid; ``lat_deg``, ``lon_deg (n,)``.
    """

    name: str
    aircraft: str
    rcs_m2: dict[str, float]
    swerling: int
    rcs_aspect: RcsAspect | None
    speed_mps: float
    time_s: Float
    pos_m: Float
    vel_mps: Float
    height_m: Float
    lat_deg: Float
    lon_deg: Float
    side: Literal["friendly", "hostile"] = "friendly"


def fly_flight(
    lat_deg: Sequence[float],
    lon_deg: Sequence[float],
    height_m: float | Sequence[float],
    speed_mps: float,
    start_s: float,
    step_s: float = DEFAULT_STEP_S,
) -> tuple[Float, Float, Float, Float]:
    """Sample a route flown as the engine flies a flight.

    :func:`airguard.trajectory.fly_route` along the great circles through the points at
    constant ground speed, at the points' heights above the ellipsoid (the engine's
    ``draw_threats`` for ``flights:``), every `step_s` from the first point to the last.

    Parameters
    ----------
    lat_deg, lon_deg
        Route points (deg), two or more.
    height_m
        Height above the ellipsoid (m): one for the whole route, or one per point
        (:func:`airguard.world.route_heights`), flown linearly in route distance between
        the points, as the engine flies them.
    speed_mps
        Ground speed (m/s), > 0.
    start_s
        Time at the first point (s).
    step_s
        Sample step (s), > 0.

    Returns
    -------
    time_s (n,), pos_m (n, 3) ECEF, vel_mps (n, 3) ECEF, height_m (n,)
    """
    lats = np.radians(np.asarray(lat_deg, dtype=np.float64))
    lons = np.radians(np.asarray(lon_deg, dtype=np.float64))
    length = float(
        np.sum(geo.great_circle_distance_m(lat_deg[:-1], lon_deg[:-1], lat_deg[1:], lon_deg[1:]))
    )
    n = int(math.ceil(length * 1.01 / speed_mps / step_s)) + 3
    if n > MAX_SAMPLES:
        raise ValueError(
            f"step_s: {n} samples of {step_s} s along a {length / 1000:.0f} km route; "
            "take a longer step"
        )
    pos = np.zeros((n, 3))
    vel = np.zeros((n, 3))
    hh = np.zeros(n)
    heights = np.broadcast_to(np.asarray(height_m, dtype=np.float64), lats.shape)
    level = bool(np.all(heights == heights[0]))
    # flown from t = 0 (the kernel's grid starts there) and shifted to the flight's start
    t_end, _, _, _ = fly_route(
        lats,
        lons,
        float(heights[0]),
        0.0,
        float(heights[-1]),
        speed_mps,
        0.0,
        0.0,
        step_s,
        pos,
        vel,
        hh,
        None if level else route_distances(lats, lons),
        None if level else np.ascontiguousarray(heights),
    )
    k = int(math.floor(t_end / step_s + 1e-9)) + 1
    times: Float = start_s + step_s * np.arange(k, dtype=np.float64)
    return times, pos[:k], vel[:k], hh[:k]


def _flights(scenario: Scenario, step_s: float, aspect_rcs: bool = True) -> list[FlightSamples]:
    out = []
    for i, flight in enumerate(scenario.body.flights):
        spec = scenario.catalogue.threat(flight.aircraft)
        if not isinstance(spec, Aircraft):
            raise InputError(
                f"'{flight.aircraft}' is not an aircraft of the catalogue",
                file=scenario.file,
                field=f"flights[{i}].aircraft",
            )
        speed = flight.speed if flight.speed is not None else spec.cruise_speed.value
        lat = [p.lat for p in flight.route]
        lon = [p.lon for p in flight.route]
        heights = route_heights(flight.route)
        t, pos, vel, h = fly_flight(lat, lon, heights, speed, flight.start, step_s)
        la, lo, _ = geo.ecef2geodetic(pos)
        out.append(
            FlightSamples(
                name=flight.name,
                aircraft=flight.aircraft,
                rcs_m2={lv: spec.rcs.level(lv) for lv in RCS_LEVELS},
                swerling=int(spec.swerling.value),
                rcs_aspect=spec.rcs_aspect if aspect_rcs else None,
                speed_mps=float(speed),
                time_s=t,
                pos_m=pos,
                vel_mps=vel,
                height_m=h,
                lat_deg=la,
                lon_deg=lo,
                side=flight.side,
            )
        )
    return out


# ---------------------------------------------------------------- geometry


@dataclass(frozen=True)
class RadarLook:
    """The geometry of one radar's looks at one flight's samples (all ``(n,)``)."""

    range_m: Float
    in_view: Bool
    elevation_deg: Float
    aspect_deg: Float
    reason: NDArray[np.int64]
    """Why each sample is out of view: :func:`airguard.sensing.look`'s code (0, ``IN_VIEW``,
    when in view; ``airguard.sensing.LOOK_REASONS[code]`` names it)."""


@njit
def _looks(
    radar_pos: Float,
    basis: Float,
    ha: float,
    max_range: float,
    el_min: float,
    el_max: float,
    az_center: float,
    az_half: float,
    has_terrain: bool,
    mask_slope: Float,
    mask_az_step: float,
    mask_range_step: float,
    radar_lat: float,
    radar_lon: float,
    pos: Float,
    ht: Float,
) -> tuple[NDArray[np.int64], Float, Float]:
    """:func:`airguard.sensing.look_verdict` over the whole sector at each sample (every slice
    of a scan: no slice bounds): (codes, slant range (m), apparent elevation (rad), the latter
    at every sample)."""
    n = pos.shape[0]
    codes = np.empty(n, dtype=np.int64)
    rng = np.empty(n)
    el_app = np.empty(n)
    for i in range(n):
        codes[i], rng[i], _, _ = look_verdict(
            radar_pos, basis, ha, max_range, el_min, el_max, az_center, az_half, -math.inf,
            math.inf, pos[i, 0], pos[i, 1], pos[i, 2], ht[i], has_terrain, mask_slope,
            mask_az_step, mask_range_step, radar_lat, radar_lon, math.nan, math.nan,
        )  # fmt: skip
        # the elevation is reported at every sample, also where no test needed it
        el_app[i] = apparent_elevation_rad(max(rng[i], 1e-9), ha, ht[i])
    return codes, rng, el_app


_NO_MASK = np.full((1, 1), -np.inf)


def look_geometry(world: World, r: int, pos_m: Float, vel_mps: Float, height_m: Float) -> RadarLook:
    """Radar r's view of targets at `pos_m`: :func:`airguard.sensing.look` over its sector.

    Parameters
    ----------
    world
        The compiled scenario (radars and terrain).
    r
        Radar index in ``world.radars``.
    pos_m, vel_mps
        (n, 3) float64 ECEF target positions (m) and velocities (m/s).
    height_m
        (n,) float64 target heights above the ellipsoid (m).

    Returns
    -------
    RadarLook
        Slant range, whether a look is possible (instrumented range, 4/3-Earth horizon,
        apparent elevation limits, azimuth sector, terrain skyline) and if not why, the
        apparent elevation (deg) and the aspect angle (deg, 0 nose-on, 180 tail).
    """
    rad = world.radars
    tm = world.terrain
    if tm is not None:
        slope, az_step, rng_step = (
            tm.mask_slope[r],
            float(tm.mask_steps[0]),
            float(tm.mask_steps[1]),
        )
    else:
        slope, az_step, rng_step = _NO_MASK, 1.0, 1.0
    codes, rng, el_app = _looks(
        rad.pos_ecef_m[r], rad.enu_basis[r], float(rad.height_m[r]), float(rad.max_range_m[r]),
        float(rad.el_min_rad[r]), float(rad.el_max_rad[r]), float(rad.az_center_rad[r]),
        float(rad.az_half_rad[r]), tm is not None, slope, az_step, rng_step, float(rad.lat_rad[r]),
        float(rad.lon_rad[r]), np.ascontiguousarray(pos_m, dtype=np.float64),
        np.ascontiguousarray(height_m, dtype=np.float64),
    )  # fmt: skip
    d = pos_m - rad.pos_ecef_m[r]
    speed = np.sqrt(np.einsum("ij,ij->i", vel_mps, vel_mps))
    cos_aspect = -np.einsum("ij,ij->i", vel_mps, d) / np.maximum(
        speed * np.maximum(rng, 1e-9), 1e-12
    )
    aspect = np.degrees(np.arccos(np.clip(cos_aspect, -1.0, 1.0)))
    return RadarLook(rng, codes == IN_VIEW, np.degrees(el_app), aspect, codes)


# ---------------------------------------------------------------- jamming


def jamming_jn(
    world: World,
    r: int,
    fs: FlightSamples,
    flights: Sequence[FlightSamples],
    first_flight: int,
) -> Float:
    """(n,) J/N (linear) radar r meets looking at flight `fs`'s samples, as the engine's look.

    Each of the scenario's jammers counts at a sample when its window ``[start, end)``
    holds the sample's time, through the mainlobe when the direction to it is within the
    radar's mainlobe half-width of the direction to the flight (``Radars.jam_cos``), through
    the sidelobe level ``Radars.jam_sll`` otherwise (:func:`airguard.engine.looks.jamming`).
    A jammer holding a position has the World's J/N and direction; one riding a flight is
    where that flight is at the sample's time (its samples, joined linearly; none before
    its first or after its last), its J/N the World's at :data:`airguard.world.JAM_REF_M`
    times (JAM_REF_M / R_j)², and none while below the radar's 4/3-Earth horizon
    (:func:`airguard.engine.looks.carried_jamming`), never shot down: the self-screening
    of an aircraft carrying its own jammer is then the mainlobe case at its own range.

    Parameters
    ----------
    world
        The compiled scenario.
    r
        Radar index in ``world.radars``.
    fs
        The flight looked at.
    flights
        Every flight of the scenario, in ``flights:`` order (the carriers).
    first_flight
        Threat row of the first flight (the raids' weapons come first): flight i is row
        ``first_flight + i`` of ``Radars.jam_carrier``.
    """
    from airguard.sensing import radio_horizon_m
    from airguard.world import JAM_REF_M

    rad = world.radars
    t = fs.time_s
    total = np.zeros(t.size)
    if rad.jam_jn.shape[1] == 0:
        return total
    site = rad.pos_ecef_m[r]
    d = fs.pos_m - site
    u = d / np.maximum(np.linalg.norm(d, axis=1), 1e-9)[:, None]
    ha = float(rad.height_m[r])
    for k in range(rad.jam_jn.shape[1]):
        j1 = float(rad.jam_jn[r, k])
        start, end = rad.jam_window[r, k]
        on = (t >= start) & (t < end)
        if j1 <= 0.0 or not on.any():
            continue
        c = int(rad.jam_carrier[r, k])
        if c < 0:
            jn = np.full(t.size, j1)
            cos = u @ rad.jam_dir[r, k]
        else:
            cf = flights[c - first_flight]
            p = np.stack([np.interp(t, cf.time_s, cf.pos_m[:, i]) for i in range(3)], axis=1)
            h = np.interp(t, cf.time_s, cf.height_m)
            dj = p - site
            dist = np.maximum(np.linalg.norm(dj, axis=1), 1e-9)
            seen = np.array([dist[i] <= radio_horizon_m(ha, float(h[i])) for i in range(t.size)])
            on &= seen & (t >= cf.time_s[0]) & (t <= cf.time_s[-1])
            jn = j1 * (JAM_REF_M / dist) ** 2
            cos = np.einsum("ij,ij->i", u, dj / dist[:, None])
        gain = np.where(cos >= rad.jam_cos[r], 1.0, rad.jam_sll[r])
        total += np.where(on, jn * gain, 0.0)
    return total


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class ExposureRow:
    """The figures of one flight against one radar at one RCS level (see module notes)."""

    flight: str
    aircraft: str
    radar: str
    rcs_level: str
    rcs_m2: float
    view_s: float
    exposed_s: float
    looks_in_view: float
    looks: float
    expected_detections: float
    snr_db_p10: float | None
    snr_db_p50: float | None
    snr_db_p90: float | None
    snr_db_max: float | None
    aspect_deg_min: float | None
    aspect_deg_max: float | None
    aspect_view_s: list[float]
    aspect_detections: list[float]
    elevation_deg_min: float | None
    elevation_deg_max: float | None
    closest_range_m: float
    closest_time_s: float
    first_exposed_s: float | None
    last_exposed_s: float | None


@dataclass(frozen=True)
class ReachRow:
    """A hostile flight against one armed unit at one RCS level (see the module notes).

    ``reach_s``: time inside the reach of one of the unit's interceptors for the flight's
    class (:func:`in_reach`); ``detected_s``: time exposed (in view, P_D ≥ pd_min) to at
    least one radar of the unit's picture (its own radars and its network's);
    ``engageable_s``: both at once, with its first and last sample (None when never).
    """

    flight: str
    aircraft: str
    unit: str
    rcs_level: str
    reach_s: float
    detected_s: float
    engageable_s: float
    first_engageable_s: float | None
    last_engageable_s: float | None


@njit
def _in_reach(
    usable: NDArray[np.int64],
    reach_time: Float,
    reach_dr: Float,
    reach_dh: Float,
    min_alt: Float,
    max_alt: Float,
    min_range: Float,
    max_range: Float,
    max_time: Float,
    site: Float,
    site_alt: float,
    pos: Float,
    ht: Float,
) -> Bool:
    """:func:`airguard.reach.intercept_cell` at each sample for the `usable` interceptors,
    with each one's whole flight time, as the coverage map's engagement test."""
    n = pos.shape[0]
    out = np.zeros(n, dtype=np.bool_)
    ux, uy, uz = site[0], site[1], site[2]
    ur = math.sqrt(ux * ux + uy * uy + uz * uz)
    for i in range(n):
        h = ht[i] - site_alt
        for p in range(usable.shape[0]):
            k = usable[p]
            code, _, _ = intercept_cell(
                reach_time[k], reach_dr[k], reach_dh[k], min_alt[k], max_alt[k],
                min_range[k], max_range[k], ux, uy, uz, ur, pos[i, 0], pos[i, 1], pos[i, 2], h,
                max_time[k],
            )  # fmt: skip
            if code == REACHABLE:
                out[i] = True
                break
    return out


def in_reach(world: World, u: int, aircraft: str, pos_m: Float, height_m: Float) -> Bool:
    """Where unit u could intercept aircraft of type `aircraft` at `pos_m`: (n,) bool.

    The coverage map's engagement test (:mod:`airguard.studies.coverage`) at each sample:
    :func:`airguard.reach.intercept_cell` — height above the unit's site within the
    interceptor's catalogue altitude limits, slant range above its minimum range, ground
    range below its maximum range, the reach table reached within its flight time — for
    one of the interceptors the unit's doctrine fires at the type's class and it holds
    rounds of (none: all False).

    Parameters
    ----------
    world
        The compiled scenario.
    u
        Unit index in ``world.unit_names``.
    aircraft
        Catalogue id of a type in ``world.threat_names``.
    pos_m
        (n, 3) float64 ECEF sample positions (m).
    height_m
        (n,) float64 heights above the ellipsoid (m).
    """
    itc = world.interceptors
    cls = int(world.threat_types.cls[world.threat_names.index(aircraft)])
    usable = np.asarray(usable_interceptors(world, u, cls), dtype=np.int64)
    if usable.size == 0:
        return np.zeros(pos_m.shape[0], dtype=np.bool_)
    return _in_reach(
        usable, itc.reach_time_s, itc.reach_dr_m, itc.reach_dh_m, itc.min_alt_m, itc.max_alt_m,
        itc.min_range_m, itc.max_range_m, itc.max_time_s,
        np.ascontiguousarray(world.units.pos_ecef_m[u], dtype=np.float64),
        float(world.units.alt_m[u]), np.ascontiguousarray(pos_m, dtype=np.float64),
        np.ascontiguousarray(height_m, dtype=np.float64),
    )  # fmt: skip


def _reach_rows(
    world: World,
    flights: list[FlightSamples],
    exposed: Any,
    levels: Sequence[str],
    step_s: float,
) -> list[ReachRow]:
    """Every hostile flight against every unit that can fire at it, at every level
    (``exposed(f, level)``: the (R, n) exposure of flight f to each radar)."""
    n_units = len(world.unit_names)
    radars_of = [np.nonzero(world.radars.unit == u)[0] for u in range(n_units)]
    net = world.units.network
    rows: list[ReachRow] = []
    for f, fs in enumerate(flights):
        if fs.side != "hostile":
            continue
        cls = int(world.threat_types.cls[world.threat_names.index(fs.aircraft)])
        for u in range(n_units):
            if not usable_interceptors(world, u, cls):
                continue  # a unit that cannot fire at the flight's class has no reach
            reach = in_reach(world, u, fs.aircraft, fs.pos_m, fs.height_m)
            # the unit's picture: its own radars and its network's, as the coverage map
            picture = [u] + (
                [v for v in range(n_units) if v != u and net[v] == net[u]] if net[u] >= 0 else []
            )
            rs = np.concatenate([radars_of[v] for v in picture])
            for level in levels:
                seen = exposed(f, level)[rs].any(axis=0)
                both = seen & reach
                te = fs.time_s[both]
                rows.append(
                    ReachRow(
                        flight=fs.name,
                        aircraft=fs.aircraft,
                        unit=world.unit_names[u],
                        rcs_level=level,
                        reach_s=float(reach.sum() * step_s),
                        detected_s=float(seen.sum() * step_s),
                        engageable_s=float(both.sum() * step_s),
                        first_engageable_s=float(te[0]) if te.size else None,
                        last_engageable_s=float(te[-1]) if te.size else None,
                    )
                )
    return rows


@dataclass(frozen=True)
class Exposure:
    """The exposure of every flight to every radar: samples and figures.

    ``looks[f][r]`` is radar r's geometry at flight f's samples; ``snr_db[f][level]`` and
    ``pd[f][level]`` are ``(R, n)`` arrays (SNR -inf and P_D 0 out of view).
    """

    scenario: str
    file: str
    step_s: float
    pd_min: float
    levels: tuple[str, ...]
    radar_names: list[str]
    radar_lat_deg: Float
    radar_lon_deg: Float
    radar_period_s: Float
    flights: list[FlightSamples]
    looks: list[list[RadarLook]]
    snr_db: list[dict[str, Float]]
    pd: list[dict[str, Float]]
    rows: list[ExposureRow]
    reach_rows: list[ReachRow] = field(default_factory=list)
    """A hostile flight against each armed unit (empty without hostile flights)."""
    jamming: bool = True
    """Whether the scenario's jammers lowered the SNR (``exposure_analysis(jamming=...)``)."""

    def exposed(self, f: int, level: str) -> Bool:
        """(R, n) bool: flight f in view of each radar with P_D ≥ pd_min at `level`."""
        view = np.stack([lk.in_view for lk in self.looks[f]]) if self.looks[f] else None
        if view is None:
            return np.zeros((0, self.flights[f].time_s.size), dtype=np.bool_)
        out: Bool = view & (self.pd[f][level] >= self.pd_min)
        return out


def _closest(t: Float, rng: Float) -> tuple[float, float]:
    """Minimum of R(t), refined by a parabola in R² through the samples about it."""
    k = int(np.argmin(rng))
    if 0 < k < rng.size - 1:
        y0, y1, y2 = rng[k - 1] ** 2, rng[k] ** 2, rng[k + 1] ** 2
        den = y0 - 2.0 * y1 + y2
        if den > 0.0:
            u = 0.5 * (y0 - y2) / den  # vertex offset in steps, within [-0.5, 0.5]
            y = y1 - 0.25 * (y0 - y2) * u
            dt = t[k + 1] - t[k]
            return math.sqrt(max(y, 0.0)), float(t[k] + u * dt)
    return float(rng[k]), float(t[k])


def _percentiles(x: Float) -> list[float | None]:
    if x.size == 0:
        return [None, None, None]
    return [float(v) for v in np.percentile(x, [10.0, 50.0, 90.0])]


def _row(
    fs: FlightSamples,
    radar: str,
    period: float,
    look: RadarLook,
    level: str,
    snr_db: Float,
    pd: Float,
    step_s: float,
    pd_min: float,
) -> ExposureRow:
    view = look.in_view
    exposed = view & (pd >= pd_min)
    t = fs.time_s
    bins = np.arange(0.0, 180.0 + ASPECT_BIN_DEG, ASPECT_BIN_DEG)
    asp_view, _ = np.histogram(look.aspect_deg[view], bins=bins)
    asp_det, _ = np.histogram(look.aspect_deg[view], bins=bins, weights=pd[view])
    cr, ct = _closest(t, look.range_m)
    p10, p50, p90 = _percentiles(snr_db[view])
    te = t[exposed]

    def lim(x: Float, fn: Any) -> float | None:
        return float(fn(x)) if x.size else None

    return ExposureRow(
        flight=fs.name,
        aircraft=fs.aircraft,
        radar=radar,
        rcs_level=level,
        rcs_m2=fs.rcs_m2[level],
        view_s=float(view.sum() * step_s),
        exposed_s=float(exposed.sum() * step_s),
        looks_in_view=float(view.sum() * step_s / period),
        looks=float(exposed.sum() * step_s / period),
        expected_detections=float(pd[view].sum() * step_s / period),
        snr_db_p10=p10,
        snr_db_p50=p50,
        snr_db_p90=p90,
        snr_db_max=lim(snr_db[view], np.max),
        aspect_deg_min=lim(look.aspect_deg[exposed], np.min),
        aspect_deg_max=lim(look.aspect_deg[exposed], np.max),
        aspect_view_s=[float(v * step_s) for v in asp_view],
        aspect_detections=[float(v * step_s / period) for v in asp_det],
        elevation_deg_min=lim(look.elevation_deg[exposed], np.min),
        elevation_deg_max=lim(look.elevation_deg[exposed], np.max),
        closest_range_m=cr,
        closest_time_s=ct,
        first_exposed_s=float(te[0]) if te.size else None,
        last_exposed_s=float(te[-1]) if te.size else None,
    )


def _as_scenario(source: Scenario | str | Path, variant: str | None) -> Scenario:
    if isinstance(source, Scenario):
        return source
    scenarios = load_scenario(source, variant=variant)
    if len(scenarios) > 1:
        names = ", ".join(str(s.variant) for s in scenarios)
        raise InputError(
            f"has {len(scenarios)} variants ({names}); choose one with --variant",
            file=str(source),
            field="variants",
        )
    return scenarios[0]


def exposure_analysis(
    source: Scenario | str | Path,
    *,
    variant: str | None = None,
    levels: Sequence[str] = ("nominal",),
    step_s: float = DEFAULT_STEP_S,
    pd_min: float = DEFAULT_PD_MIN,
    world: World | None = None,
    aspect_rcs: bool = True,
    jamming: bool = True,
) -> Exposure:
    """Exposure of every flight of a scenario to every radar of its units and sensors, and
    of every hostile flight to the engagement reach of the units that can fire at it.

    Parameters
    ----------
    source
        A scenario, or the path of a scenario file (with one variant, or `variant`).
    levels
        RCS levels of the aircraft's catalogue figure to evaluate: ``low``, ``nominal``,
        ``high``.
    step_s
        Sample step along the flights (s), > 0.
    pd_min
        Single-look P_D from which a flight in view counts as exposed, in (0, 1).
    world
        The scenario already compiled (saves compiling it again).
    aspect_rcs
        Scale the RCS by the aircraft's ``rcs_aspect`` table at each look's aspect, when
        its catalogue entry has one (False: the scalar ``rcs`` at every aspect).
    jamming
        Lower the SNR by the scenario's jammers (:func:`jamming_jn`); False: the radars
        unjammed, what the jamming takes away when set against the default.

    Raises
    ------
    InputError
        A scenario without flights or radars, an unknown level; scenario errors with file,
        line and field.
    ValueError
        `step_s` or `pd_min` out of range.
    """
    if not (step_s > 0.0 and math.isfinite(step_s)):
        raise ValueError(f"step_s: expected a positive time step, got {step_s}")
    if not 0.0 < pd_min < 1.0:
        raise ValueError(f"pd_min: expected a probability between 0 and 1, got {pd_min}")
    bad = [lv for lv in levels if lv not in RCS_LEVELS]
    if bad or not levels:
        raise InputError(
            f"expected low, nominal, high or all, got '{', '.join(bad) or 'nothing'}'",
            field="--rcs",
        )
    sc = _as_scenario(source, variant)
    if not sc.body.flights:
        raise InputError(
            "no flights: add a 'flights:' list (docs/scenario-format.md)",
            file=sc.file,
            field="flights",
        )
    w = world if world is not None else compile_world(sc)
    if not w.radar_names:
        raise InputError("no radars: add units or sensors with radars", file=sc.file, field="units")
    rad = w.radars
    flights = _flights(sc, step_s, aspect_rcs)
    looks: list[list[RadarLook]] = []
    snrs: list[dict[str, Float]] = []
    pds: list[dict[str, Float]] = []
    rows: list[ExposureRow] = []
    first_flight = sum(raid.count for raid in sc.body.raids)
    for fs in flights:
        fl = [
            look_geometry(w, r, fs.pos_m, fs.vel_mps, fs.height_m)
            for r in range(len(w.radar_names))
        ]
        looks.append(fl)
        snr_f: dict[str, Float] = {}
        pd_f: dict[str, Float] = {}
        # noise jamming: S / (N + J), 10 log10(1 + J/N) off the SNR (none: no change)
        jam_db = [
            10.0 * np.log10(1.0 + jamming_jn(w, r, fs, flights, first_flight))
            if jamming
            else np.zeros(fs.time_s.size)
            for r in range(len(fl))
        ]
        for level in levels:
            snr = np.full((len(fl), fs.time_s.size), -np.inf)
            pd = np.zeros((len(fl), fs.time_s.size))
            for r, lk in enumerate(fl):
                # the engine's range equation, SNR = snr_k σ / R^4 (world.radar_row), with
                # σ = rcs_level × factor(aspect) when the catalogue has an rcs_aspect table
                sigma = fs.rcs_m2[level] * (
                    1.0 if fs.rcs_aspect is None else fs.rcs_aspect.factor_at(lk.aspect_deg)
                )
                snr_r = 10.0 * np.log10(rad.snr_k_m2[r] * sigma) - 40.0 * np.log10(
                    np.maximum(lk.range_m, 1.0)
                )
                if jam_db[r].any():
                    snr_r = snr_r - jam_db[r]
                snr[r, lk.in_view] = snr_r[lk.in_view]
                if lk.in_view.any():
                    pd[r, lk.in_view] = np.asarray(
                        detection_probability(
                            snr_r[lk.in_view], math.exp(-rad.threshold[r]), 1, fs.swerling
                        ),
                        dtype=np.float64,
                    )
            snr_f[level], pd_f[level] = snr, pd
            for r, lk in enumerate(fl):
                rows.append(
                    _row(fs, w.radar_names[r], float(rad.period_s[r]), lk, level, snr[r], pd[r],
                         step_s, pd_min)
                )  # fmt: skip
        snrs.append(snr_f)
        pds.append(pd_f)
    exp = Exposure(
        scenario=sc.name,
        file=sc.file,
        step_s=step_s,
        pd_min=pd_min,
        levels=tuple(levels),
        radar_names=list(w.radar_names),
        radar_lat_deg=np.degrees(rad.lat_rad),
        radar_lon_deg=np.degrees(rad.lon_rad),
        radar_period_s=rad.period_s.copy(),
        jamming=jamming,
        flights=flights,
        looks=looks,
        snr_db=snrs,
        pd=pds,
        rows=rows,
    )
    if any(fs.side == "hostile" for fs in flights):
        exp = replace(exp, reach_rows=_reach_rows(w, flights, exp.exposed, levels, step_s))
    return exp


# ---------------------------------------------------------------- outputs

RULE = (
    "exposed: the radar's geometry allows a look (instrumented range, 4/3-Earth horizon, "
    "elevation limits, azimuth sector, terrain) and the single-look P_D is at least pd_min; "
    "looks = exposed time / scan period; expected_detections = sum of P_D x step / scan period "
    "over the samples in view (scan phase uniform, as the engine draws it); RCS = the level's "
    "frontal figure times the catalogue's rcs_aspect factor at each look's aspect, where the "
    "aircraft has one (flights[].rcs_aspect); SNR = S / (N + J) under the scenario's jammers "
    "on at each sample's time (mainlobe within the beam's half-width of the flight's "
    "direction, else the sidelobe level; a jammer riding a flight where that flight is then)"
)


REACH_RULE = (
    "hostile flights, per unit that can fire at them: reach = inside the reach of one of the "
    "unit's interceptors for the aircraft class (catalogue altitude and range limits, the reach "
    "table within the interceptor's flight time: the coverage map's engagement test); "
    "detected = exposed to a radar of the unit's picture (its own and its network's); "
    "engageable = both at once"
)


def to_json(exp: Exposure) -> dict[str, Any]:
    """All figures of `exp` as a JSON-ready mapping (units in the key names)."""
    return {
        "scenario": exp.scenario,
        "file": exp.file,
        "step_s": exp.step_s,
        "pd_min": exp.pd_min,
        "jamming": exp.jamming,
        "rule": RULE,
        "rcs_levels": list(exp.levels),
        "aspect_bins_deg": [
            float(b) for b in np.arange(0.0, 180.0 + ASPECT_BIN_DEG, ASPECT_BIN_DEG)
        ],
        "radars": [
            {
                "name": n,
                "lat_deg": float(exp.radar_lat_deg[r]),
                "lon_deg": float(exp.radar_lon_deg[r]),
                "scan_period_s": float(exp.radar_period_s[r]),
            }
            for r, n in enumerate(exp.radar_names)
        ],
        "flights": [
            {
                "name": fs.name,
                "aircraft": fs.aircraft,
                "side": fs.side,
                "rcs_m2": fs.rcs_m2,
                "swerling": fs.swerling,
                "rcs_aspect": None
                if fs.rcs_aspect is None
                else {
                    "aspect_deg": list(fs.rcs_aspect.aspect_deg),
                    "factor": list(fs.rcs_aspect.factor),
                    "source": fs.rcs_aspect.source,
                    "notional": fs.rcs_aspect.notional,
                },
                "speed_mps": fs.speed_mps,
                "start_s": float(fs.time_s[0]),
                "end_s": float(fs.time_s[-1]),
                "height_m": float(fs.height_m[0]),
            }
            for fs in exp.flights
        ],
        "results": [asdict(row) for row in exp.rows],
        "reach_rule": REACH_RULE,
        "reach": [asdict(row) for row in exp.reach_rows],
    }


def map_level(exp: Exposure) -> str:
    """The RCS level the map shows: nominal when evaluated, else the first evaluated."""
    return "nominal" if "nominal" in exp.levels else exp.levels[0]


def to_geojson(exp: Exposure, level: str | None = None) -> dict[str, Any]:
    """Route segments by exposure, and radar sites, as an RFC 7946 FeatureCollection.

    Each flight's samples are split into runs over which the set of radars it is exposed
    to (at `level`, default :func:`map_level`) does not change; each run is a LineString
    ([lon, lat] order) joined to the next, with properties ``flight``, ``exposed``,
    ``radars`` (the exposing radars), ``radar`` (the one with the highest SNR, or None),
    ``snr_db`` (its highest SNR over the run, or None), ``t_start_s``, ``t_end_s``,
    ``rcs_level``.  Radar sites are Points with ``kind: radar``.
    """
    level = level or map_level(exp)
    features: list[dict[str, Any]] = []
    for f, fs in enumerate(exp.flights):
        ex = exp.exposed(f, level)
        snr = np.where(ex, exp.snr_db[f][level], -np.inf)
        n = fs.time_s.size
        keys = [tuple(np.nonzero(ex[:, i])[0]) for i in range(n)]
        start = 0
        for i in range(1, n + 1):
            if i < n and keys[i] == keys[start]:
                continue
            stop = min(i, n - 1)  # the run's points, and the next run's first to join them
            rs = keys[start]
            best: int | None = None
            best_snr: float | None = None
            if rs:
                seg = snr[:, start:i]
                flat = int(np.argmax(seg))
                best = flat // seg.shape[1]
                best_snr = float(seg.flat[flat])
            coords = [
                [round(float(fs.lon_deg[k]), 6), round(float(fs.lat_deg[k]), 6)]
                for k in range(start, stop + 1)
            ]
            if len(coords) == 1:
                coords.append(coords[0])
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": coords},
                    "properties": {
                        "kind": "route",
                        "flight": fs.name,
                        "aircraft": fs.aircraft,
                        "side": fs.side,
                        "rcs_level": level,
                        "exposed": bool(rs),
                        "radars": [exp.radar_names[r] for r in rs],
                        "radar": None if best is None else exp.radar_names[best],
                        "snr_db": None if best_snr is None else round(best_snr, 2),
                        "t_start_s": float(fs.time_s[start]),
                        "t_end_s": float(fs.time_s[stop]),
                    },
                }
            )
            start = i
    for r, name in enumerate(exp.radar_names):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(exp.radar_lon_deg[r]), 6),
                        round(float(exp.radar_lat_deg[r]), 6),
                    ],
                },
                "properties": {"kind": "radar", "radar": name},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_png(exp: Exposure, path: str | Path, *, level: str | None = None, dpi: int = 110) -> Path:
    """A map of the routes coloured by exposure (at `level`) and the radar sites."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    level = level or map_level(exp)
    gj = to_geojson(exp, level)
    fig, ax = plt.subplots(figsize=(8.0, 6.5))
    try:
        labelled: set[str] = set()
        sites: dict[tuple[float, float], list[str]] = {}
        for feat in gj["features"]:
            p = feat["properties"]
            c = np.asarray(feat["geometry"]["coordinates"], dtype=np.float64)
            if p["kind"] == "radar":  # co-located radars share one marker and label
                sites.setdefault((float(c[0]), float(c[1])), []).append(p["radar"])
                continue
            label = "exposed" if p["exposed"] else "not exposed"
            ax.plot(
                c[:, 0], c[:, 1], color="tab:red" if p["exposed"] else "tab:blue",
                lw=3.0 if p["exposed"] else 1.5,
                label=None if label in labelled else label,
            )  # fmt: skip
            labelled.add(label)
        for (x, y), names in sites.items():
            ax.plot(x, y, "k^", ms=8)
            ax.annotate("\n".join(names), (x, y), xytext=(5, 4), textcoords="offset points",
                        fontsize=7)  # fmt: skip
        for fs in exp.flights:
            ax.annotate(fs.name, (float(fs.lon_deg[0]), float(fs.lat_deg[0])), fontsize=7,
                        xytext=(4, -10), textcoords="offset points")  # fmt: skip
        lat_mid = float(np.mean(np.concatenate([fs.lat_deg for fs in exp.flights])))
        ax.set_aspect(1.0 / max(math.cos(math.radians(lat_mid)), 0.05))
        ax.set_xlabel("longitude (deg)")
        ax.set_ylabel("latitude (deg)")
        ax.set_title(f"{exp.scenario}: exposure (RCS {level}, P_D ≥ {exp.pd_min:g})", fontsize=9)
        ax.legend(loc="best", fontsize=8)
        ax.grid(True, lw=0.3)
        out = Path(path)
        fig.savefig(out, dpi=dpi, bbox_inches="tight")
    finally:
        plt.close(fig)
    return out


def write_outputs(exp: Exposure, out_dir: str | Path) -> dict[str, Path]:
    """Write exposure.json, exposure.geojson and exposure.png into `out_dir`."""
    import json

    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": d / "exposure.json",
        "geojson": d / "exposure.geojson",
        "png": d / "exposure.png",
    }
    paths["json"].write_text(
        json.dumps(to_json(exp), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    paths["geojson"].write_text(json.dumps(to_geojson(exp), ensure_ascii=False), encoding="utf-8")
    write_png(exp, paths["png"])
    return paths

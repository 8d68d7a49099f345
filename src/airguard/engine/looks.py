"""Stages 2–3: sensor looks, the trackers they feed, and the units' pictures.

Each radar looks at its own scan times (:func:`look`): 4/3-Earth horizon, terrain
skyline when the scenario has an elevation model, sector and elevation limits,
instrumented range, the radar range equation calibrated from the catalogue's
reference detection range, Swerling fluctuation and a square-law detector drawn
exactly (signal plus complex Gaussian noise against the threshold set by Pfa),
Gaussian errors in range, azimuth, elevation and range rate, and false alarms.
Every look goes at once to its fire unit's tracker
(:func:`airguard.tracking.core.scan`: IMM filters, association, track logic), and
the unit's picture is refreshed from its tracks (:func:`airguard.c2.picture.refresh`).
A unit engages its best picture of an object (:func:`unit_picture`): its own
track, or a track of its network's other units delivered after the network's
latency, at its update interval and within its track capacity.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from airguard._jit import njit
from airguard.c2.picture import Pictures, phantom_alive, picture
from airguard.engine.chain import DETECTED
from airguard.engine.events import EV_DETECTION, EventLog, log_event
from airguard.engine.state import Detections, Sensing, Skylines
from airguard.engine.threats import Threats, threat_state
from airguard.geo import EFFECTIVE_EARTH_FACTOR, MEAN_EARTH_RADIUS_M
from airguard.sensing import (
    BELOW_HORIZON,
    BELOW_THRESHOLD,
    IN_VIEW,
    OUT_OF_RANGE,
    aspect_deg,
    radio_horizon_m,
    rcs_aspect_factor,
    tangent_distance_m,
)
from airguard.sensing import look as sensing_look
from airguard.tracking.core import STATUS_CONFIRMED, TrackerParams, Tracks, scan
from airguard.world import GRID_DT_S, JAM_REF_M, Radars, Units, World

__all__ = [
    "EFFECTIVE_EARTH_FACTOR",
    "FALSE_ALARM_RANGE_RATE_MPS",
    "MAX_FALSE_ALARMS_PER_LOOK",
    "Beam",
    "carried_jamming",
    "look",
    "object_exists",
    "radar_beam",
    "scan_look",
    "skylines",
    "unit_picture",
]

MAX_FALSE_ALARMS_PER_LOOK = 64
"""False alarms one look can report (more are dropped; the mean is a few per scan)."""

FALSE_ALARM_RANGE_RATE_MPS = 1500.0
"""A false alarm's range rate is uniform within ± this (for radars that measure it)."""


def skylines(world: World) -> Skylines:
    """The radars' terrain skylines for :func:`look` (placeholders without terrain)."""
    tm = world.terrain
    if tm is None:
        n_rad = max(world.radars.pos_ecef_m.shape[0], 1)
        return Skylines(np.full((n_rad, 1, 1), -np.inf), np.array([1.0, 1.0]), False)
    return Skylines(tm.mask_slope, tm.mask_steps, True)


class Beam(NamedTuple):
    """One look of one radar at one slice of its sector: what the look's geometry, its
    draws and its tracker need, as scalars and views of the radar's rows."""

    radar: int  # r
    slice_no: int  # the slice of the sector, 0 … n_sectors − 1
    pos: np.ndarray  # (3,) antenna, ECEF m
    basis: np.ndarray  # (3, 3) ENU rows
    height: float  # antenna height above the ellipsoid, m
    ae: float  # effective Earth radius, m
    horizon: float  # the antenna's tangent distance to the effective Earth, m
    max_range: float  # m
    el_min: float  # rad
    el_max: float  # rad
    az_center: float  # rad
    az_half: float  # rad
    off_lo: float  # the slice: azimuth offsets [off_lo, off_hi) from the centre, rad
    off_hi: float  # rad
    width: float  # the slice's width, rad
    lat: float  # site latitude, rad
    lon: float  # site longitude, rad
    has_terrain: bool
    mask_slope: np.ndarray  # (n_az, n_col) the radar's terrain skyline (a placeholder without)
    mask_step_az: float  # rad
    mask_step_r: float  # m
    snr_k: float  # mean SNR = snr_k * rcs / range^4
    threshold: float  # square-law threshold, noise powers
    sigma_range: float  # m
    sigma_az: float  # rad
    sigma_el: float  # rad
    sigma_rr: float  # m/s; 0: no range rate measured
    false_alarms: float  # expected false alarms in this slice
    jam_jn: np.ndarray  # (K,) each jammer's J/N through the mainlobe (Radars.jam_jn)
    jam_dir: np.ndarray  # (K, 3) unit vectors to the jammers
    jam_carrier: np.ndarray  # (K,) int64 flight carrying each (-1: holding its position)
    jam_window: np.ndarray  # (K, 2) when each is on
    jam_cos: float  # cosine of the mainlobe's half-width
    jam_sll: float  # sidelobe level, linear


@njit
def radar_beam(rad: Radars, r: int, sl: int, sky: Skylines) -> Beam:
    """Radar r's look at slice `sl` of its sector (``sky``: the radars' skylines)."""
    ae = EFFECTIVE_EARTH_FACTOR * MEAN_EARTH_RADIUS_M
    ha = rad.height_m[r]
    width = 2.0 * rad.az_half_rad[r] / rad.n_sectors[r]
    off_lo = -rad.az_half_rad[r] + sl * width
    return Beam(
        radar=r,
        slice_no=sl,
        pos=rad.pos_ecef_m[r],
        basis=rad.enu_basis[r],
        height=ha,
        ae=ae,
        horizon=tangent_distance_m(ha),
        max_range=rad.max_range_m[r],
        el_min=rad.el_min_rad[r],
        el_max=rad.el_max_rad[r],
        az_center=rad.az_center_rad[r],
        az_half=rad.az_half_rad[r],
        off_lo=off_lo,
        off_hi=off_lo + width,
        width=width,
        lat=rad.lat_rad[r],
        lon=rad.lon_rad[r],
        has_terrain=sky.has_terrain,
        mask_slope=sky.mask_slope[r],
        mask_step_az=sky.mask_steps[0],
        mask_step_r=sky.mask_steps[1],
        snr_k=rad.snr_k_m2[r],
        threshold=rad.threshold[r],
        sigma_range=rad.sigma_range_m[r],
        sigma_az=rad.sigma_az_rad[r],
        sigma_el=rad.sigma_el_rad[r],
        sigma_rr=rad.sigma_range_rate_mps[r],
        false_alarms=rad.false_alarms_per_scan[r] / rad.n_sectors[r],
        jam_jn=rad.jam_jn[r],
        jam_dir=rad.jam_dir[r],
        jam_carrier=rad.jam_carrier[r],
        jam_window=rad.jam_window[r],
        jam_cos=rad.jam_cos[r],
        jam_sll=rad.jam_sll[r],
    )


@njit
def search_share(rad: Radars, r: int, status: np.ndarray, u: int, rows: int, guided: int) -> float:
    """The share of radar r's time left to search: its unit's confirmed tracks (rows of
    `status` for unit u) and the rounds it guides (`guided`) take theirs first, and search
    keeps at least its minimum (``Radars.track_load``, ``guide_load``, ``min_search``)."""
    n_tracks = 0
    for k in range(u * rows, (u + 1) * rows):
        if status[k] == STATUS_CONFIRMED:
            n_tracks += 1
    share = 1.0 - float(rad.track_load[r]) * n_tracks - float(rad.guide_load[r]) * guided
    return max(share, float(rad.min_search[r]))


@njit
def carried_jamming(
    beam: Beam, thr: Threats, alive: np.ndarray, ts: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each jammer's mainlobe J/N (K,) and unit direction (K, 3) for a look at time ts.

    A jammer holding its position keeps its World figures (the same arrays, when no
    jammer rides a flight).  One riding a hostile flight (``Beam.jam_carrier``) is where
    the flight is at ts (:func:`~airguard.engine.threats.threat_state`): its J/N is the
    World's at :data:`~airguard.world.JAM_REF_M` times (JAM_REF_M / R_j)², the one-way
    jamming equation's R_j⁻² (:func:`airguard.radar.jnr_db`); it is 0 (no jamming) while
    the flight is not in the air, once it is shot down (not `alive`), or while it is
    below the radar's 4/3-Earth radio horizon
    (:func:`airguard.sensing.radio_horizon_m`, as the World tests a fixed jammer).
    """
    moving = False
    for k in range(beam.jam_carrier.shape[0]):
        if beam.jam_carrier[k] >= 0:
            moving = True
    if not moving:
        return beam.jam_jn, beam.jam_dir
    jn = beam.jam_jn.copy()
    dirs = beam.jam_dir.copy()
    st = np.empty(7)
    for k in range(jn.shape[0]):
        c = beam.jam_carrier[k]
        if c < 0:
            continue
        jn[k] = 0.0
        if beam.jam_jn[k] <= 0.0 or not alive[c] or not threat_state(thr, c, ts, st):
            continue
        dx, dy, dz = st[0] - beam.pos[0], st[1] - beam.pos[1], st[2] - beam.pos[2]
        dist = math.sqrt(dx * dx + dy * dy + dz * dz)
        if dist <= 0.0 or dist > radio_horizon_m(beam.height, st[6]):
            continue  # below the horizon: the Earth screens it
        dirs[k, 0], dirs[k, 1], dirs[k, 2] = dx / dist, dy / dist, dz / dist
        jn[k] = beam.jam_jn[k] * (JAM_REF_M / dist) ** 2
    return jn, dirs


@njit(inline="always")
def jamming(
    beam: Beam, jam_jn: np.ndarray, jam_dir: np.ndarray, ts: float, buf: np.ndarray, rng_m: float
) -> float:
    """J/N in a look at time ts toward the object at ``buf`` (range `rng_m`): each jammer
    on at ts through the mainlobe when it lies within the beam's half-width of the
    direction looked at, through the sidelobes otherwise (:func:`airguard.radar.jnr_db`);
    `jam_jn` (K,) and `jam_dir` (K, 3) are the jammers' at ts (:func:`carried_jamming`).
    A jammer on the object looked at is in the mainlobe at its range: self-screening."""
    ux = (buf[0] - beam.pos[0]) / rng_m
    uy = (buf[1] - beam.pos[1]) / rng_m
    uz = (buf[2] - beam.pos[2]) / rng_m
    total = 0.0
    for k in range(jam_jn.shape[0]):
        if jam_jn[k] <= 0.0 or ts < beam.jam_window[k, 0] or ts >= beam.jam_window[k, 1]:
            continue
        d = jam_dir[k]
        inside = ux * d[0] + uy * d[1] + uz * d[2] >= beam.jam_cos
        total += jam_jn[k] * (1.0 if inside else beam.jam_sll)
    return total


@njit
def look(
    beam: Beam,
    thr: Threats,
    alive: np.ndarray,
    ts: float,
    rng: np.random.Generator,
    det: Detections,
    first_det: np.ndarray,
    look_code: np.ndarray,
    buf: np.ndarray,
    log: EventLog,
) -> int:
    """One look of a radar (its ``beam``, :func:`radar_beam`) at time ts; returns detections.

    Writes each detection's measured range, azimuth, elevation and range rate
    (0 when the radar does not measure it) into rows of ``det.z`` (D, 4) and the
    object that made it into ``det.z_label`` (threat index, -1 for a false alarm);
    a threat's first detection time into ``first_det`` (N,), and into ``look_code`` (N,)
    int64 the furthest of the look's tests it has passed in any look so far (the codes of
    :func:`airguard.sensing.look`, :data:`~airguard.sensing.BELOW_THRESHOLD` for a sample
    under the threshold, :data:`~airguard.engine.chain.DETECTED`).  Threats not `alive`
    (N,) bool are not seen; ``buf`` (7,) is scratch.  An electronically scanned radar
    looks at its whole sector at once (one slice); a rotating one at one slice of
    :data:`~airguard.world.ROTATING_SLICE_DEG` at a time.  With terrain, a threat must
    also clear the radar's tabulated skyline (:func:`airguard.terrain.mask_visible`).
    """
    z, z_label = det.z, det.z_label
    n_det = 0
    cap = z.shape[0]
    k = int(math.floor(ts / GRID_DT_S))
    jam_jn, jam_dir = beam.jam_jn, beam.jam_dir
    if jam_jn.shape[0] > 0:  # jammers riding flights: where they are at ts
        jam_jn, jam_dir = carried_jamming(beam, thr, alive, ts)
    for j in range(thr.ttype.shape[0]):
        if not alive[j] or n_det >= cap:
            continue
        if k < thr.k_first[j] or k + 1 > thr.k_last[j]:
            continue  # not in flight (the exact test follows)
        far = _surely_out_of_reach(beam, thr.pos, thr.vel, thr.h, j, k)
        if far != IN_VIEW:
            look_code[j] = max(look_code[j], far)
            continue
        if not threat_state(thr, j, ts, buf):
            continue
        # the one look geometry (airguard.sensing): range, horizon, elevation, slice, terrain
        code, rng_m, az, el, _ = sensing_look(
            beam.pos, beam.basis, beam.height, beam.max_range, beam.el_min, beam.el_max,
            beam.az_center, beam.az_half, beam.off_lo, beam.off_hi, buf[0], buf[1], buf[2],
            buf[6], beam.has_terrain, beam.mask_slope, beam.mask_step_az, beam.mask_step_r,
            beam.lat, beam.lon, math.nan, math.nan,
        )  # fmt: skip
        if code != IN_VIEW:
            look_code[j] = max(look_code[j], code)
            continue
        # Swerling fluctuation of the RCS, scan to scan (Swerling 1960; Skolnik §2.8)
        sw = thr.swerling[j]
        rcs = thr.rcs[j]
        ty = thr.ttype[j]
        if ty < thr.aspect_n.shape[0] and thr.aspect_n[ty] > 0:
            # its catalogue rcs_aspect table at the look's aspect (no draw: no stream moves)
            a = aspect_deg(
                buf[3], buf[4], buf[5], beam.pos[0] - buf[0], beam.pos[1] - buf[1],
                beam.pos[2] - buf[2],
            )  # fmt: skip
            rcs *= rcs_aspect_factor(a, thr.aspect_deg[ty], thr.aspect_factor[ty], thr.aspect_n[ty])
        if sw == 1 or sw == 2:
            rcs *= rng.exponential(1.0)
        elif sw == 3 or sw == 4:
            rcs *= rng.gamma(2.0, 0.5)
        snr = beam.snr_k * rcs / (rng_m**4)
        if jam_jn.shape[0] > 0:  # noise jamming: S / (N + J) (radar.snr_jammed_db)
            snr /= 1.0 + jamming(beam, jam_jn, jam_dir, ts, buf, rng_m)
        # square-law detector: |sqrt(snr) + complex unit-power noise|^2 against -ln(Pfa)
        ni = rng.standard_normal() * math.sqrt(0.5)
        nq = rng.standard_normal() * math.sqrt(0.5)
        power = (math.sqrt(snr) + ni) ** 2 + nq * nq
        if power <= beam.threshold:
            look_code[j] = max(look_code[j], BELOW_THRESHOLD)
            continue
        look_code[j] = DETECTED
        # measurement with Gaussian errors in range, azimuth, elevation (and range rate)
        _measure(beam, rng, z, n_det, rng_m, az, el, buf)
        z_label[n_det] = j
        if ts < first_det[j]:
            first_det[j] = ts
        if log.kind.shape[0] > 0:  # detection: radar, threat; measured position, SNR (dB)
            _log_detection(log, beam, j, ts, z, n_det, 10.0 * math.log10(max(snr, 1e-30)))
        n_det += 1
    # false alarms: a Poisson number with mean Pfa × the slice's resolution cells,
    # uniform over the slice's range, azimuth and elevation extent
    lam = beam.false_alarms
    if lam > 0.0:
        n_fa = min(rng.poisson(lam), cap - n_det)
        for _ in range(n_fa):
            z[n_det, 0] = beam.max_range * rng.random()
            z[n_det, 1] = beam.az_center + beam.off_lo + beam.width * rng.random()
            z[n_det, 2] = beam.el_min + (beam.el_max - beam.el_min) * rng.random()
            z[n_det, 3] = 0.0
            if beam.sigma_rr > 0.0:
                z[n_det, 3] = FALSE_ALARM_RANGE_RATE_MPS * (2.0 * rng.random() - 1.0)
            z_label[n_det] = -1
            if log.kind.shape[0] > 0:
                _log_detection(log, beam, -1, ts, z, n_det, 10.0 * math.log10(beam.threshold))
            n_det += 1
    return n_det


@njit(inline="always")
def _surely_out_of_reach(
    beam: Beam, pos: np.ndarray, vel: np.ndarray, h: np.ndarray, j: int, k: int
) -> int:
    """Whether threat j (``pos``, ``vel`` (N, K, 3), ``h`` (N, K) of Threats) is surely
    beyond the beam's instrumented range or radio horizon around grid sample k: the
    nearer of the two limits (:data:`~airguard.sensing.OUT_OF_RANGE` or
    :data:`~airguard.sensing.BELOW_HORIZON`), or :data:`~airguard.sensing.IN_VIEW` if it
    may be within both."""
    # A cheap bound from the grid sample before the look: a threat surely beyond
    # the instrumented range or the radio horizon is skipped before its state is
    # interpolated.  It draws no random numbers, so the outcome is the same.
    gx = pos[j, k, 0] - beam.pos[0]
    gy = pos[j, k, 1] - beam.pos[1]
    gz = pos[j, k, 2] - beam.pos[2]
    v0 = math.sqrt(vel[j, k, 0] ** 2 + vel[j, k, 1] ** 2 + vel[j, k, 2] ** 2)
    v1 = math.sqrt(vel[j, k + 1, 0] ** 2 + vel[j, k + 1, 1] ** 2 + vel[j, k + 1, 2] ** 2)
    margin = (v0 + v1) * GRID_DT_S + 100.0
    h_top = max(h[j, k], h[j, k + 1]) + margin
    horizon = beam.horizon + tangent_distance_m(h_top)
    reach = min(beam.max_range, horizon)
    if gx * gx + gy * gy + gz * gz <= (reach + margin) ** 2:
        return IN_VIEW
    return OUT_OF_RANGE if beam.max_range <= horizon else BELOW_HORIZON


@njit(inline="always")
def _measure(
    beam: Beam,
    rng: np.random.Generator,
    z: np.ndarray,
    i: int,
    rng_m: float,
    az: float,
    el: float,
    buf: np.ndarray,
) -> None:
    """Row i of ``z``: the measured range, azimuth, elevation and range rate (0 when the
    radar does not measure it) of the object at ``buf``, with Gaussian errors."""
    z[i, 0] = rng_m + beam.sigma_range * rng.standard_normal()
    z[i, 1] = az + beam.sigma_az * rng.standard_normal()
    z[i, 2] = el + beam.sigma_el * rng.standard_normal()
    z[i, 3] = 0.0
    if beam.sigma_rr > 0.0:
        dx = buf[0] - beam.pos[0]
        dy = buf[1] - beam.pos[1]
        dz = buf[2] - beam.pos[2]
        rr = (dx * buf[3] + dy * buf[4] + dz * buf[5]) / rng_m
        z[i, 3] = rr + beam.sigma_rr * rng.standard_normal()


@njit
def _log_detection(
    log: EventLog, beam: Beam, j: int, ts: float, z: np.ndarray, i: int, snr_db: float
) -> None:
    """Log a detection: radar, object (-1: false alarm); measured position (ECEF), SNR (dB)."""
    if log.kind.shape[0] == 0:
        return
    ce = math.cos(z[i, 2])
    le = z[i, 0] * ce * math.sin(z[i, 1])
    ln = z[i, 0] * ce * math.cos(z[i, 1])
    lu = z[i, 0] * math.sin(z[i, 2])
    b, p = beam.basis, beam.pos
    px = p[0] + b[0, 0] * le + b[1, 0] * ln + b[2, 0] * lu
    py = p[1] + b[0, 1] * le + b[1, 1] * ln + b[2, 1] * lu
    pz = p[2] + b[0, 2] * le + b[1, 2] * ln + b[2, 2] * lu
    log_event(log, EV_DETECTION, ts, beam.radar, j, 0, px, py, pz, snr_db)


@njit
def _unit_tracks(trk: Tracks, lo: int, hi: int) -> Tracks:
    """Rows lo … hi − 1 of the track table: one unit's tracker (views, no copy)."""
    return Tracks(
        status=trk.status[lo:hi],
        id=trk.id[lo:hi],
        t=trk.t[lo:hi],
        x=trk.x[lo:hi],
        P=trk.P[lo:hi],
        mu=trk.mu[lo:hi],
        hits=trk.hits[lo:hi],
        looks=trk.looks[lo:hi],
        misses=trk.misses[lo:hi],
        n_updates=trk.n_updates[lo:hi],
        label=trk.label[lo:hi],
        t_initiated=trk.t_initiated[lo:hi],
        t_confirmed=trk.t_confirmed[lo:hi],
        updated=trk.updated[lo:hi],
        work_live=trk.work_live[lo:hi],
        work_x=trk.work_x[lo:hi],
        work_cov=trk.work_cov[lo:hi],
        work_c=trk.work_c[lo:hi],
        work_z=trk.work_z[lo:hi],
        work_sinv=trk.work_sinv[lo:hi],
        work_h=trk.work_h[lo:hi],
        work_in=trk.work_in[lo:hi],
    )


@njit
def scan_look(
    trk: Tracks,
    tp: TrackerParams,
    sen: Sensing,
    u: int,
    rows_per_unit: int,
    beam: Beam,
    ts: float,
    n: int,
) -> None:
    """Unit u's tracker (rows ``u * rows_per_unit`` on of the track table) takes one look
    (its ``beam``): the first `n` detections in ``sen.det``."""
    sigma, fov = sen.sigma, sen.fov
    sigma[0] = beam.sigma_range
    sigma[1] = beam.sigma_az
    sigma[2] = beam.sigma_el
    sigma[3] = beam.sigma_rr
    fov[0] = beam.max_range
    fov[1] = beam.az_center - beam.az_half + (beam.slice_no + 0.5) * beam.width
    fov[2] = 0.5 * beam.width
    fov[3] = beam.el_min
    fov[4] = beam.el_max
    lo = u * rows_per_unit
    scan(
        _unit_tracks(trk, lo, lo + rows_per_unit),
        tp,
        sen.counter,
        ts,
        beam.pos,
        beam.basis,
        sigma,
        fov,
        sen.det.z,
        sen.det.z_label,
        n,
    )


@njit(inline="always")
def unit_picture(
    pic: Pictures,
    trk: Tracks,
    units: Units,
    u: int,
    j: int,
    t: float,
    im: int,
    est: np.ndarray,
    tmp: np.ndarray,
) -> float:
    """Unit u's best picture of object j at time t, or -inf when it has none.

    :func:`airguard.c2.picture.picture` over the fields of the pictures, the track
    table and unit u's network: writes the state into ``est`` (9,) and returns its
    time; `im` is the tracker's acceleration model, ``tmp`` (9,) scratch.
    """
    return picture(
        pic.row,
        pic.snap_t,
        pic.snap_x,
        pic.snap_q,
        pic.snap_n,
        pic.carried,
        pic.n_carried,
        trk.t,
        trk.x,
        trk.P,
        trk.mu,
        units.network,
        units.latency_s[u],
        units.update_s[u],
        units.capacity[u],
        u,
        j,
        t,
        im,
        est,
        tmp,
    )


@njit(inline="always")
def object_exists(
    o: int,
    n_thr: int,
    alive: np.ndarray,
    t_impact: np.ndarray,
    t: float,
    pic: Pictures,
    trk: Tracks,
) -> bool:
    """Whether object o is still there at time t (:func:`_exists` on the fields of the
    pictures and the track table)."""
    return _exists(
        o, n_thr, alive, t_impact, t, pic.phantom_row, pic.phantom_id, trk.status, trk.id,
        trk.label,
    )  # fmt: skip


@njit
def _exists(
    o: int,
    n_thr: int,
    alive: np.ndarray,
    t_impact: np.ndarray,
    t: float,
    phantom_row: np.ndarray,
    phantom_id: np.ndarray,
    status: np.ndarray,
    ids: np.ndarray,
    label: np.ndarray,
) -> bool:
    """Whether object o is still there at time t: a threat in flight and not killed, or a
    phantom whose track lasts."""
    if o < n_thr:
        return bool(alive[o] and t < t_impact[o])
    return phantom_alive(phantom_row, phantom_id, status, ids, label, o - n_thr)

"""The state of one replication, as a few NamedTuples of arrays.

What the stages read and write, allocated once per replication:

* :class:`Scene` — what the replication is about and does not change: sensors,
  fire units, interceptor types, the flown threats, the assets (:class:`Assets`),
  the IFF draws.
* :class:`Sensing` — stages 2–3: when each radar looks next, the buffers of one look.
* :class:`Ledger` — per object (threat or phantom): alive, killed, first seen, first
  tracked; per network group: rounds in flight, kill assessment; per unit: the
  cached threat evaluation of its picture (:class:`Evaluations`).
* :class:`Magazines` — per fire unit: fire channels in use, rounds left, launchers.
* :class:`Flights` — per interceptor: its flight state and the ends of flights in
  the present cycle.
* :class:`Scratch` — small work arrays and the present group's candidate pairs.
* :class:`KernelOut` — what the replication returns.

:func:`airguard.engine.loop.engage` allocates them and holds them for the whole
replication; what it calls per look, per (unit, object) pair or per interceptor
takes arrays, scalars and small tuples (a few arrays: :class:`Assets`,
:class:`Evaluations`, the looks' ``Beam``, fire control's ``Reach``).  numba hands
a compiled function a tuple as its arrays' fields one by one and counts a
reference to every array the function holds across a call of its own, so a
large tuple costs per call: once per replication it is free, once per pair it
is not.  Small helpers that call no compiled function are inlined
(``njit(inline="always")``) and may take anything: their copies of the
arguments are dropped again.  Straight-line wrappers that only unpack tuples
into one call (looks.unit_picture, looks.object_exists) cost what the call
would have cost anyway (docs/design-notes.md, "The engine package").
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from airguard._jit import njit
from airguard.engine.threats import Threats
from airguard.tracking.core import TrackerParams
from airguard.world import MAX_LAUNCHERS, MAX_PREFERENCES, Interceptors, Radars, Units

AIM_SIZE = 10
"""An interceptor's aim: [time, position (3), velocity (3), acceleration (3)] (ECEF)."""

PREDICTION_SAMPLES = 128
"""Samples a cached prediction holds, one per RK4 step (2 s in dense air, 8 s above it;
beyond them, predictions are integrated afresh)."""

SHOT_KEY = 13
"""What an intercept search depends on (firecontrol.remembered_intercept): the picture's
time and state (7), the interceptor type, whether ballistic, the lateral acceleration
needed, the weave's height, the salvo's spread and the latest arrival."""

__all__ = [
    "AIM_SIZE",
    "PREDICTION_SAMPLES",
    "SHOT_KEY",
    "Assets",
    "Detections",
    "Evaluations",
    "Flights",
    "KernelOut",
    "Ledger",
    "Magazines",
    "Scene",
    "Scratch",
    "Sensing",
    "Skylines",
    "new_detections",
    "new_flights",
    "new_ledger",
    "new_magazines",
    "new_scratch",
    "new_sensing",
]


class KernelOut(NamedTuple):
    """What the compiled replication returns, written in place."""

    killed_at: np.ndarray  # (N,) inf if not killed
    impacted: np.ndarray  # (N,) bool
    first_det: np.ndarray  # (N,) first detection time, inf if never
    first_trk: np.ndarray  # (N,) first confirmed track of any unit, inf if never
    fired_at: np.ndarray  # (N,) interceptors launched at the threat
    # the kill chain (airguard.engine.chain): how far each threat came, and where it stopped
    first_env: np.ndarray  # (N,) first time inside a unit's envelope (an intercept), inf if never
    first_eng: np.ndarray  # (N,) first round launched (or redirected) at it, inf if never
    look_code: np.ndarray  # (N,) int64 the furthest test of any look it passed (sensing codes;
    # DETECTED: seen)
    block: np.ndarray  # (N,) int64 why a unit that had it in its envelope did not fire (BLOCK_*)
    block_t: np.ndarray  # (N,) the cycle of that reason, s (-inf: none)
    m_unit: np.ndarray  # (M,)
    m_type: np.ndarray
    m_target: np.ndarray  # threat, or -1: a phantom (a track of false alarms)
    m_first_target: np.ndarray  # target at launch (m_target differs once redirected)
    m_t0: np.ndarray
    m_t1: np.ndarray
    m_miss: np.ndarray
    m_outcome: np.ndarray
    m_end: np.ndarray  # (M, 3) where the flight ended (ECEF, m): the closest approach, or
    # where it stopped (target gone, ground, time, destroyed)
    m_peak: np.ndarray  # (M,) highest point of the flight above the ellipsoid, m
    m_acq: np.ndarray  # (M,) bool: its seeker had its (last) target when the flight ended
    n_launched: np.ndarray  # (1,)
    asset_hits: np.ndarray  # (A,)
    n_detections: np.ndarray  # (1,) detections of real objects
    n_false_alarms: np.ndarray  # (1,)
    n_phantoms: np.ndarray  # (1,) confirmed tracks made of false alarms
    t_end: np.ndarray  # (1,) time the replication ended, s (Scene.stop_quiet: maybe early)
    unit_down: np.ndarray  # (U,) when each unit or sensor was destroyed with its site, s
    # (inf: never; Units.site)
    silent_from: np.ndarray  # (U,) its latest silence (emission control): from, s (inf: none)
    silent_to: np.ndarray  # (U,) and to, s
    silent_s: np.ndarray  # (U,) seconds of silence in all, up to the end
    arm_lost: np.ndarray  # (N,) bool: an ARM whose emitters fell silent in time (it missed)
    unreleased: np.ndarray  # (N,) bool: its carrier was shot down before releasing it
    prof: np.ndarray  # (engine.profile.N_STAGES,) int64 cycles per stage, or (0,): no profile


class Skylines(NamedTuple):
    """The radars' terrain skylines for :func:`airguard.engine.looks.look`."""

    mask_slope: np.ndarray  # (R, n_az, n_col) each radar's skyline (terrain.horizon_mask)
    # (placeholders without terrain: (R, 1, 1) of -inf)
    mask_steps: np.ndarray  # (2,) azimuth step (rad) and range step (m) of the skylines
    has_terrain: bool  # False: placeholders, nothing is masked


class Assets(NamedTuple):
    """The defended assets (A)."""

    pos: np.ndarray  # (A, 3) ECEF, m
    radius: np.ndarray  # (A,) m: an impact within it hits the asset
    value: np.ndarray  # (A,)
    least_value: float  # the smallest value (inf without assets)


class Evasion(NamedTuple):
    """Hostile aircraft that evade rounds (scenario ``evade: true``; engine.evasion): per
    threat (N) of the replication, rows of non-evaders unused."""

    on: np.ndarray  # (N,) bool: an evading flight that has not broken away (or cannot)
    fig: np.ndarray  # (N, N_EVASION) its type's evasion figures (world.EV_*)
    max_speed: np.ndarray  # (N,) its type's top speed, m/s
    t_break: np.ndarray  # (N,) when it broke away (the grid sample's time), s; inf: never
    route_lat: np.ndarray  # (N, P) its route points, first (its start) included, rad
    route_lon: np.ndarray  # (N, P) rad
    route_h: np.ndarray  # (N, P) the heights flown at them, m
    route_n: np.ndarray  # (N,) int64 its route's points
    route_speed: np.ndarray  # (N,) its speed along the route, m/s


class Scene(NamedTuple):
    """What one replication is about, fixed for its length."""

    rad: Radars
    units: Units
    itc: Interceptors
    thr: Threats
    assets: Assets
    iff_fail: np.ndarray  # (G, N) bool: group g misidentifies friendly flight j
    n_groups: int  # network groups (G): units of one group coordinate fire
    capacity_limited: bool  # some network carries a limited number of tracks
    sky: Skylines
    tp: TrackerParams
    rows_per_unit: int  # rows of the track table per unit
    im: int  # index of the tracker's acceleration model (-1: none)
    duration: float  # s
    stop_quiet: bool  # end the replication once nothing is left to engage (loop.quiet)
    step: float  # fire-control cycle, s
    boost_s: float  # the longest motor burn of the scenario's ballistic threat types, s
    need_mps2: np.ndarray  # (I, Ty) lateral acceleration fire control wants at an intercept
    no_body: np.ndarray  # (N_PARAMS,) zeros: a phantom's prediction body (NO_BODY)
    weave_below_m: np.ndarray  # (Ty,) height (ellipsoid) below which a type may weave, m
    kill_key: int  # the replication's kill-draw stream (loop.kill_key; flyout.kill_uniform)
    has_sites: bool  # some unit stands at an asset and is destroyed with it (Units.site)
    has_emcon: bool  # some unit has emission control (Units.silent_*)
    has_arms: bool  # some threat is an anti-radiation missile (arm_terminal_s > 0)
    has_carriers: bool  # some threat is released by a hostile flight (Threats.carrier)
    arm_terminal_s: np.ndarray  # (N,) an ARM's seeker needs an emitter in its last s (0: no ARM)
    arm_drift: np.ndarray  # (N, 2) its miss east and north, m, if its emitters fall silent
    arm_seen: np.ndarray  # (U, N) bool: the unit has gone silent for this ARM (on_arm)
    has_evaders: bool  # some hostile flight evades the rounds launched at it (Evasion)
    evasion: Evasion


class Detections(NamedTuple):
    """The detections of one look (:func:`airguard.engine.looks.look`), up to D."""

    z: np.ndarray  # (D, 4) measured range (m), azimuth, elevation (rad), range rate (m/s)
    z_label: np.ndarray  # (D,) int64 the object that made each (threat index, -1: false alarm)


class Sensing(NamedTuple):
    """Stages 2–3: the radars' schedule, the buffers of one look, the counts of detections."""

    next_scan: np.ndarray  # (R,) time of each radar's next look, s
    slice_no: np.ndarray  # (R,) int64 looks so far (a rotating radar's slice: modulo its slices)
    det: Detections  # N + MAX_FALSE_ALARMS_PER_LOOK rows
    sigma: np.ndarray  # (4,) the looking radar's measurement sigmas
    fov: np.ndarray  # (5,) its field of view in this look
    counter: np.ndarray  # (1,) int64 track ids issued
    n_detections: np.ndarray  # (1,) int64 detections of real objects
    n_false_alarms: np.ndarray  # (1,) int64


class Evaluations(NamedTuple):
    """Threat evaluation of each unit's (U) picture of each object (O), kept until the
    picture changes (c2.evaluation); and the last evaluation of each object, which a unit
    holding the very same state (a picture the network delivered to several) reuses."""

    time: np.ndarray  # (U, O) time of the evaluated picture (nan: none)
    when: np.ndarray  # (U, O) predicted time of arrival at the asset, s
    asset: np.ndarray  # (U, O) int64 threatened asset (-1: none)
    last_key: np.ndarray  # (O, 7) the state last evaluated, and 1 if ballistic (nan: none)
    last_asset: np.ndarray  # (O,) int64 its threatened asset
    last_tgo: np.ndarray  # (O,) its time to go, s


class Ledger(NamedTuple):
    """Per object (N threats, then phantoms up to O), per group and per unit."""

    alive: np.ndarray  # (N,) bool: not killed by the end of the last cycle
    killed_at: np.ndarray  # (N,) kill time, inf if not killed (KernelOut's)
    first_det: np.ndarray  # (N,) first detection time, inf if never (KernelOut's)
    first_trk: np.ndarray  # (N,) first firm picture of any unit, inf if never (KernelOut's)
    first_track: np.ndarray  # (U, O) each unit's first firm picture, inf if never
    obj_cls: np.ndarray  # (O,) int64 class: the threat's, or a phantom's kinematic class
    inflight: np.ndarray  # (G, O) int64 rounds of the group flying at the object
    # a group fires again at an object only after its rounds have ended and the
    # kill-assessment time has passed
    assess_until: np.ndarray  # (G, O)
    kill_draws: np.ndarray  # (O,) int64 kill draws made at the object so far (flyout.kill_uniform)
    # threat evaluation of each unit's picture, kept until the picture changes
    ev: Evaluations


class Magazines(NamedTuple):
    """Per fire unit (U) and interceptor type (I): channels, rounds and launchers."""

    channels: np.ndarray  # (U,) int64 fire channels in use
    rounds: np.ndarray  # (U, I) int64 rounds left
    ready: np.ndarray  # (U, I, MAX_LAUNCHERS) when each launcher can fire next, s
    loaded: np.ndarray  # (U, I, MAX_LAUNCHERS) int64 rounds on each launcher
    reserve: np.ndarray  # (U, I) int64 rounds left to reload launchers


class Flights(NamedTuple):
    """Interceptors (M at most): their flight states, and the flights ending this cycle."""

    m_state: np.ndarray  # (M, 6) position, velocity (ECEF)
    m_ach: np.ndarray  # (M, 3) achieved lateral acceleration (autopilot lag state)
    m_aim: np.ndarray  # (M, AIM_SIZE) the track an interceptor is guided on (aim_state)
    m_plan: np.ndarray  # (M,) its planned intercept time, s (-inf: none, after a retarget)
    m_track_t: np.ndarray  # (M,) time of the picture its aim was last made from, s
    m_acq: np.ndarray  # (M,) bool: its seeker has the target (KernelOut's)
    m_divert: np.ndarray  # (M,) lateral velocity its divert thrusters have left, m/s
    m_noise: np.ndarray  # (M, 4) its seeker's last angle-noise sample, rad (nan: none yet); time
    m_t0: np.ndarray  # (M,) launch time, s (KernelOut's)
    m_end: np.ndarray  # (M, 3) where the flight ended, ECEF m (KernelOut's)
    m_peak: np.ndarray  # (M,) its highest point above the ellipsoid, m (KernelOut's)
    flying: np.ndarray  # (M,) bool
    n: np.ndarray  # (1,) int64 interceptors launched
    end_t: np.ndarray  # (M,) this cycle's flight ends: time, s
    end_m: np.ndarray  # (M,) int64 interceptor
    end_outcome: np.ndarray  # (M,) int64 outcome
    end_miss: np.ndarray  # (M,) miss distance, m
    work: np.ndarray  # (34,) scratch of a flight step (no allocation in the step loop)


class Scratch(NamedTuple):
    """Small work arrays, and the candidate (unit, object) pairs of one group."""

    buf: np.ndarray  # (12,) a threat's state (threat_state); a prediction's scratch
    buf2: np.ndarray  # (12,) a predicted intercept point
    est: np.ndarray  # (9,) a unit's picture of an object (c2.picture.picture)
    tmp: np.ndarray  # (9,)
    best: np.ndarray  # (O,) (c2.picture.refresh)
    pair_u: np.ndarray  # (U * O,) int64 unit
    pair_j: np.ndarray  # (U * O,) int64 object
    pair_key: np.ndarray  # (U * O,) minus the marginal return, priority × salvo Pk
    pair_dist: np.ndarray  # (U * O,) squared distance from unit to object, m^2
    # each unit's ballistic prediction of each object (firecontrol.predict_cached), row
    # u * O + j, sampled at each RK4 step from the picture it was made from
    pred_key: np.ndarray  # (U * O, 7) the picture: its time and state (nan: none)
    pred_n: np.ndarray  # (U * O,) int64 samples made so far
    pred_t: np.ndarray  # (U * O, PREDICTION_SAMPLES) their times after the picture's, s
    pred_pos: np.ndarray  # (U * O, PREDICTION_SAMPLES, 3) ECEF m
    pred_vel: np.ndarray  # (U * O, PREDICTION_SAMPLES, 3) ECEF m/s
    # each unit's last intercept point found for each object, by kind (0: a plan, 1: a
    # kill-chain probe) and doctrine place (firecontrol.remembered_intercept)
    shot_key: np.ndarray  # (U * O, 2, P, SHOT_KEY) what it was searched from (nan: none)
    shot_val: np.ndarray  # (U * O, 2, P, 4) intercept time, elevation, fly-out, time needed


@njit
def new_detections(n_rows: int) -> Detections:
    """Room for the detections of one look, `n_rows` at most."""
    return Detections(z=np.zeros((n_rows, 4)), z_label=np.zeros(n_rows, dtype=np.int64))


@njit
def new_sensing(rad: Radars, n_rows: int, rng: np.random.Generator) -> Sensing:
    """The radars' schedule, each radar's first look at a random time in its first
    slice (one draw per radar, in order), and look buffers of `n_rows` rows."""
    n_rad = rad.unit.shape[0]
    next_scan = np.empty(n_rad)
    for r in range(n_rad):
        next_scan[r] = rng.random() * rad.period_s[r] / rad.n_sectors[r]
    return Sensing(
        next_scan=next_scan,
        slice_no=np.zeros(n_rad, dtype=np.int64),
        det=new_detections(n_rows),
        sigma=np.zeros(4),
        fov=np.zeros(5),
        counter=np.zeros(1, dtype=np.int64),
        n_detections=np.zeros(1, dtype=np.int64),
        n_false_alarms=np.zeros(1, dtype=np.int64),
    )


@njit
def new_ledger(
    thr: Threats,
    n_units: int,
    n_obj: int,
    n_groups: int,
    killed_at: np.ndarray,
    first_det: np.ndarray,
    first_trk: np.ndarray,
) -> Ledger:
    """A ledger for N threats and O objects; resets the three result arrays (N,) to inf."""
    n_thr = thr.ttype.shape[0]
    killed_at[:] = math.inf
    first_det[:] = math.inf
    first_trk[:] = math.inf
    obj_cls = np.zeros(n_obj, dtype=np.int64)
    obj_cls[:n_thr] = thr.cls
    return Ledger(
        alive=np.ones(n_thr, dtype=np.bool_),
        killed_at=killed_at,
        first_det=first_det,
        first_trk=first_trk,
        first_track=np.full((n_units, n_obj), math.inf),
        obj_cls=obj_cls,
        inflight=np.zeros((n_groups, n_obj), dtype=np.int64),
        assess_until=np.full((n_groups, n_obj), -math.inf),
        kill_draws=np.zeros(n_obj, dtype=np.int64),
        ev=Evaluations(
            time=np.full((n_units, n_obj), math.nan),
            when=np.zeros((n_units, n_obj)),
            asset=np.zeros((n_units, n_obj), dtype=np.int64),
            last_key=np.full((n_obj, 7), np.nan),
            last_asset=np.zeros(n_obj, dtype=np.int64),
            last_tgo=np.zeros(n_obj),
        ),
    )


@njit
def new_magazines(units: Units, n_types: int) -> Magazines:
    """Each unit's full inventory, launchers empty (see firecontrol.load_launchers)."""
    n_units = units.pos_ecef_m.shape[0]
    return Magazines(
        channels=np.zeros(n_units, dtype=np.int64),
        rounds=units.rounds.copy(),
        ready=np.zeros((n_units, max(n_types, 1), MAX_LAUNCHERS)),
        loaded=np.zeros((n_units, max(n_types, 1), MAX_LAUNCHERS), dtype=np.int64),
        reserve=np.zeros((n_units, max(n_types, 1)), dtype=np.int64),
    )


@njit
def new_flights(
    max_m: int, m_t0: np.ndarray, m_end: np.ndarray, m_peak: np.ndarray, m_acq: np.ndarray
) -> Flights:
    """Room for `max_m` interceptors launched at the times in ``m_t0`` (M,); the ends of
    their flights go to ``m_end`` (M, 3), their highest points to ``m_peak`` (M,) and their
    seekers' hold on the target to ``m_acq`` (M,) bool (KernelOut's)."""
    n = max(max_m, 1)
    return Flights(
        m_state=np.zeros((n, 6)),
        m_ach=np.zeros((n, 3)),
        m_aim=np.zeros((n, AIM_SIZE)),
        m_plan=np.full(n, -np.inf),
        m_track_t=np.full(n, -np.inf),
        m_acq=m_acq,
        m_divert=np.zeros(n),
        m_noise=np.full((n, 4), np.nan),
        m_t0=m_t0,
        m_end=m_end,
        m_peak=m_peak,
        flying=np.zeros(n, dtype=np.bool_),
        n=np.zeros(1, dtype=np.int64),
        end_t=np.empty(n),
        end_m=np.empty(n, dtype=np.int64),
        end_outcome=np.empty(n, dtype=np.int64),
        end_miss=np.empty(n),
        work=np.zeros(34),
    )


@njit
def new_scratch(n_units: int, n_obj: int) -> Scratch:
    """Work arrays for U units and O objects."""
    n_pairs = max(n_units * n_obj, 1)
    return Scratch(
        buf=np.zeros(12),
        buf2=np.zeros(12),
        est=np.zeros(9),
        tmp=np.zeros(9),
        best=np.zeros(n_obj),
        pair_u=np.empty(n_pairs, dtype=np.int64),
        pair_j=np.empty(n_pairs, dtype=np.int64),
        pair_key=np.empty(n_pairs),
        pair_dist=np.empty(n_pairs),
        pred_key=np.full((n_pairs, 7), np.nan),
        pred_n=np.zeros(n_pairs, dtype=np.int64),
        pred_t=np.zeros((n_pairs, PREDICTION_SAMPLES)),
        pred_pos=np.zeros((n_pairs, PREDICTION_SAMPLES, 3)),
        pred_vel=np.zeros((n_pairs, PREDICTION_SAMPLES, 3)),
        shot_key=np.full((n_pairs, 2, MAX_PREFERENCES, SHOT_KEY), np.nan),
        shot_val=np.zeros((n_pairs, 2, MAX_PREFERENCES, 4)),
    )

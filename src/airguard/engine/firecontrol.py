"""Stage 4: fire control, each cycle, network group by network group.

Threat evaluation of each unit's picture (:mod:`airguard.c2.evaluation`:
threatened asset, time to go, priority = value per second to go); the group's
ready (unit, object) pairs taken greedily by priority × the kill probability of
the unit's salvo, one engagement per object at a time; for each, the doctrine's
interceptor types in order of preference, the earliest predicted intercept
inside the interceptor's kinematic reach (its fly-out table) and catalogue
limits (:func:`find_intercept`), a salvo (or one round under shoot–look–shoot)
from loaded, ready launchers within the unit's fire channels.  Ballistic
threats are engaged in free flight; after a group's rounds at an object end it
waits the kill-assessment time before firing at it again; friendly flights are
engaged only when the group misidentified them (one IFF draw per flight and
group).  Fire control plans a point and a time: a round leaves when its fly-out time
matches the time to the planned point (the plan is made again each cycle until then),
and nothing leaves the rail before its plan says so.

The pass itself (the loops over groups, units, objects and ordered pairs) runs in
:func:`airguard.engine.loop.engage`, which holds the replication's arrays; this
module holds what it calls per pair: the salvo's kill probability
(:func:`salvo_pk`), the priority (:func:`priority`), the intercept search
(:func:`find_intercept` on a unit's :class:`Reach`), the launchers
(:func:`load_salvo`) and the launch (:func:`launch_salvo`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from airguard._jit import i64, njit
from airguard.c2.evaluation import (
    MIN_TIME_TO_GO_S,
    UNAIMED_VALUE_FRACTION,
    coast_step,
    coast_step_s,
    predict_acceleration,
    predict_position,
)
from airguard.dynamics import FULL, P_MASS0, height_m
from airguard.engine.events import EV_LAUNCH, EV_TRACK, EventLog, log_event
from airguard.engine.state import (
    PREDICTION_SAMPLES,
    Assets,
    Evaluations,
    Flights,
    KernelOut,
    Ledger,
    Magazines,
    Scene,
    Scratch,
)
from airguard.guidance import hold_line
from airguard.reach import MIN_MANOEUVRE_MPS2, REACHABLE, intercept_cell
from airguard.trajectory import hermite_state
from airguard.units import STANDARD_GRAVITY_MPS2
from airguard.world import (
    CLASS_BALLISTIC,
    MAX_LAUNCHERS,
    MAX_PREFERENCES,
    POLICY_SHOOT_LOOK_SHOOT,
    Interceptors,
    Units,
)

__all__ = [
    "BALLISTIC_FLOOR_M",
    "SEARCH_STEP_S",
    "TRACK_STALE_S",
    "Reach",
    "add_pair",
    "aim_plan",
    "aim_state",
    "find_intercept",
    "free_flight",
    "in_envelope",
    "launch_salvo",
    "load_launchers",
    "load_salvo",
    "manoeuvre_need",
    "note_first_track",
    "predict_cached",
    "prediction_body",
    "priority",
    "remembered_intercept",
    "salvo_pk",
    "salvo_size",
    "set_aim",
    "unit_reach",
]

TRACK_STALE_S = 30.0
"""A picture older than this is no longer engaged (s)."""

BALLISTIC_FLOOR_M = 3_000.0
"""Fire control plans no intercept of a ballistic missile lower than this above the site
(notional, 1-5 km): a warhead hit lower still falls on or near what it was aimed at, and a
round homing on a missile seconds before its impact flies into the ground (before this
floor, 0.6-0.9 rounds a flagship raid did so, and none of the shots planned below 2.5 km
killed)."""
SEARCH_STEP_S = 1.0
"""Time step of the intercept-point search (s)."""
SEARCH_START_S = 2.0
"""The intercept search's first trial time after the cycle's (s)."""

EARTH_MIN_RADIUS_M = 6_335_439.0
"""The least radius of curvature of the WGS84 ellipsoid (the meridian's, at the equator),
m: the Earth's drop below the tangent plane at a distance d is at most d²/(2 R)."""

MAX_COAST_ACCEL_MPS2 = 10.5
"""A bound on the rate at which a coasting object's predicted speed grows (m/s²): gravity
(at most 9.83 at the surface, with J2), the rotation's centrifugal term (0.034); Coriolis
turns the velocity without changing the speed and drag only slows."""

ENVELOPE_SLACK_M = 10_000.0
"""Added to the slant distance of an envelope's farthest point (its range and ceiling) in
the intercept search's bound (m): the Earth's curvature drops a point 200 km away by
3 km, and a ceiling is above the site."""


@njit(inline="always")
def salvo_size(policy: np.ndarray, salvo: np.ndarray, u: int, cl: int) -> int:
    """Rounds unit u fires at an object of class cl: its salvo, or one under
    shoot–look–shoot (``policy``, ``salvo``: the Units fields)."""
    return int(1 if policy[u, cl] == POLICY_SHOOT_LOOK_SHOOT else salvo[u, cl])


@njit(inline="always")
def salvo_pk(
    prefs: np.ndarray,
    policy: np.ndarray,
    salvo: np.ndarray,
    pk: np.ndarray,
    rounds: np.ndarray,
    u: int,
    cl: int,
) -> float:
    """Kill probability of unit u's salvo at an object of class cl, with the first type
    of its doctrine that it still has rounds of (0: none).  ``prefs``, ``policy`` and
    ``salvo`` are the Units fields, ``pk`` the Interceptors field, ``rounds`` (U, I)."""
    pk_eff = 0.0
    for p in range(MAX_PREFERENCES):
        ty = prefs[u, cl, p]
        if ty < 0:
            break
        if rounds[u, ty] > 0:
            n_salvo = 1 if policy[u, cl] == POLICY_SHOOT_LOOK_SHOOT else salvo[u, cl]
            pk_eff = 1.0 - (1.0 - pk[ty, cl]) ** n_salvo
            break
    return pk_eff


@njit
def note_first_track(
    u: int, j: int, t: float, n_thr: int, est: np.ndarray, led: Ledger, log: EventLog
) -> None:
    """Record unit u's first firm picture of object j (state ``est``) at time t."""
    led.first_track[u, j] = t
    if j < n_thr and t < led.first_trk[j]:
        led.first_trk[j] = t
    # a unit's first firm picture: unit, object (-1: a phantom);
    # position (ECEF), speed
    speed = math.sqrt(est[3] ** 2 + est[4] ** 2 + est[5] ** 2)
    log_event(log, EV_TRACK, t, u, j if j < n_thr else -1, 0, est[0], est[1], est[2], speed)


@njit(inline="always")
def priority(ev: Evaluations, assets: Assets, u: int, j: int, t: float) -> float:
    """Priority of object j to unit u at time t: the value of the asset its picture
    threatens (as evaluated in ``ev``) per second to go (c2.evaluation)."""
    a = ev.asset[u, j]
    value = assets.value[a] if a >= 0 else UNAIMED_VALUE_FRACTION * assets.least_value
    return float(value / max(ev.when[u, j] - t, MIN_TIME_TO_GO_S))


@njit(inline="always")
def add_pair(
    scr: Scratch, n_pairs: int, u: int, j: int, key: float, est: np.ndarray, unit_pos: np.ndarray
) -> int:
    """Append the candidate pair (unit u, object j) with sort `key` and the squared
    distance from the unit to the picture ``est``; returns the number of pairs."""
    scr.pair_u[n_pairs] = u
    scr.pair_j[n_pairs] = j
    scr.pair_key[n_pairs] = key
    dx = est[0] - unit_pos[u, 0]
    dy = est[1] - unit_pos[u, 1]
    dz = est[2] - unit_pos[u, 2]
    scr.pair_dist[n_pairs] = dx * dx + dy * dy + dz * dz
    return n_pairs + 1


@njit
def launch_salvo(
    pair: tuple[int, int, int, int],
    fired: int,
    t_est: float,
    shot: tuple[float, float],
    sc: Scene,
    led: Ledger,
    mag: Magazines,
    fl: Flights,
    scr: Scratch,
    out: KernelOut,
    log: EventLog,
) -> None:
    """Launch interceptors ``fl.n[0]`` … + `fired` − 1 (launch times already in
    ``out.m_t0``) for the intercept `shot` (time, launch elevation), each guided on the
    picture (``scr.est`` at `t_est`), and book them: `pair` = (unit, object, interceptor
    type, object class)."""
    u, j, ty, cl = pair
    units = sc.units
    n_thr = sc.thr.ttype.shape[0]
    est, buf2 = scr.est, scr.buf2
    t_int, elev = shot
    body = prediction_body(sc, j)
    predict_position(est, t_int - t_est, cl == CLASS_BALLISTIC, body, buf2)
    m0 = fl.n[0]
    for m in range(m0, m0 + fired):
        _launch(units, u, buf2, elev, fl.m_state[m])
        st = fl.m_state[m]
        fl.m_peak[m] = height_m(st[0], st[1], st[2], FULL)  # the flight's highest point so far
        # leaving the rail the round is held on its launch line (the rail's reaction): the
        # autopilot starts from the acceleration that holds it, not from zero
        hold_line(st, fl.m_ach[m])
        fl.m_plan[m] = t_int
        fl.m_divert[m] = sc.itc.divert_dv_mps[ty]
        aim_plan(fl, scr, m, u, j, t_est, est, cl == CLASS_BALLISTIC, body, buf2)
        out.m_unit[m] = u
        out.m_type[m] = ty
        out.m_target[m] = j
        out.m_first_target[m] = j
        out.m_t1[m] = math.inf
        out.m_miss[m] = math.inf
        out.m_outcome[m] = -1
        fl.flying[m] = True
        # launch: unit, object (-1: a phantom), interceptor; predicted
        # intercept time and point (ECEF)
        jl = j if j < n_thr else -1
        log_event(log, EV_LAUNCH, out.m_t0[m], u, jl, m, t_int, buf2[0], buf2[1], buf2[2])
    fl.n[0] = m0 + fired
    mag.rounds[u, ty] -= fired
    mag.channels[u] += fired
    led.inflight[units.group[u], j] += fired
    if j < n_thr:
        out.fired_at[j] += fired
        out.first_eng[j] = min(out.first_eng[j], out.m_t0[m0])


@njit(inline="always")
def load_salvo(
    u: int,
    ty: int,
    t: float,
    want: int,
    units: Units,
    itc: Interceptors,
    mag: Magazines,
    n_m: int,
    m_t0: np.ndarray,
) -> int:
    """Take up to `want` rounds of type ty off unit u's ready launchers for interceptors
    `n_m` on (launched so far); writes their launch times to ``m_t0`` (M,); returns how
    many.

    The rounds of a salvo leave one launch interval apart, from one launcher or
    several; a launcher emptied is reloaded from the unit's reserve.  (It calls no
    compiled function: inlined, it copies none of its tuples.)
    """
    max_m = m_t0.shape[0]
    fired = i64(0)  # (not a literal 0: see airguard._jit.i64)
    for lch in range(min(units.launchers[u, ty], MAX_LAUNCHERS)):
        if mag.ready[u, ty, lch] > t:
            continue
        while fired < want and n_m < max_m and mag.loaded[u, ty, lch] > 0:
            t_launch = t + fired * itc.launch_interval_s[ty]
            mag.ready[u, ty, lch] = t_launch + itc.launch_interval_s[ty]
            mag.loaded[u, ty, lch] -= 1
            if mag.loaded[u, ty, lch] == 0 and mag.reserve[u, ty] > 0:
                refill = min(units.per_launcher[u, ty], mag.reserve[u, ty])
                mag.reserve[u, ty] -= refill
                mag.loaded[u, ty, lch] = refill
                mag.ready[u, ty, lch] = t_launch + max(
                    units.reload_s[u, ty], itc.launch_interval_s[ty]
                )
            m_t0[n_m] = t_launch
            n_m += 1
            fired += 1
            if mag.ready[u, ty, lch] > t_launch + itc.launch_interval_s[ty]:
                break  # reloading
    return fired


class Reach(NamedTuple):
    """What the intercept search needs of one unit and one interceptor type."""

    x: float  # the unit's site, ECEF m
    y: float
    z: float
    alt: float  # its height above the ellipsoid, m
    max_time: float  # the type's flight time, s
    min_alt: float  # its altitude limits above the site, m
    max_alt: float
    min_range: float  # its slant range limit, m
    max_range: float  # its ground range limit, m
    dr: float  # the reach table's ground range step, m
    dh: float  # its height step, m
    time: np.ndarray  # (NR, NH) fly-out time to each (ground range, height), s
    elev: np.ndarray  # (NR, NH) launch elevation for it, rad
    lateral: np.ndarray  # (NR, NH) lateral acceleration it can sustain there, m/s²


@njit(inline="always")
def unit_reach(units: Units, itc: Interceptors, u: int, i: int) -> Reach:
    """Unit u's reach with interceptor type i (straight-line code: inlined, it copies no
    arguments)."""
    return Reach(
        units.pos_ecef_m[u, 0],
        units.pos_ecef_m[u, 1],
        units.pos_ecef_m[u, 2],
        units.alt_m[u],
        itc.max_time_s[i],
        itc.min_alt_m[i],
        itc.max_alt_m[i],
        itc.min_range_m[i],
        itc.max_range_m[i],
        itc.reach_dr_m[i],
        itc.reach_dh_m[i],
        itc.reach_time_s[i],
        itc.reach_elev_rad[i],
        itc.reach_lateral_mps2[i],
    )


@njit
def find_intercept(
    reach: Reach,
    scr: Scratch,
    c: int,
    est: np.ndarray,
    t_est: float,
    t: float,
    ballistic: bool,
    body: np.ndarray,
    need_mps2: float,
    weave_below_m: float,
    spread_s: float,
    arrive_t: float,
    buf: np.ndarray,
) -> tuple[float, float, float, float]:
    """Earliest intercept time (abs), launch elevation, fly-out time and the flight time
    the point's tests needed (the fly-out, or the salvo's last round's if longer); (-1, 0,
    0, 0) if none.

    A unit's interceptor type (its ``reach``, :func:`unit_reach`) against the picture
    ``est`` (9,) of an object taken at `t_est` (`c`: the unit's cache row of the object,
    :func:`predict_cached`), predicted
    (:func:`airguard.c2.evaluation.predict_position`; a ballistic track with its `body`,
    :func:`prediction_body`, from the cache :func:`predict_cached`) every
    :data:`SEARCH_STEP_S` from time t: the
    first point inside the type's altitude and range limits (and, for a ballistic track,
    above :data:`BALLISTIC_FLOOR_M`) that its reach table says it reaches in time with,
    below `weave_below_m` above the ellipsoid (where the threat type weaves), at least
    `need_mps2` of sustained lateral acceleration to pull there (:func:`manoeuvre_need`),
    and the table's fly-out time to it: a round launched that long before the intercept
    time arrives with the threat (launched earlier, it would wait at the point, flying
    proportional navigation at the threat's present state).  The salvo's last round
    leaves `spread_s` after its first (its launch intervals) and meets the object that
    much later along its path: that point must pass the same tests, or the round would
    be planned below the floor or out of reach (near the ground, into it).  Every round
    of the salvo must meet the object before `arrive_t` (abs, s), its closest approach to
    the centre of the asset it threatens (threat evaluation; inf: none known): a point
    beyond it is one the threat may never fly through (a cruise missile lands at its aim).  ``buf`` (12,) is scratch.
    """
    ux, uy, uz = reach.x, reach.y, reach.z
    ur = math.sqrt(ux * ux + uy * uy + uz * uz)
    # an object that cannot come within the envelope's farthest point from the site by
    # the search's end (at its speed, gaining at most 1 g) has no intercept: no search
    horizon = t - t_est + reach.max_time
    far = math.sqrt(reach.max_range**2 + reach.max_alt**2) + ENVELOPE_SLACK_M
    dist = math.sqrt((est[0] - ux) ** 2 + (est[1] - uy) ** 2 + (est[2] - uz) ** 2)
    speed = math.sqrt(est[3] ** 2 + est[4] ** 2 + est[5] ** 2)
    if dist - far > horizon * (speed + 0.5 * STANDARD_GRAVITY_MPS2 * horizon):
        return -1.0, 0.0, 0.0, 0.0
    # a ballistic object's predicted point farther than this from the site is surely out
    # of reach (the envelope's corner, its slack and the Earth's drop at the type's range);
    # its speed on the prediction grows at most by gravity and the rotation's centrifugal
    # term: the trial times that cannot come back within reach are stepped over
    far_skip = far + reach.max_range**2 / (2.0 * EARTH_MIN_RADIUS_M)
    v_max = speed + MAX_COAST_ACCEL_MPS2 * horizon
    tau_end = reach.max_time
    if not ballistic:
        tau_end = min(tau_end, _line_leaves(est, t - t_est, ux, uy, uz, far_skip))
        if tau_end < SEARCH_START_S:
            return -1.0, 0.0, 0.0, 0.0
    tau = SEARCH_START_S
    last = buf[6:12]
    while tau <= tau_end and t + tau + spread_s <= arrive_t:
        _predict(scr, c, est, t_est, ballistic, body, t + tau - t_est, buf)
        # heights relative to the unit's site: the catalogue's altitude limits and
        # the reach table are above the launcher (no terrain model yet)
        h = height_m(buf[0], buf[1], buf[2], FULL) - reach.alt
        if h < 0.0:
            break
        ok, elev, fly = _point_in_reach(reach, ur, buf, h, tau, ballistic, need_mps2, weave_below_m)
        needed = fly
        if ok and spread_s > 0.0:
            # the salvo's last round, `spread_s` later, meets the object `spread_s` later
            # along its path, with the same time in hand: that point must pass too
            _predict(scr, c, est, t_est, ballistic, body, t + tau + spread_s - t_est, last)
            h_last = height_m(last[0], last[1], last[2], FULL) - reach.alt
            ok = False
            if h_last >= 0.0:
                ok, _, fly_last = _point_in_reach(
                    reach, ur, last, h_last, tau, ballistic, need_mps2, weave_below_m
                )
                needed = max(fly, fly_last)
        if ok:
            return t + tau, elev, fly, needed
        tau += SEARCH_STEP_S
        if ballistic:  # (a straight line may dip below the ellipsoid and come back up)
            d = math.sqrt((buf[0] - ux) ** 2 + (buf[1] - uy) ** 2 + (buf[2] - uz) ** 2)
            if d > far_skip:
                # none of the next n trial points can be within far_skip of the site; the
                # same additions as one step at a time, so the same trial times.  Never
                # more than the search has left: a wild track's prediction (a point
                # 10^12 m out) would otherwise spin here for hours
                n_skip = (d - far_skip) / (v_max * SEARCH_STEP_S)
                n_skip = min(n_skip, (reach.max_time - tau) / SEARCH_STEP_S + 2.0)
                for _ in range(int(n_skip)):
                    tau += SEARCH_STEP_S
    return -1.0, 0.0, 0.0, 0.0


@njit(inline="always")
def _line_leaves(
    est: np.ndarray, lead: float, ux: float, uy: float, uz: float, far: float
) -> float:
    """The last trial time (after the cycle's, s) at which the straight-line prediction of
    the picture ``est`` (taken `lead` seconds before the cycle) is within `far` of the
    site (ux, uy, uz), plus one search step; -inf if it never is.

    The distance to a point moving on a line is convex in time, so the trial points within
    `far` lie in one interval of time and none after it: a search that stops there
    (:func:`find_intercept`, `far` a distance no reachable point exceeds) tests every
    point it could accept and so returns what the whole search would.  Aircraft far
    outside an envelope (a stand-off jammer's racetrack) then cost no search at all."""
    ox = est[0] + est[3] * lead - ux
    oy = est[1] + est[4] * lead - uy
    oz = est[2] + est[5] * lead - uz
    vv = est[3] * est[3] + est[4] * est[4] + est[5] * est[5]
    b = ox * est[3] + oy * est[4] + oz * est[5]
    c = ox * ox + oy * oy + oz * oz - far * far
    if vv <= 0.0:
        return math.inf if c <= 0.0 else -math.inf
    disc = b * b - vv * c
    if disc < 0.0:
        return -math.inf
    leaves: float = (-b + math.sqrt(disc)) / vv + SEARCH_STEP_S
    return leaves


@njit(inline="always")
def remembered_intercept(
    reach: Reach,
    scr: Scratch,
    c: int,
    kind: int,
    p: int,
    ty: int,
    est: np.ndarray,
    t_est: float,
    t: float,
    ballistic: bool,
    body: np.ndarray,
    need_mps2: float,
    weave_below_m: float,
    spread_s: float,
    arrive_t: float,
    buf: np.ndarray,
    memo: bool,
) -> tuple[float, float, float, float]:
    """:func:`find_intercept` of unit-object row `c` with type `ty` (the doctrine's
    `p`-th; `kind` 0 for a plan, 1 for a kill-chain probe), the same point without a
    search when it is sure to be the search's answer.

    For one picture (and the same type, need, spread and latest arrival), the points a
    search at cycle t accepts are those whose tests pass with the time in hand (intercept
    time − t): a later cycle has less time in hand, so it accepts no point that an
    earlier one refused, and the first point found at t, still reachable in time at a
    later cycle t' on the same grid of trial times, is the first at t' too.  (Between the
    first trial time and that point the object stays above the site: the search did not
    stop there at t, and a coasting object's height has one maximum.)  With `memo` (the
    cycle equals :data:`SEARCH_STEP_S`, so every cycle's trial times are whole steps
    apart) that point is reused; a unit waiting to launch at a far intercept no longer
    searches its whole way to it every cycle."""
    key = scr.shot_key[c, kind, p]
    val = scr.shot_val[c, kind, p]
    same = (
        key[0] == t_est and key[7] == ty and key[8] == (1.0 if ballistic else 0.0)
        and key[9] == need_mps2 and key[10] == weave_below_m and key[11] == spread_s
        and key[12] == arrive_t
    )  # fmt: skip
    for i in range(6):
        same = same and key[1 + i] == est[i]
    if memo and same and val[0] - t >= SEARCH_START_S and val[3] <= val[0] - t:
        return val[0], val[1], val[2], val[3]
    shot = find_intercept(
        reach, scr, c, est, t_est, t, ballistic, body, need_mps2, weave_below_m, spread_s,
        arrive_t, buf,
    )  # fmt: skip
    key[0] = t_est
    for i in range(6):
        key[1 + i] = est[i]
    key[7] = ty
    key[8] = 1.0 if ballistic else 0.0
    key[9], key[10], key[11], key[12] = need_mps2, weave_below_m, spread_s, arrive_t
    val[0], val[1], val[2], val[3] = shot
    if shot[0] < 0.0:
        key[0] = math.nan  # no point: nothing to reuse
    return shot


@njit(inline="always")
def in_envelope(
    sc: Scene,
    scr: Scratch,
    u: int,
    j: int,
    cl: int,
    est: np.ndarray,
    t_est: float,
    t: float,
    buf: np.ndarray,
) -> bool:
    """Whether threat j (unit u's picture ``est`` of it at `t_est`, kinematic class cl) is
    inside one of u's envelopes at time t: some interceptor type of u's doctrine for the
    class, rounds left or not, has an intercept point for it (:func:`find_intercept`, a
    single round).  For the kill chain: it decides nothing.  A ballistic track is
    predicted as a drag-free parabola (closed form) rather than with its body: fire
    control asks this of every pair it passes over, every cycle, and integrating each
    new picture's flight for it cost the networked flagship variant 40 % of its speed;
    drag moves a point by a few hundred metres to a few km in the dense air, a small
    error for "was it in an envelope"."""
    units, itc = sc.units, sc.itc
    ttype = sc.thr.ttype[j]
    for p in range(MAX_PREFERENCES):
        ty = units.prefs[u, cl, p]
        if ty < 0:
            break
        shot = remembered_intercept(
            unit_reach(units, itc, u, ty), scr, u * scr.best.shape[0] + j, 1, p, ty, est,
            t_est, t, cl == CLASS_BALLISTIC, sc.no_body, sc.need_mps2[ty, ttype],
            sc.weave_below_m[ttype], 0.0, math.inf, buf, sc.step == SEARCH_STEP_S,
        )  # fmt: skip
        if shot[0] >= 0.0:
            return True
    return False


@njit(inline="always")
def _point_in_reach(
    reach: Reach,
    ur: float,
    p: np.ndarray,
    h: float,
    tau: float,
    ballistic: bool,
    need_mps2: float,
    weave_below_m: float,
) -> tuple[bool, float, float]:
    """Whether a round launched now reaches the point ``p[:3]`` (`h` above the site) within
    `tau` seconds (:func:`find_intercept`'s tests), its launch elevation and fly-out time."""
    if ballistic and h < BALLISTIC_FLOOR_M:
        return False, 0.0, 0.0
    # the one reach-table test (airguard.reach): altitude and range limits, then the
    # table in time
    code, ri, hi = intercept_cell(
        reach.time, reach.dr, reach.dh, reach.min_alt, reach.max_alt, reach.min_range,
        reach.max_range, reach.x, reach.y, reach.z, ur, p[0], p[1], p[2], h, tau,
    )  # fmt: skip
    if code != REACHABLE:
        return False, 0.0, 0.0
    # (a micro-g of slack: a need of exactly the airframe's limit is met)
    if h + reach.alt < weave_below_m and reach.lateral[ri, hi] < need_mps2 - 1e-6:
        return False, 0.0, 0.0
    return True, reach.elev[ri, hi], reach.time[ri, hi]


def manoeuvre_need(nav_ratio: np.ndarray, weave_mps2: np.ndarray) -> np.ndarray:
    """The lateral acceleration (m/s²) fire control wants in hand at an intercept point:
    (I, Ty) for interceptor types with navigation ratios `nav_ratio` (I,) against threat
    types whose terminal weaves are `weave_mps2` (Ty,) (0: none).

    Proportional navigation with ratio N' against a target that pulls n_T needs up to
    N'/(N' − 2) n_T (Zarchan, *Tactical and Strategic Missile Guidance*, ch. 2: the
    command against a step manoeuvre, largest at intercept; 2 n_T at N' = 4, 3 n_T at 3),
    so that much of the weave's amplitude, and at least the reach tables' floor
    (:data:`airguard.reach.MIN_MANOEUVRE_MPS2`), wanted only below the height where the
    type's weave may begin (its catalogue start altitude: above it the threat flies
    ballistically and the floor suffices).  Fire control is taken to know a track's
    threat type (from its trajectory: a quasi-ballistic missile flies lower than a
    ballistic one).  N' ≤ 2 cannot follow a manoeuvre at all: no intercept of a weaving
    type is planned (inf).
    """
    n = np.asarray(nav_ratio, dtype=np.float64)[:, None]
    weave = np.asarray(weave_mps2, dtype=np.float64)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n > 2.0, n / np.maximum(n - 2.0, 1e-12), np.inf)
        need = np.where(weave > 0.0, ratio * weave, 0.0)
    return np.maximum(MIN_MANOEUVRE_MPS2, need)


@njit
def free_flight(est: np.ndarray, held_s: float, boost_s: float) -> bool:
    """Whether a ballistic track (picture ``est``, held `held_s` since the unit's first
    firm picture of it) is known to be in free flight: descending (no ballistic missile
    burns on the way down, and a manoeuvring re-entry vehicle is in free flight), or held
    longer than the longest boost `boost_s` among the scenario's ballistic types (a
    threat library's bound: whenever the motor was lit, it has burnt out by then)."""
    if est[0] * est[3] + est[1] * est[4] + est[2] * est[5] < 0.0:
        return True
    return held_s >= boost_s


@njit(inline="always")
def predict_cached(
    scr: Scratch,
    c: int,
    est: np.ndarray,
    t_est: float,
    body: np.ndarray,
    dt: float,
    out: np.ndarray,
) -> None:
    """A unit's ballistic prediction of an object (cache row `c` = unit × O + object) from
    its picture ``est`` (at `t_est`) `dt` ≥ 0 later, position and velocity into
    ``out[:6]``, from its cached samples.

    Fire control asks the same picture for many times (every interceptor type, the
    search's trial times, the aim of each round in flight): the flight
    (:func:`airguard.c2.evaluation.coast_step` with `body`, on the steps of
    :func:`airguard.c2.evaluation.coast_step_s`) is integrated once per picture, as far
    as asked, and read between its samples by cubic Hermite interpolation
    (:func:`airguard.trajectory.hermite_state`: under a decimetre on 2 s steps in dense
    air, where drag changes on a scale of seconds).  A new picture restarts the samples;
    beyond :data:`PREDICTION_SAMPLES` the flight is integrated afresh."""
    key = scr.pred_key[c]
    same = key[0] == t_est
    for i in range(6):
        same = same and key[1 + i] == est[i]
    ts, pos, vel = scr.pred_t[c], scr.pred_pos[c], scr.pred_vel[c]
    if not same:
        key[0] = t_est
        for i in range(3):
            key[1 + i] = est[i]
            key[4 + i] = est[3 + i]
            pos[0, i] = est[i]
            vel[0, i] = est[3 + i]
        ts[0] = 0.0
        scr.pred_n[c] = 1
    n = scr.pred_n[c]
    while ts[n - 1] <= dt and n < PREDICTION_SAMPLES:
        for i in range(3):
            out[i] = pos[n - 1, i]
            out[3 + i] = vel[n - 1, i]
        h = coast_step_s(out, body)
        coast_step(out, h, body)
        for i in range(3):
            pos[n, i] = out[i]
            vel[n, i] = out[3 + i]
        ts[n] = ts[n - 1] + h
        n += 1
    scr.pred_n[c] = n
    if ts[n - 1] <= dt:  # beyond the samples: integrated afresh
        predict_position(est, dt, True, body, out)
        return
    k = int(np.searchsorted(ts[:n], dt, side="right")) - 1
    step = ts[k + 1] - ts[k]
    hermite_state(pos, vel, k, (dt - ts[k]) / step, step, out)


@njit(inline="always")
def _predict(
    scr: Scratch,
    c: int,
    est: np.ndarray,
    t_est: float,
    ballistic: bool,
    body: np.ndarray,
    dt: float,
    out: np.ndarray,
) -> None:
    """The picture's prediction `dt` later into ``out[:6]``: an integrated ballistic flight
    from the cache (:func:`predict_cached`, row `c`), a straight line or a parabola in
    closed form (:func:`airguard.c2.evaluation.predict_position`)."""
    if ballistic and body[P_MASS0] > 0.0:
        predict_cached(scr, c, est, t_est, body, dt, out)
    else:
        predict_position(est, dt, ballistic, body, out)


@njit
def prediction_body(sc: Scene, j: int) -> np.ndarray:
    """The body fire control predicts object j's ballistic flight with: a threat's body as
    flown (its type's, with the mass its motor cut-off left: the ballistic coefficient a
    tracker that estimates it converges to in the descent, where drag makes it observable;
    an idealisation, see docs/design-notes.md), or for a phantom
    :data:`airguard.c2.evaluation.NO_BODY` (a parabola without drag)."""
    body: np.ndarray = sc.thr.body[j] if j < sc.thr.ttype.shape[0] else sc.no_body
    return body


@njit
def aim_plan(
    fl: Flights,
    scr: Scratch,
    m: int,
    fl_unit: int,
    j: int,
    t_est: float,
    est: np.ndarray,
    ballistic: bool,
    body: np.ndarray,
    buf: np.ndarray,
) -> None:
    """Guide interceptor m on the picture ``est`` (at `t_est`) through its planned intercept.

    Until the planned time (``fl.m_plan[m]``) the aim is the picture's prediction of the
    object at that time, flown back along a straight line to the present (a virtual target
    that reaches the planned point at the planned time): the round flies to where and when
    fire control planned to meet the object, not at the object's present state, which
    would meet a descending missile early and high, above the envelope the plan respected.
    Once the plan's time has passed (or without a plan: a retargeted round) the aim is the
    picture itself (:func:`set_aim`).  A ballistic track of object j (the picture of unit
    `fl_unit`, which fired the round) is predicted with its
    `body` (:func:`prediction_body`; :func:`predict_cached`).  ``buf`` (6,) is scratch.
    """
    fl.m_track_t[m] = t_est
    t_plan = fl.m_plan[m]
    aim = fl.m_aim[m]
    if t_plan <= t_est:
        set_aim(aim, t_est, est, ballistic, body)
        return
    # the picture's prediction at the planned time, and a straight line through it
    c = fl_unit * scr.best.shape[0] + j
    _predict(scr, c, est, t_est, ballistic, body, t_plan - t_est, buf)
    aim[0] = t_plan
    for i in range(6):
        aim[1 + i] = buf[i]
    aim[7] = aim[8] = aim[9] = 0.0


@njit
def set_aim(
    aim: np.ndarray, t_est: float, est: np.ndarray, ballistic: bool, body: np.ndarray
) -> None:
    """Guide on this track from now: its time, state and the acceleration its prediction
    starts with (``aim`` (AIM_SIZE,); see :func:`aim_state`)."""
    aim[0] = t_est
    for i in range(6):
        aim[1 + i] = est[i]
    predict_acceleration(est, ballistic, body, aim[7:10])


@njit
def load_launchers(units: Units, loaded: np.ndarray, reserve: np.ndarray) -> None:
    """Spread each unit's rounds over its launchers, a launcher's load at most; the rest
    is the reserve that reloads empty launchers."""
    for u in range(units.rounds.shape[0]):
        for ty in range(units.rounds.shape[1]):
            left = units.rounds[u, ty]
            for lch in range(min(units.launchers[u, ty], MAX_LAUNCHERS)):
                n = min(units.per_launcher[u, ty], left)
                loaded[u, ty, lch] = n
                left -= n
            reserve[u, ty] = left


@njit
def _launch(units: Units, u: int, aim: np.ndarray, elev: float, st: np.ndarray) -> None:
    """Interceptor state at launch: at the unit, pointed at the intercept point's azimuth."""
    dx = aim[0] - units.pos_ecef_m[u, 0]
    dy = aim[1] - units.pos_ecef_m[u, 1]
    dz = aim[2] - units.pos_ecef_m[u, 2]
    e = (
        units.enu_basis[u, 0, 0] * dx
        + units.enu_basis[u, 0, 1] * dy
        + units.enu_basis[u, 0, 2] * dz
    )
    n = (
        units.enu_basis[u, 1, 0] * dx
        + units.enu_basis[u, 1, 1] * dy
        + units.enu_basis[u, 1, 2] * dz
    )
    az = math.atan2(e, n)
    ce = math.cos(elev)
    de, dn, du = ce * math.sin(az), ce * math.cos(az), math.sin(elev)
    speed0 = 20.0
    for i in range(3):
        d = (
            units.enu_basis[u, 0, i] * de
            + units.enu_basis[u, 1, i] * dn
            + units.enu_basis[u, 2, i] * du
        )
        st[i] = units.pos_ecef_m[u, i] + 5.0 * units.enu_basis[u, 2, i]
        st[3 + i] = speed0 * d


@njit
def aim_state(aim: np.ndarray, tm: float, out: np.ndarray) -> None:
    """The track's prediction of its object at time tm: ``aim`` = [time, r (3), v (3),
    a (3)] → ``out[0:6]``, at the constant acceleration ``a`` (zero: a straight line).

    Each fly-out step asks for it, so it is a closed form: the aim is refreshed every
    fire-control cycle, and over a cycle a descending missile's drag changes little
    (a Scud-B at 10 km: some 4 g of drag, growing some 15 % a second as the air
    thickens: 10 m of error after 2 s, against the several kilometres of a drag-free
    parabola over a 20 s plan, which :func:`aim_plan` integrates instead)."""
    dt = tm - aim[0]
    for i in range(3):
        out[i] = aim[1 + i] + aim[4 + i] * dt + 0.5 * aim[7 + i] * dt * dt
        out[3 + i] = aim[4 + i] + aim[7 + i] * dt

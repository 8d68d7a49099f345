"""Stage 5: interceptor fly-out, guidance, closest approach and the kill draw.

Interceptors fly the shared point-mass model (:func:`airguard.dynamics.rk4_step`)
with true proportional navigation (lateral acceleration limited, gravity
compensated): held on their launch line until guidance starts, then on their unit's
track, aimed through the planned intercept point
(:func:`airguard.engine.firecontrol.aim_plan`), until the seeker acquires the target
(command guidance), then on the target itself (homing).  One that can no longer reach
its target in its flight time is destroyed.  The closest approach
in a step is solved from the relative states at its two ends, so the miss
distance does not depend on the step; a miss inside the lethal radius kills
with the (notional) single-shot Pk.  An interceptor whose target dies is
destroyed, or redirected to the nearest unengaged threat it can reach when the
unit's doctrine says so.  The ends of flights in a cycle are resolved in time
order (:func:`resolve_ends`): of two kills of one threat only the first counts.

The loop over the interceptors in the air runs in
:func:`airguard.engine.loop.engage`; it calls :func:`fly_interceptor` for each.
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.c2.picture import Pictures
from airguard.catalogue.models import SEEKER_NOISE_SAMPLE_S
from airguard.dynamics import FULL, P_BURN, height_m, lateral_limit_mps2, mass_kg
from airguard.engine.events import (
    DESTROYED,
    EV_END,
    EV_RETARGET,
    EV_STATE,
    GROUND,
    KILL,
    MISS,
    PK_FAIL,
    TARGET_GONE,
    TARGET_LANDED,
    TIMEOUT,
    EventLog,
    log_event,
)
from airguard.engine.firecontrol import TRACK_STALE_S, aim_state
from airguard.engine.looks import object_exists, unit_picture
from airguard.engine.state import Flights, KernelOut, Ledger, Magazines, Scene, Scratch
from airguard.engine.threats import Threats, threat_state
from airguard.guidance import (
    GUIDANCE_START_SPEED_MPS,
    MAX_STEP_S,
    MIN_STEP_S,
    TRUE_PN,
    HomingLaw,
    advance_lag,
    closest_approach,
    fly_held,
    held_command,
    hold_line,
    homing_command,
    homing_scratch,
    homing_step_s,
    seeker_noise,
)
from airguard.tracking.core import Tracks
from airguard.world import Interceptors

__all__ = [
    "ENGINE_STEP_FRACTION",
    "fly_interceptor",
    "kill_probability",
    "kill_uniform",
    "log_state",
    "note_end",
    "redirect",
    "resolve_ends",
]

ENGINE_STEP_FRACTION = 0.1
"""Interceptor steps are this fraction of the time to go (between the guidance module's
limits); with the two-ended command hold, misses agree with Zarchan's closed forms to about
3 % at 0.1 and 1 % at 0.03 (tests/validation/test_guidance.py)."""

_ZERO3 = np.zeros(3)


@njit(inline="always")
def note_end(fl: Flights, n_ev: int, m: int, outcome: int, te: float, miss: float) -> int:
    """List the end of interceptor m's flight (`outcome` ≥ 0 at time `te`, `miss` m) among
    the cycle's ``fl.end_*``; returns how many are listed."""
    if outcome < 0:
        return n_ev
    fl.end_t[n_ev] = te
    fl.end_m[n_ev] = m
    fl.end_outcome[n_ev] = outcome
    fl.end_miss[n_ev] = miss
    return n_ev + 1


@njit
def log_state(log: EventLog, fl: Flights, m: int, target: int, n_thr: int, t: float) -> None:
    """An interceptor's state once a cycle: interceptor, target (-1: a phantom); position
    (ECEF), speed."""
    st = fl.m_state[m]
    log_event(
        log, EV_STATE, t, m, target if target < n_thr else -1, 0, st[0], st[1], st[2],
        math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2),
    )  # fmt: skip


@njit
def resolve_ends(
    n_ev: int,
    sc: Scene,
    led: Ledger,
    mag: Magazines,
    fl: Flights,
    out: KernelOut,
    log: EventLog,
) -> None:
    """The `n_ev` flight ends of a cycle in time order: a kill counts only if its threat is
    still alive and in the air; each end frees a fire channel and starts the group's kill
    assessment of its object."""
    if n_ev == 0:
        return
    thr, units = sc.thr, sc.units
    n_thr = thr.ttype.shape[0]
    ev_order = np.argsort(fl.end_t[:n_ev], kind="mergesort")
    for e in range(n_ev):
        k = ev_order[e]
        m = fl.end_m[k]
        j = out.m_target[m]
        oc = fl.end_outcome[k]
        if oc == KILL:
            if led.killed_at[j] <= fl.end_t[k]:
                oc = TARGET_GONE  # another round killed it first
            elif fl.end_t[k] > thr.t_impact[j]:
                oc = TARGET_LANDED
            else:
                led.killed_at[j] = fl.end_t[k]
        out.m_outcome[m] = oc
        out.m_t1[m] = fl.end_t[k]
        out.m_miss[m] = fl.end_miss[k]
        # end of an interceptor's flight: interceptor, object (-1: a phantom),
        # outcome; miss (m) and where it was (ECEF, at the end of the guidance step
        # that ended it)
        log_event(
            log, EV_END, fl.end_t[k], m, j if j < n_thr else -1, oc, fl.end_miss[k],
            fl.m_state[m, 0], fl.m_state[m, 1], fl.m_state[m, 2],
        )  # fmt: skip
        fl.flying[m] = False
        u = out.m_unit[m]
        mag.channels[u] -= 1
        g = units.group[u]
        led.inflight[g, j] -= 1
        led.assess_until[g, j] = max(led.assess_until[g, j], fl.end_t[k] + units.assess_s[u])


@njit
def redirect(
    m: int,
    u: int,
    j: int,
    t: float,
    sc: Scene,
    led: Ledger,
    fl: Flights,
    trk: Tracks,
    pic: Pictures,
    scr: Scratch,
    out: KernelOut,
    log: EventLog,
) -> int:
    """Interceptor m of unit u, whose target j died, takes a new target if it can
    (:func:`_new_target`); returns its target."""
    n_thr = sc.thr.ttype.shape[0]
    j2 = _new_target(m, u, out.m_type[m], t, sc, led, fl, trk, pic, scr)
    if j2 < 0:
        return j
    g = sc.units.group[u]
    led.inflight[g, j] -= 1
    led.inflight[g, j2] += 1
    out.m_target[m] = j2
    if j2 < n_thr:
        out.first_eng[j2] = min(out.first_eng[j2], t)
    fl.m_acq[m] = False
    fl.m_noise[m, :] = math.nan  # the seeker starts afresh on the new target
    fl.m_plan[m] = -math.inf  # no plan for the new target: guided on its picture
    fl.m_track_t[m] = -math.inf
    # retarget: interceptor, dead target, new target (-1: a phantom)
    log_event(log, EV_RETARGET, t, m, j, j2 if j2 < n_thr else -1, 0.0, 0.0, 0.0, 0.0)
    return j2


@njit
def _new_target(
    m: int,
    u: int,
    ty: int,
    t: float,
    sc: Scene,
    led: Ledger,
    fl: Flights,
    trk: Tracks,
    pic: Pictures,
    scr: Scratch,
) -> int:
    """A new target for interceptor m (of type ty, unit u) whose target died, or -1.

    The nearest object in unit u's picture that no round of its network is
    engaging, closing on the interceptor and reachable in the flight time left
    at the present closing speed.
    """
    thr, itc = sc.thr, sc.itc
    n_thr = thr.ttype.shape[0]
    inflight = led.inflight[sc.units.group[u]]
    est = scr.est
    st = fl.m_state[m]
    left = itc.max_time_s[ty] - (t - fl.m_t0[m])
    best = -1
    best_r = math.inf
    for j in range(n_thr + pic.n_phantoms[0]):
        if inflight[j] > 0 or not object_exists(j, n_thr, led.alive, thr.t_impact, t, pic, trk):
            continue
        if j < n_thr and (thr.friendly[j] or thr.decoy[j] or t < thr.identified_t[j]):
            continue  # a friendly flight, a decoy, or not yet told from its decoys
        if itc.pk[ty, led.obj_cls[j]] <= 0.0:
            continue
        t_est = unit_picture(pic, trk, sc.units, u, j, t, sc.im, est, scr.tmp)
        if t_est == -math.inf or t - t_est > TRACK_STALE_S:
            continue
        rx, ry, rz = est[0] - st[0], est[1] - st[1], est[2] - st[2]
        vx, vy, vz = est[3] - st[3], est[4] - st[4], est[5] - st[5]
        rn = math.sqrt(rx * rx + ry * ry + rz * rz)
        vc = -(rx * vx + ry * vy + rz * vz) / max(rn, 1.0)
        if vc <= 0.0 or rn / vc > left or rn >= best_r:
            continue
        best, best_r = j, rn
    return best


@njit
def fly_interceptor(
    itc: Interceptors,
    thr: Threats,
    fl: Flights,
    m: int,
    ty: int,
    o: int,
    exists: bool,
    t_from: float,
    t_to: float,
    killed_at: np.ndarray,
    rng: np.random.Generator,
    u_kill: float,
    buf: np.ndarray,
) -> tuple[int, float, float]:
    """Fly interceptor m (of type ty) at object o from t_from to t_to; returns (outcome or
    -1, time, miss).  ``fl``: its state and the steps' scratch (``work``); ``killed_at``
    (N,): the threats' kill times; `rng`: the seeker's noise; `u_kill`: the uniform its kill
    draw takes if it reaches its closest approach in this call (:func:`kill_uniform`);
    ``buf`` (7,): scratch for the target's state.

    Until its seeker acquires the target the interceptor is guided on its unit's track
    (``m_aim[m]``, refreshed each cycle: command guidance); the seeker acquires when
    the target is within its range and inside its field of view around the track's
    prediction (``m_acq[m]`` then stays set), and it homes on the target from then on.
    A phantom (``o`` ≥ threats; `exists` while its track lasts) is never acquired.
    Each step holds the mean of the guidance command at its two ends (a trial step
    first: :func:`airguard.guidance.trapezoid_hold`), passes it through the autopilot
    lag exactly (:func:`airguard.guidance.lag_mean`), and ends at the closest approach
    solved inside the step (:func:`airguard.guidance.closest_approach`): to the target
    once acquired, else to the track's aim point, scored by the true miss.
    """
    params = itc.params[ty]
    st, ach, aim = fl.m_state[m], fl.m_ach[m], fl.m_aim[m]
    real = o < thr.ttype.shape[0]
    work = fl.work
    s = homing_scratch(work)
    cmd, tgt = work[24:27], work[27:34]
    t0 = fl.m_t0[m]
    end = fl.m_end[m]
    tm = max(t_from, t0)  # a salvo's later rounds wait for their launch time
    while tm < t_to - 1e-9:
        if real:
            if tm >= killed_at[o] or not threat_state(thr, o, tm, buf):
                return _stopped(end, st, _gone(killed_at[o], tm)), tm, math.inf
        elif not exists:
            return _stopped(end, st, TARGET_GONE), tm, math.inf
        aim_state(aim, tm, tgt)
        if real and not fl.m_acq[m] and itc.seeker_range_m[ty] > 0.0:
            fl.m_acq[m] = _acquires(itc.seeker_range_m[ty], itc.seeker_tan[ty], st, buf, tgt)
        homing = real and fl.m_acq[m]
        _take_target(homing, buf, tgt)
        age = tm - t0
        sp = math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2)
        # what the airframe can pull here (thinner air: less), plus divert thrust once homing
        aero = lateral_limit_mps2(
            height_m(st[0], st[1], st[2], FULL), sp, mass_kg(age, params),
            itc.cn_area_m2[ty], itc.max_accel_mps2[ty],
        )  # fmt: skip
        divert = homing and fl.m_divert[m] > 0.0 and itc.divert_mps2[ty] > 0.0
        limit = min(aero + itc.divert_mps2[ty], itc.max_accel_mps2[ty]) if divert else aero
        law = HomingLaw(itc.nav_ratio[ty], TRUE_PN, limit, itc.lag_s[ty], True, FULL)
        rn, vc, _ = homing_command(st, tgt, law, _ZERO3, s, cmd)
        r0x, r0y, r0z = s.rel[0], s.rel[1], s.rel[2]
        p0x, p0y, p0z = st[0], st[1], st[2]
        if real:
            t0x, t0y, t0z = buf[0] - st[0], buf[1] - st[1], buf[2] - st[2]
        else:
            t0x, t0y, t0z = math.inf, math.inf, math.inf
        if age >= params[P_BURN] and _cannot_reach(rn, vc, itc.max_time_s[ty] - age):
            return _stopped(end, st, DESTROYED), tm, rn
        boost = sp < GUIDANCE_START_SPEED_MPS and age < params[P_BURN]
        if boost:
            hold_line(st, cmd)  # no guidance yet: the autopilot holds the launch line
        h, timeout = _step_length(rn, vc, t_to - tm, age, params[P_BURN], itc.max_time_s[ty])
        if timeout:
            return _stopped(end, st, TIMEOUT), tm, rn
        ahead = True
        if homing:
            ahead = threat_state(thr, o, tm + h, buf)
        else:
            aim_state(aim, tm + h, tgt)
        if homing and not boost and itc.seeker_noise[ty] > 0.0:
            seeker_noise(
                fl.m_noise[m], ach, st, tm, rn, vc, h, itc.seeker_noise[ty],
                SEEKER_NOISE_SAMPLE_S, law, s, rng,
            )  # fmt: skip
        if not boost and ahead:
            _take_target(homing, buf, tgt)
            # the mean of the law's commands at the step's two ends (a trial step)
            held_command(st, ach, cmd, tgt, h, age, params, law, _ZERO3, s)
        if divert:  # the thrusters give what the air cannot
            an = math.sqrt(cmd[0] ** 2 + cmd[1] ** 2 + cmd[2] ** 2)
            fl.m_divert[m] = max(fl.m_divert[m] - max(an - aero, 0.0) * h, 0.0)
        fly_held(st, ach, cmd, h, age, params, law, s)
        advance_lag(ach, cmd, h, law.lag_s)
        tm += h
        height = height_m(st[0], st[1], st[2], FULL)
        fl.m_peak[m] = max(fl.m_peak[m], height)
        if real and not threat_state(thr, o, tm, buf):
            return _stopped(end, st, _gone(killed_at[o], tm)), tm, math.inf
        if homing:
            _take_target(homing, buf, tgt)
        else:
            aim_state(aim, tm, tgt)
        r1x, r1y, r1z = tgt[0] - st[0], tgt[1] - st[1], tgt[2] - st[2]
        v1x, v1y, v1z = tgt[3] - st[3], tgt[4] - st[4], tgt[5] - st[5]
        opening = r1x * v1x + r1y * v1y + r1z * v1z >= 0.0
        # while the motor burns an opening range may close again; after burnout it will not
        if opening and vc > 0.0 and (age + h >= params[P_BURN] or rn < 2_000.0):
            if homing:
                f, miss = closest_approach(r0x, r0y, r0z, r1x, r1y, r1z)
            elif real:  # passed the track's aim point: what the true target missed by
                f, miss = closest_approach(
                    t0x, t0y, t0z, buf[0] - st[0], buf[1] - st[1], buf[2] - st[2]
                )
            else:
                return _stopped(end, st, MISS), tm, math.inf
            # the interceptor at the closest approach (its path's chord across the step)
            end[0] = p0x + f * (st[0] - p0x)
            end[1] = p0y + f * (st[1] - p0y)
            end[2] = p0z + f * (st[2] - p0z)
            pk = itc.pk[ty, thr.cls[o]]
            return _pk_draw(
                itc.lethal_radius_m[ty], itc.blast_frag[ty], pk, tm - h + f * h, miss, u_kill
            )
        if height < -10.0:
            return _stopped(end, st, GROUND), tm, math.sqrt(r1x * r1x + r1y * r1y + r1z * r1z)
        if tm - t0 >= itc.max_time_s[ty] - 1e-9:
            return _stopped(end, st, TIMEOUT), tm, math.sqrt(r1x * r1x + r1y * r1y + r1z * r1z)
    return -1, tm, math.inf


@njit(inline="always")
def _stopped(end: np.ndarray, st: np.ndarray, outcome: int) -> int:
    """A flight that stopped where it is (``st``): its end point into ``end``; `outcome`."""
    end[0], end[1], end[2] = st[0], st[1], st[2]
    return outcome


@njit(inline="always")
def _gone(killed_at: float, tm: float) -> int:
    """Why a real target is no longer there at `tm`: killed (by 'killed_at') or landed."""
    return TARGET_GONE if killed_at <= tm else TARGET_LANDED


@njit(inline="always")
def _cannot_reach(rn: float, vc: float, time_left: float) -> bool:
    """Whether an interceptor after burnout can no longer reach its target (range `rn`,
    closing speed `vc`) within the `time_left` of its flight: at the present closing
    speed it is not there in time (it will not speed up again)."""
    return vc > 0.0 and rn > vc * time_left


@njit(inline="always")
def _acquires(
    seeker_range: float, seeker_tan: float, st: np.ndarray, buf: np.ndarray, tgt: np.ndarray
) -> bool:
    """Whether the seeker at ``st`` acquires the target at ``buf``: within `seeker_range`
    (m) and inside the field of view (`seeker_tan`: tangent of its half angle) around the
    track's prediction ``tgt``."""
    dr = math.sqrt((buf[0] - st[0]) ** 2 + (buf[1] - st[1]) ** 2 + (buf[2] - st[2]) ** 2)
    off = math.sqrt((buf[0] - tgt[0]) ** 2 + (buf[1] - tgt[1]) ** 2 + (buf[2] - tgt[2]) ** 2)
    return dr <= seeker_range and off <= dr * seeker_tan


@njit(inline="always")
def _take_target(homing: bool, buf: np.ndarray, tgt: np.ndarray) -> None:
    """A homing interceptor steers on the target's true state ``buf``, copied into ``tgt``."""
    if homing:
        for i in range(6):
            tgt[i] = buf[i]


@njit(inline="always")
def _step_length(
    rn: float, vc: float, t_left: float, age: float, burn_s: float, max_time: float
) -> tuple[float, bool]:
    """The next step (s) at range `rn` and closing speed `vc`: a fraction of the time to
    go, at most `t_left` in the cycle, ending at burnout; and whether the flight time
    `max_time` is up (the interceptor at `age` since launch)."""
    h = min(homing_step_s(rn, vc, ENGINE_STEP_FRACTION, MIN_STEP_S, MAX_STEP_S), t_left)
    if age < burn_s - 1e-9:
        h = min(h, burn_s - age)  # end a step at burnout (not at a rounding error before it)
    if age + h > max_time:
        h = max_time - age
        if h <= 1e-9:
            return h, True
    return h, False


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@njit(inline="always")
def kill_uniform(key: int, target: int, draw: int) -> float:
    """The uniform in [0, 1) of kill draw number `draw` (0, 1, …: in the order the rounds
    at it reach their closest approach) at object `target`, in the replication whose kill
    stream is `key` (:func:`airguard.engine.loop.kill_key`).

    Keyed by the threat and the draw's rank, not taken from the replication's one stream:
    two variants of a scenario (or two engine versions) give the first round to reach
    a threat the same draw, whatever happened before, so their paired comparison sets like
    against like (common random numbers at the level of the engagement; Law, *Simulation
    Modeling and Analysis*, 5th ed., §11.2, "synchronisation" of random numbers).  The
    counter is hashed by SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
    pseudorandom number generators", OOPSLA 2014; the mixer of ``java.util.SplittableRandom``)
    and its top 53 bits scaled to [0, 1).
    """
    z = (
        np.uint64(key)
        + (np.uint64(target) * np.uint64(65536) + np.uint64(draw) + np.uint64(1)) * _GOLDEN
    )
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(inline="always")
def kill_probability(miss: float, lethal_radius: float, blast_frag: bool, pk: float) -> float:
    """The probability that a round passing at `miss` (m) kills.

    Hit-to-kill: the body must strike, so `pk` inside the `lethal_radius` (the bodies'
    radii and any lethality enhancer) and nothing beyond.  Blast-fragmentation: the
    Carleton damage function ``pk exp(-(miss / R)²)`` with R the lethal radius, whose
    lethal area ``∫ P 2πr dr = pk π R²`` equals the cookie cutter's of radius R (Driels,
    *Weaponeering*, 2nd ed., AIAA 2013, ch. 11, the Carleton damage function).  `pk`: the
    (notional) single-shot kill probability of a round that passes through the target.
    """
    if blast_frag:
        if lethal_radius <= 0.0:
            return 0.0
        q = miss / lethal_radius
        return pk * math.exp(-q * q)
    return pk if miss <= lethal_radius else 0.0


@njit(inline="always")
def _pk_draw(
    lethal_radius: float,
    blast_frag: bool,
    pk: float,
    t_cpa: float,
    miss: float,
    u_kill: float,
) -> tuple[int, float, float]:
    """The end of a flight at its closest approach (time `t_cpa`, `miss` in m): one draw,
    the uniform `u_kill`, against :func:`kill_probability`; a miss within the lethal radius
    that did not kill is a Pk failure."""
    p = kill_probability(miss, lethal_radius, blast_frag, pk)
    if p > 0.0 and u_kill < p:
        return KILL, t_cpa, miss
    if miss <= lethal_radius:
        return PK_FAIL, t_cpa, miss
    return MISS, t_cpa, miss

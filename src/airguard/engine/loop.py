"""One replication: the stages in their time loop, and the result.

:func:`run_replication` draws the threats (stage 1), the IFF draws and builds
the :class:`~airguard.engine.state.Scene`; :func:`engage` allocates the
replication's state and runs the fire-control cycles, each one stage after
another (looks and trackers, fire control, fly-out, resolution of the flights
that ended), then scores the outcome (stage 6).

The cycle's loops live in :func:`engage` itself, calling the stage modules'
kernels per look, per (unit, object) pair and per interceptor.  A compiled
function pays for every array it is handed: numba passes a NamedTuple as its
arrays' fields one by one (the flagship's state is about 1,400 machine words)
and counts a reference to each array it holds across a call.  Per look, pair or
interceptor the original engine paid that already; a stage function called per
cycle with the replication's tuples cost 6.5 µs of copying per call
(docs/design-notes.md, "The engine package").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airguard._jit import i64, njit
from airguard.c2.evaluation import NO_BODY, evaluate_kernel
from airguard.c2.picture import Pictures, kinematic_class, new_pictures, refresh
from airguard.dynamics import P_BURN, P_WEAVE_ACCEL, P_WEAVE_HEIGHT
from airguard.engine.chain import (
    BLOCK_BOOST,
    BLOCK_CHANNELS,
    BLOCK_DISCRIMINATION,
    BLOCK_LAUNCHERS,
    BLOCK_NO_ROUNDS,
    BLOCK_NONE,
    BLOCK_REACTION,
    BLOCK_WAITING,
    kill_chain,
)
from airguard.engine.emission import arm_seekers, emission_control, end_silences, silent
from airguard.engine.evasion import evade
from airguard.engine.events import KILL, MISS, NO_LOG, PK_FAIL, EventLog
from airguard.engine.firecontrol import (
    SEARCH_STEP_S,
    TRACK_STALE_S,
    add_pair,
    aim_plan,
    free_flight,
    in_envelope,
    launch_salvo,
    load_launchers,
    load_salvo,
    manoeuvre_need,
    note_first_track,
    prediction_body,
    priority,
    remembered_intercept,
    salvo_pk,
    salvo_size,
    unit_reach,
)
from airguard.engine.flyout import (
    fly_interceptor,
    kill_uniform,
    log_state,
    note_end,
    redirect,
    resolve_ends,
)
from airguard.engine.looks import (
    MAX_FALSE_ALARMS_PER_LOOK,
    look,
    object_exists,
    radar_beam,
    scan_look,
    search_share,
    skylines,
    unit_picture,
)
from airguard.engine.profile import (
    ST_BOOKKEEPING,
    ST_CHAIN,
    ST_FIRE_CONTROL,
    ST_FLYOUT,
    ST_LOOKS,
    ST_SETUP,
    ST_THREATS,
    ST_TRACKING,
    cycles,
    lap,
    tick,
)
from airguard.engine.scoring import destroy_sited, score, unreleased
from airguard.engine.state import (
    Assets,
    Evaluations,
    Evasion,
    Flights,
    KernelOut,
    Ledger,
    Magazines,
    Scene,
    Scratch,
    Sensing,
    new_flights,
    new_ledger,
    new_magazines,
    new_scratch,
    new_sensing,
)
from airguard.engine.threats import Threats, draw_threats
from airguard.reach import MIN_MANOEUVRE_MPS2
from airguard.tracking.core import Tracks, new_tracks
from airguard.world import (
    CLASS_BALLISTIC,
    FLIGHT_BALLISTIC,
    MAX_PREFERENCES,
    World,
    acceleration_model_index,
    track_rows,
)

__all__ = [
    "KILL_STREAM",
    "KernelOut",
    "ReplicationResult",
    "engage",
    "kill_key",
    "replication_rng",
    "run_replication",
]


def replication_rng(seed: int, replication: int) -> np.random.Generator:
    """The random generator of replication `replication` of campaign `seed`."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication,)))
    )


KILL_STREAM = 1
"""The second element of the kill stream's spawn key (the main stream's is the
replication alone)."""


def kill_key(seed: int, replication: int) -> int:
    """The key of replication `replication`'s kill draws (63 bits, from
    ``SeedSequence(seed, spawn_key=(replication, KILL_STREAM))``): each round's kill draw is
    :func:`airguard.engine.flyout.kill_uniform` of it, the target and the draw's rank."""
    state = np.random.SeedSequence(seed, spawn_key=(replication, KILL_STREAM)).generate_state(
        1, np.uint64
    )
    return int(state[0] >> np.uint64(1))


@njit
def engage(
    sc: Scene,
    rng: np.random.Generator,
    trk: Tracks,
    pic: Pictures,
    out: KernelOut,
    log: EventLog,
) -> None:
    """Stages 2–6 of one replication over the scene `sc`, drawing from `rng`; ``trk`` and
    ``pic``: the units' empty track tables and pictures; ``out``: the result; ``log``: the
    events (capacity 0: none).  The cycle's loops are here, calling the stages' kernels
    item by item: this function holds the replication's arrays once, where a compiled
    call per cycle would copy and count every one of them (docs/design-notes.md)."""
    rad, units, itc, thr, tp, assets = sc.rad, sc.units, sc.itc, sc.thr, sc.tp, sc.assets
    n_thr, rows, im, n_units = (
        thr.ttype.shape[0],
        sc.rows_per_unit,
        sc.im,
        units.pos_ecef_m.shape[0],
    )
    prof = out.prof
    clk = tick(prof)
    led, mag, sen, fl, scr = _new_state(sc, pic, out, rng)
    clk = lap(prof, ST_SETUP, clk)
    alive, killed_at, first_det, inflight, ev = (
        led.alive, led.killed_at, led.first_det, led.inflight, led.ev
    )  # fmt: skip
    channels, rounds, m_acq, m_target = mag.channels, mag.rounds, fl.m_acq, out.m_target
    buf, est, tmp, t_impact = scr.buf, scr.est, scr.tmp, thr.t_impact
    asset_pos, asset_radius, asset_value = assets.pos, assets.radius, assets.value
    logging = log.kind.shape[0] > 0
    # the fields read per (unit, object) pair, named once (for reading: no measurable
    # change in speed, docs/performance.md)
    group, fire_channels, reaction_s = units.group, units.fire_channels, units.reaction_s
    friendly, decoy, identified_t, iff_fail = thr.friendly, thr.decoy, thr.identified_t, sc.iff_fail
    first_eng, first_trk = out.first_eng, out.first_trk
    memo = sc.step == SEARCH_STEP_S  # every cycle's trial times on one grid (firecontrol)
    assess_until, obj_cls, first_track = led.assess_until, led.obj_cls, led.first_track
    unit_down = out.unit_down
    # the threats fire control still visits, in ascending order: those landed or killed
    # leave for good (:func:`drop_ended`)
    visit, n_vis = np.arange(n_thr), n_thr
    for s in range(int(math.ceil(sc.duration / sc.step)) + 1):
        t = s * sc.step
        if sc.has_arms:
            # ARMs landing up to t that heard no emitter in their last seconds miss
            arm_seekers(sc, killed_at, t - sc.step, t, out)
        if sc.has_emcon:  # radars falling silent: on a schedule, or on seeing an ARM
            emission_control(sc, pic, trk, alive, t, out, est, tmp, log)
        if sc.has_sites:  # units destroyed by threats that landed on their sites up to t
            destroy_sited(sc, killed_at, t - sc.step, t, unit_down, log)
        # 2-3. sensor looks due up to now, each followed by its unit's tracker
        for r in range(rad.unit.shape[0]):
            while sen.next_scan[r] <= t:
                ts = sen.next_scan[r]
                if unit_down[rad.unit[r]] <= ts:
                    sen.next_scan[r] = math.inf  # destroyed with its site: no more looks
                    break
                if silent(out, rad.unit[r], ts):
                    sen.next_scan[r] = out.silent_to[rad.unit[r]]  # looks again after
                    continue
                beam = radar_beam(rad, r, sen.slice_no[r] % rad.n_sectors[r], sc.sky)
                n = look(beam, thr, alive, ts, rng, sen.det, first_det, out.look_code, buf, log)
                clk = lap(prof, ST_LOOKS, clk)
                count_detections(sen, n)
                u = rad.unit[r]
                scan_look(trk, tp, sen, u, rows, beam, ts, n)
                refresh(
                    pic, trk.status, trk.id, trk.t, trk.x, trk.P, trk.mu, trk.label, u, rows,
                    n_thr, im, ts, scr.best, tmp,
                )  # fmt: skip
                sen.slice_no[r] += 1
                step_r = rad.period_s[r] / rad.n_sectors[r]
                if rad.track_load[r] > 0.0 or rad.guide_load[r] > 0.0:
                    # a multifunction radar's tracks and rounds in flight take their time
                    # first: its search slows as the engagement grows
                    step_r /= search_share(rad, r, trk.status, u, rows, channels[u])
                sen.next_scan[r] += step_r
                clk = lap(prof, ST_TRACKING, clk)
        # 4. fire control, network group by network group: each ready unit's candidates
        #    are evaluated (threatened asset, time to go, priority), then the group's
        #    (unit, object) pairs are taken greedily by marginal return, priority × the
        #    salvo's kill probability, one engagement per object
        n_vis = drop_ended(visit, n_vis, alive, t_impact, t)
        n_live = n_vis + pic.n_phantoms[0]  # then the phantoms, all of them
        for g in range(sc.n_groups):
            n_pairs = 0
            for u in range(n_units):
                if group[u] != g or unit_down[u] <= t or silent(out, u, t):
                    continue  # another group's, destroyed, or silent
                # a unit whose channels are all guiding rounds takes no new pair; its
                # picture still counts in each threat's kill chain
                busy = channels[u] >= fire_channels[u]
                for i in range(n_live):
                    j = visit[i] if i < n_vis else n_thr + i - n_vis
                    if inflight[g, j] > 0 or t < assess_until[g, j]:
                        continue  # being engaged, or being assessed
                    if j < n_thr and first_det[j] == math.inf:
                        continue  # never seen by any radar
                    if busy and (
                        j >= n_thr
                        or friendly[j]
                        or decoy[j]
                        or first_eng[j] < math.inf  # its chain needs nothing more
                    ):
                        continue
                    if j >= n_thr and not object_exists(j, n_thr, alive, t_impact, t, pic, trk):
                        continue  # (a threat in the list is there: drop_ended)
                    if j < n_thr and friendly[j] and not iff_fail[g, j]:
                        continue  # identified as friendly
                    t_est = unit_picture(pic, trk, units, u, j, t, im, est, tmp)
                    if t_est == -math.inf or t - t_est > TRACK_STALE_S:
                        continue
                    chain = j < n_thr and not friendly[j] and not decoy[j]
                    if chain and t < first_trk[j]:
                        first_trk[j] = t  # a unit's fire control holds a firm picture
                    # the first reason not to take the pair, if any, goes into the kill
                    # chain at one call (each call of _blocked is inlined: one, not five,
                    # keeps the compiled pass small)
                    why, cl = BLOCK_NONE, 0
                    while True:  # once: `break` at the first reason
                        if busy:
                            why, cl = BLOCK_CHANNELS, thr.cls[j]
                            break
                        if j >= n_thr:
                            speed = math.sqrt(est[3] ** 2 + est[4] ** 2 + est[5] ** 2)
                            obj_cls[j] = kinematic_class(speed)
                        cl = obj_cls[j]
                        if first_track[u, j] == math.inf:
                            note_first_track(u, j, t, n_thr, est, led, log)
                        if j < n_thr and (t < identified_t[j] or decoy[j]):
                            # a type that releases decoys: nothing of its cloud is engaged
                            # before drag tells warhead from decoy, and a decoy never
                            if chain:
                                why = BLOCK_DISCRIMINATION
                            break
                        held = t_est - first_track[u, j]
                        if cl == CLASS_BALLISTIC and not free_flight(est, held, sc.boost_s):
                            if chain:  # perhaps still under thrust: no free-fall prediction
                                why = BLOCK_BOOST
                            break
                        pk_eff = salvo_pk(
                            units.prefs, units.policy, units.salvo, itc.pk, rounds, u, cl
                        )
                        if pk_eff <= 0.0:
                            if chain:  # (a unit with no type for the class has no envelope)
                                why = BLOCK_NO_ROUNDS
                            break
                        if t < first_track[u, j] + reaction_s[u]:
                            if chain:
                                why = BLOCK_REACTION
                            break
                        if ev.time[u, j] != t_est:  # evaluate again when the picture changes
                            a, tgo = evaluation(
                                ev, j, est, cl == CLASS_BALLISTIC, prediction_body(sc, j),
                                asset_pos, asset_radius, asset_value, buf,
                            )  # fmt: skip
                            ev.time[u, j], ev.when[u, j], ev.asset[u, j] = t_est, t_est + tgo, a
                        key = -priority(ev, assets, u, j, t) * pk_eff
                        n_pairs = add_pair(scr, n_pairs, u, j, key, est, units.pos_ecef_m)
                        break
                    if why != BLOCK_NONE:
                        _blocked(why, sc, scr, out, u, j, cl, est, t_est, t, buf)
            if n_pairs == 0:
                continue
            # highest marginal return first; between equals, the nearer unit
            by_dist = np.argsort(scr.pair_dist[:n_pairs], kind="mergesort")
            by_key = np.argsort(scr.pair_key[:n_pairs][by_dist], kind="mergesort")
            for c in range(n_pairs):
                u, j = scr.pair_u[by_dist[by_key[c]]], scr.pair_j[by_dist[by_key[c]]]
                if inflight[g, j] > 0:
                    continue
                chain = j < n_thr and not thr.friendly[j]
                if channels[u] >= units.fire_channels[u]:
                    if chain:  # its channels went to objects of higher return this cycle
                        t_est = unit_picture(pic, trk, units, u, j, t, im, est, tmp)
                        cl = led.obj_cls[j]
                        _blocked(BLOCK_CHANNELS, sc, scr, out, u, j, cl, est, t_est, t, buf)
                    continue
                t_est = unit_picture(pic, trk, units, u, j, t, im, est, tmp)
                cl = led.obj_cls[j]
                for p in range(MAX_PREFERENCES):  # the doctrine's types in order
                    ty = units.prefs[u, cl, p]
                    if ty < 0:
                        break
                    if rounds[u, ty] <= 0:
                        continue
                    need, below = MIN_MANOEUVRE_MPS2, -math.inf  # a phantom: no type
                    if j < n_thr:
                        need = sc.need_mps2[ty, sc.thr.ttype[j]]
                        below = sc.weave_below_m[sc.thr.ttype[j]]
                    # a salvo from ready launchers within free fire channels, its rounds
                    # one launch interval apart: the last must reach the point too
                    free = units.fire_channels[u] - channels[u]
                    want = min(salvo_size(units.policy, units.salvo, u, cl), rounds[u, ty], free)
                    spread = (want - 1) * itc.launch_interval_s[ty]
                    # no later than the threat's closest approach to the centre of the
                    # asset it threatens (the threat evaluation's time to go): a round
                    # planned past it may meet nothing (a cruise missile lands at its aim)
                    arrive = ev.when[u, j] if ev.asset[u, j] >= 0 else math.inf
                    shot = remembered_intercept(
                        unit_reach(units, itc, u, ty), scr, u * scr.best.shape[0] + j, 0, p, ty,
                        est, t_est, t, cl == CLASS_BALLISTIC, prediction_body(sc, j), need,
                        below, spread, arrive, buf, memo,
                    )  # fmt: skip
                    if shot[0] < 0.0:
                        continue
                    if chain and t < out.first_env[j]:
                        out.first_env[j] = t  # inside this unit's envelope
                    # launch when the fly-out time matches the time to the planned point;
                    # until then the doctrine's type waits and the plan is made again
                    t_launch = shot[0] - shot[2]
                    if t_launch >= t + sc.step:
                        if chain:
                            note_block(out, j, BLOCK_WAITING, t)
                        break
                    t_launch = max(t_launch, t)
                    fired = load_salvo(u, ty, t_launch, want, units, itc, mag, fl.n[0], out.m_t0)
                    if fired > 0:
                        plan = (shot[0], shot[1])
                        launch_salvo((u, j, ty, cl), fired, t_est, plan, sc, led, mag, fl, scr, out, log)  # fmt: skip
                        break
                    if chain:
                        note_block(out, j, BLOCK_LAUNCHERS, t)
        if sc.has_evaders:  # aircraft breaking away from the first round launched at them
            evade(
                sc.evasion, thr, alive, first_eng, m_target, out.m_unit, out.m_t0, fl.n[0],
                units.pos_ecef_m, t,
            )  # fmt: skip
        clk = lap(prof, ST_FIRE_CONTROL, clk)
        # 5. fly-out over the cycle: guidance on the unit's track, refreshed each cycle,
        #    until the seeker takes over; then the flights that ended, in time order
        n_ev = i64(0)  # (not a literal 0: see airguard._jit.i64)
        t_next = t + sc.step
        for m in range(fl.n[0]):
            if not fl.flying[m]:
                continue
            j, u = m_target[m], out.m_unit[m]
            # its target killed, or told to be a decoy: another target if it can
            gone = j < n_thr and (killed_at[j] <= t or (thr.decoy[j] and t >= thr.identified_t[j]))
            guides = unit_down[u] > t and not silent(out, u, t)  # (destroyed or silent: no)
            if gone and units.retarget[u] == 1 and guides:
                j = redirect(m, u, j, t, sc, led, fl, trk, pic, scr, out, log)
            if not m_acq[m] and guides:
                t_est = unit_picture(pic, trk, units, u, j, t, im, est, tmp)
                if t_est > fl.m_track_t[m]:
                    ballistic = led.obj_cls[j] == CLASS_BALLISTIC
                    aim_plan(
                        fl, scr, m, u, j, t_est, est, ballistic, prediction_body(sc, j), scr.buf2
                    )
            exists = object_exists(j, n_thr, alive, t_impact, t, pic, trk)
            u_kill = kill_uniform(sc.kill_key, j, led.kill_draws[j])
            oc, te, miss = fly_interceptor(
                itc, thr, fl, m, out.m_type[m], j, exists, t, t_next, killed_at, rng, u_kill, buf
            )
            if oc in (KILL, PK_FAIL, MISS):  # it reached its closest approach
                led.kill_draws[j] += 1
            n_ev = note_end(fl, n_ev, m, oc, te, miss)
            if oc < 0 and logging and out.m_t0[m] < t_next:
                log_state(log, fl, m, m_target[m], n_thr, t_next)
        clk = lap(prof, ST_FLYOUT, clk)
        if n_ev > 0:
            resolve_ends(n_ev, sc, led, mag, fl, out, log)
        # killed threats leave the sky; objects gone free their slots on limited links
        linked = sc.capacity_limited and pic.n_carried.sum() > 0
        for j in range(n_thr):
            if killed_at[j] < math.inf:
                alive[j] = False
        if sc.has_carriers:  # weapons whose carrier was shot down before releasing them
            unreleased(thr, killed_at, sc.evasion.t_break, alive, out.unreleased)
        if linked:
            free_link_slots(t_next, sc, led, trk, pic)
        clk = lap(prof, ST_BOOKKEEPING, clk)
        if t_next > sc.duration + 1e-9:
            break
        if sc.stop_quiet and quiet(t, n_thr, alive, t_impact, fl.flying[: fl.n[0]], pic, trk):
            # (nothing is there after t: the looks due in (t, t_next] see an empty sky)
            out.t_end[0] = t_next
            break  # nothing left to engage: the rest of the duration would change no outcome
    # 6. impacts of threats not killed, scored against assets
    if sc.has_emcon:
        end_silences(out, out.t_end[0])
    score(sc, led, fl, sen, pic, out, log)
    lap(prof, ST_BOOKKEEPING, clk)


@njit
def _new_state(
    sc: Scene, pic: Pictures, out: KernelOut, rng: np.random.Generator
) -> tuple[Ledger, Magazines, Sensing, Flights, Scratch]:
    """The replication's state (state.py), launchers loaded; draws each radar's first look."""
    n_thr, n_obj, n_units = sc.thr.ttype.shape[0], pic.row.shape[1], sc.units.pos_ecef_m.shape[0]
    led = new_ledger(
        sc.thr, n_units, n_obj, sc.n_groups, out.killed_at, out.first_det, out.first_trk
    )
    mag = new_magazines(sc.units, sc.itc.max_range_m.shape[0])
    load_launchers(sc.units, mag.loaded, mag.reserve)
    sen = new_sensing(sc.rad, n_thr + MAX_FALSE_ALARMS_PER_LOOK, rng)
    fl = new_flights(out.m_unit.shape[0], out.m_t0, out.m_end, out.m_peak, out.m_acq)
    return led, mag, sen, fl, new_scratch(n_units, n_obj)


@njit(inline="always")
def note_block(out: KernelOut, j: int, code: int, t: float) -> None:
    """Threat j was inside a unit's envelope at cycle t and that unit did not fire, for the
    reason `code` (BLOCK_*): the last cycle's reason is kept, and within one cycle the one
    nearest a launch (the highest code)."""
    if out.block_t[j] < t:
        out.block[j] = code
        out.block_t[j] = t
    elif code > out.block[j]:
        out.block[j] = code


@njit(inline="always")
def _blocked(
    code: int,
    sc: Scene,
    scr: Scratch,
    out: KernelOut,
    u: int,
    j: int,
    cl: int,
    est: np.ndarray,
    t_est: float,
    t: float,
    buf: np.ndarray,
) -> None:
    """Unit u did not take threat j (its picture ``est`` at `t_est`) at cycle t for the
    reason `code`: if j was inside u's envelope (:func:`in_envelope`), that is in its kill
    chain.  Reads and writes only the chain's records and the prediction cache (whose
    samples do not depend on who asks first): what fire control decides is unchanged.
    Nothing is asked once a round has been fired at j (its fate is then a miss or a
    kill), nor when this cycle already holds a reason as near a launch."""
    if out.first_eng[j] < math.inf or (out.block_t[j] == t and out.block[j] >= code):
        return
    if in_envelope(sc, scr, u, j, cl, est, t_est, t, buf):
        if t < out.first_env[j]:
            out.first_env[j] = t
        note_block(out, j, code, t)


@njit(inline="always")
def evaluation(
    ev: Evaluations,
    j: int,
    est: np.ndarray,
    ballistic: bool,
    body: np.ndarray,
    asset_pos: np.ndarray,
    asset_radius: np.ndarray,
    asset_value: np.ndarray,
    buf: np.ndarray,
) -> tuple[int, float]:
    """The threatened asset and time to go of object j pictured as ``est``
    (:func:`~airguard.c2.evaluation.evaluate_kernel`), from the object's last evaluation
    when that was of the very same state: the units of a network that hold the same
    delivered track evaluate it once."""
    key = ev.last_key[j]
    same = key[6] == (1.0 if ballistic else 0.0)
    for i in range(6):
        same = same and key[i] == est[i]
    if same:
        return ev.last_asset[j], ev.last_tgo[j]
    a, tgo, _ = evaluate_kernel(est, ballistic, body, asset_pos, asset_radius, asset_value, buf)
    for i in range(6):
        key[i] = est[i]
    key[6] = 1.0 if ballistic else 0.0
    ev.last_asset[j], ev.last_tgo[j] = a, tgo
    return a, tgo


@njit(inline="always")
def drop_ended(visit: np.ndarray, n: int, alive: np.ndarray, t_impact: np.ndarray, t: float) -> int:
    """Keep in ``visit[:n]`` (threat indices, ascending) those still there at time t (the
    test of :func:`~airguard.engine.looks.object_exists` for a threat), in order; return
    their number.  A threat not there is gone for good: ``alive`` only turns False (killed,
    or never released), and once t reaches ``t_impact`` no later time is before it (an
    evasion moves ``t_impact`` only of a threat still in flight, to a time after the
    cycle's: :func:`airguard.engine.evasion.evade`).  So fire control, visiting only
    these, makes every decision it made visiting all of them."""
    kept = 0
    for i in range(n):
        j = visit[i]
        if alive[j] and t < t_impact[j]:
            visit[kept] = j
            kept += 1
    return kept


@njit
def quiet(
    t: float,
    n_thr: int,
    alive: np.ndarray,
    t_impact: np.ndarray,
    flying: np.ndarray,
    pic: Pictures,
    trk: Tracks,
) -> bool:
    """Whether nothing is left to engage after time t: every threat, decoy and flight
    has landed, been killed or ended its route by t (none is still to come), no
    interceptor is loaded or in flight (``flying``), and no picture holds a phantom track.

    From then on a replication could only look at an empty sky: no outcome of a threat, an
    asset or an interceptor can change, and the engine ends it (the scenario's ``stop``).
    What it does not simulate is false alarms forming new phantom tracks after that time."""
    for j in range(n_thr):
        if alive[j] and t < t_impact[j]:
            return False
    for m in range(flying.shape[0]):
        if flying[m]:
            return False
    for j in range(n_thr, n_thr + pic.n_phantoms[0]):
        if object_exists(j, n_thr, alive, t_impact, t, pic, trk):
            return False
    return True


@njit(inline="always")
def count_detections(sen: Sensing, n: int) -> None:
    """Count the `n` detections of a look in ``sen.det`` (real objects, false alarms)."""
    for i in range(n):
        if sen.det.z_label[i] >= 0:
            sen.n_detections[0] += 1
        else:
            sen.n_false_alarms[0] += 1


@njit
def free_link_slots(t_next: float, sc: Scene, led: Ledger, trk: Tracks, pic: Pictures) -> None:
    """Objects no longer there at t_next free their slots on the networks' links."""
    n_thr = sc.thr.ttype.shape[0]
    for j in range(n_thr + pic.n_phantoms[0]):
        if not object_exists(j, n_thr, led.alive, sc.thr.t_impact, t_next, pic, trk):
            for nw in range(pic.n_carried.shape[0]):  # the link's slot frees
                if pic.carried[nw, j]:
                    pic.carried[nw, j] = False
                    pic.n_carried[nw] -= 1


@dataclass(frozen=True)
class ReplicationResult:
    """What happened in one replication, as arrays."""

    replication: int
    threats: Threats
    killed_at: np.ndarray
    impacted: np.ndarray
    first_detection: np.ndarray
    first_track: np.ndarray
    fired_at: np.ndarray
    asset_hits: np.ndarray
    interceptor_unit: np.ndarray
    interceptor_type: np.ndarray
    interceptor_target: np.ndarray
    interceptor_first_target: np.ndarray
    launch_time: np.ndarray
    end_time: np.ndarray
    miss_distance: np.ndarray
    outcome: np.ndarray
    end_position: np.ndarray  # (M, 3) ECEF, m: closest approach or where the flight stopped
    peak_height: np.ndarray  # (M,) highest point above the ellipsoid, m
    seeker_acquired: np.ndarray  # (M,) bool: its seeker had its (last) target at the end
    # the kill chain (airguard.engine.chain): stage times (inf: never), fate and its reason
    first_envelope: np.ndarray  # (N,) first inside a unit's envelope, s
    first_engaged: np.ndarray  # (N,) first round launched or redirected at it, s
    fate: np.ndarray  # (N,) int64 index into chain.FATES
    fate_reason: np.ndarray  # (N,) int64 index into chain.REASONS (0: none)
    n_detections: int
    n_false_alarms: int = 0
    n_phantoms: int = 0
    ended: float = math.nan
    """Time the replication ended, s: the duration, or earlier once nothing was left to
    engage (the scenario's ``stop``)."""
    units_destroyed: int = 0
    """Units and sensors destroyed with the asset they stand at (their ``site``)."""
    silent_s: float = 0.0
    """Seconds of radar silence (emission control), summed over units and sensors."""
    arm_lost: np.ndarray | None = None
    """(N,) bool: an anti-radiation missile whose emitters fell silent in time (it missed
    by its drift); None: the same as all False."""
    unreleased: np.ndarray | None = None
    """(N,) bool: a weapon whose carrier (``launch_from``) was shot down, or broke away from
    a round (an aborted release), before releasing it; None: the same as all False."""
    t_break: np.ndarray | None = None
    """(N,) when an evading aircraft broke away from a round (engine.evasion), s; inf:
    never; None: no aircraft of the scenario evades."""


def _kernel_out(
    n: int,
    max_m: int,
    n_assets: int,
    n_units: int,
    duration: float,
    prof: np.ndarray | None = None,
) -> KernelOut:
    """Result arrays for `n` threats, `max_m` interceptors, `n_assets` assets and `n_units`
    units and sensors of a replication of `duration` s; `prof`: a profile to add the
    compiled stages' cycles to (None: none)."""
    return KernelOut(
        killed_at=np.full(n, math.inf),
        impacted=np.zeros(n, dtype=np.bool_),
        first_det=np.full(n, math.inf),
        first_trk=np.full(n, math.inf),
        fired_at=np.zeros(n, dtype=np.int64),
        first_env=np.full(n, math.inf),
        first_eng=np.full(n, math.inf),
        look_code=np.zeros(n, dtype=np.int64),
        block=np.zeros(n, dtype=np.int64),
        block_t=np.full(n, -math.inf),
        m_unit=np.zeros(max_m, dtype=np.int64),
        m_type=np.zeros(max_m, dtype=np.int64),
        m_target=np.zeros(max_m, dtype=np.int64),
        m_first_target=np.zeros(max_m, dtype=np.int64),
        m_t0=np.zeros(max_m),
        m_t1=np.zeros(max_m),
        m_miss=np.zeros(max_m),
        m_outcome=np.zeros(max_m, dtype=np.int64),
        m_end=np.full((max_m, 3), np.nan),
        m_peak=np.full(max_m, -np.inf),
        m_acq=np.zeros(max_m, dtype=np.bool_),
        n_launched=np.zeros(1, dtype=np.int64),
        asset_hits=np.zeros(n_assets, dtype=np.int64),
        n_detections=np.zeros(1, dtype=np.int64),
        n_false_alarms=np.zeros(1, dtype=np.int64),
        n_phantoms=np.zeros(1, dtype=np.int64),
        t_end=np.full(1, duration),
        unit_down=np.full(n_units, math.inf),
        silent_from=np.full(n_units, math.inf),
        silent_to=np.full(n_units, math.inf),
        silent_s=np.zeros(n_units),
        arm_lost=np.zeros(n, dtype=np.bool_),
        unreleased=np.zeros(n, dtype=np.bool_),
        prof=np.zeros(0, dtype=np.int64) if prof is None else prof,
    )


def _scene(
    world: World,
    thr: Threats,
    iff_fail: np.ndarray,
    n_groups: int,
    rows: int,
    key: int,
    arm_drift: np.ndarray,
) -> Scene:
    """The scene of one replication of `world` with threats `thr`."""
    units = world.units
    evasion = _evasion(world, thr)
    return Scene(
        rad=world.radars,
        units=units,
        itc=world.interceptors,
        thr=thr,
        assets=Assets(
            pos=world.asset_pos_ecef_m,
            radius=world.asset_radius_m,
            value=world.asset_value,
            least_value=min(world.asset_value.tolist(), default=math.inf),
        ),
        iff_fail=iff_fail,
        n_groups=n_groups,
        capacity_limited=bool((units.capacity >= 0).any()),
        sky=skylines(world),
        tp=world.tracker,
        rows_per_unit=rows,
        im=acceleration_model_index(world.tracker),
        duration=world.duration_s,
        stop_quiet=world.stop_when_quiet,
        step=world.step_s,
        boost_s=_longest_boost_s(world),
        need_mps2=manoeuvre_need(
            world.interceptors.nav_ratio, world.threat_types.params[:, P_WEAVE_ACCEL]
        ),
        weave_below_m=np.where(
            world.threat_types.params[:, P_WEAVE_ACCEL] > 0.0,
            world.threat_types.params[:, P_WEAVE_HEIGHT],
            -np.inf,
        ),
        no_body=NO_BODY.copy(),
        kill_key=key,
        has_sites=bool((units.site >= 0).any()),
        has_emcon=bool(np.isfinite(units.silent_from).any() or (units.silent_on_arm > 0).any()),
        has_carriers=bool((thr.carrier >= 0).any()),
        has_arms=bool((world.threat_types.arm_terminal_s[thr.ttype] > 0.0).any()),
        arm_terminal_s=world.threat_types.arm_terminal_s[thr.ttype],
        arm_drift=arm_drift,
        arm_seen=np.zeros((units.site.shape[0], thr.ttype.shape[0]), dtype=np.bool_),
        has_evaders=bool(evasion.on.any()),
        evasion=evasion,
    )


def _evasion(world: World, thr: Threats) -> Evasion:
    """The evading flights of a replication (``Raids.evade``) and what they need: their
    type's figures and top speed, their route (as flown by threats._fly_flight)."""
    raids, tt = world.raids, world.threat_types
    n = thr.ttype.shape[0]
    q_of = np.repeat(np.arange(raids.ttype.shape[0]), raids.size)
    on = raids.evade[q_of] > 0
    n_pts = int((raids.wp_count[q_of[on]] + 1).max()) if on.any() else 1
    lat, lon, h = np.zeros((n, n_pts)), np.zeros((n, n_pts)), np.zeros((n, n_pts))
    route_n = np.zeros(n, dtype=np.int64)
    speed = np.zeros(n)
    for j in np.flatnonzero(on):
        q = q_of[j]
        s0, nw = raids.wp_start[q], raids.wp_count[q]
        lat[j, 0], lon[j, 0], h[j, 0] = raids.lat_rad[q], raids.lon_rad[q], raids.alt_m[q]
        lat[j, 1 : nw + 1] = raids.wp_lat_rad[s0 : s0 + nw]
        lon[j, 1 : nw + 1] = raids.wp_lon_rad[s0 : s0 + nw]
        h[j, 1 : nw + 1] = raids.wp_alt_m[s0 : s0 + nw]
        route_n[j] = nw + 1
        speed[j] = raids.speed_mps[q] if raids.speed_mps[q] > 0.0 else tt.speed_mps[raids.ttype[q]]
    return Evasion(
        on=on,
        fig=tt.evasion[thr.ttype],
        max_speed=tt.max_speed_mps[thr.ttype],
        t_break=np.full(n, np.inf),
        route_lat=lat,
        route_lon=lon,
        route_h=h,
        route_n=route_n,
        route_speed=speed,
    )


def _longest_boost_s(world: World) -> float:
    """The longest motor burn among the World's ballistic threat types, s (0: none)."""
    tt = world.threat_types
    burns = tt.params[tt.flight == FLIGHT_BALLISTIC, P_BURN]
    return float(burns.max()) if burns.size else 0.0


def _py_lap(profile: np.ndarray, stage: int, since: int) -> int:
    """Add the cycles since `since` to `stage` of `profile` (from Python); the counter now."""
    now = cycles()
    profile[stage] += now - since
    return now


def run_replication(
    world: World,
    seed: int,
    replication: int,
    log: EventLog | None = None,
    profile: np.ndarray | None = None,
) -> ReplicationResult:
    """Run replication `replication` of campaign `seed` on `world`.

    The result depends only on (world, seed, replication): re-running one
    replication alone gives the same bits, with or without an event `log`
    (:func:`~airguard.engine.events.event_log`), which records every detection, first
    track, launch, retarget, interceptor end and impact, and with or without a `profile`
    (:func:`~airguard.engine.profile.new_profile`), to which the cycles each stage took
    are added.
    """
    c = cycles() if profile is not None else 0
    rng = replication_rng(seed, replication)
    thr = draw_threats(world, rng)
    if profile is not None:
        c = _py_lap(profile, ST_THREATS, c)
    n = world.n_threats
    out = _kernel_out(
        n,
        int(world.units.rounds.sum()),
        len(world.asset_names),
        world.units.site.shape[0],
        world.duration_s,
        profile,
    )
    n_groups = int(world.units.group.max()) + 1 if world.units.group.size else 1
    if thr.friendly.any():
        # identification of each friendly flight by each network group, drawn once
        iff_fail = rng.random((n_groups, n)) >= world.iff_reliability
        iff_fail &= thr.friendly[None, :]
    else:
        iff_fail = np.zeros((n_groups, n), dtype=np.bool_)
    miss_m = world.threat_types.arm_miss_m[thr.ttype]
    if (world.threat_types.arm_terminal_s[thr.ttype] > 0.0).any():
        # each ARM's miss (east, north) should its emitters fall silent: drawn once, here
        arm_drift = rng.standard_normal((n, 2)) * miss_m[:, None]
    else:
        arm_drift = np.zeros((n, 2))
    n_units = world.units.pos_ecef_m.shape[0]
    rows = track_rows(world.radars, world.tracker, n_units, n)
    tracks = new_tracks(max(n_units, 1) * rows, world.tracker.models.shape[0])
    n_nets = int(world.units.network.max()) + 1 if n_units else 1
    pictures = new_pictures(n_units, rows, n, n_nets, networked=n_nets > 0 and n_units > 1)
    # the engine's groups: at least one (group numbers start at 0)
    scene = _scene(
        world, thr, iff_fail, max(n_groups, 1), rows, kill_key(seed, replication), arm_drift
    )
    if profile is not None:
        c = _py_lap(profile, ST_SETUP, c)
    engage(scene, rng, tracks, pictures, out, NO_LOG if log is None else log)
    if profile is not None:
        c = cycles()
    k = int(out.n_launched[0])
    prefs = world.units.prefs
    first_trk, first_env, first_eng, fate, reason = kill_chain(
        killed_at=out.killed_at,
        friendly=thr.friendly,
        decoy=thr.decoy,
        cls=thr.cls,
        first_det=out.first_det,
        first_trk=out.first_trk,
        first_env=out.first_env,
        first_eng=out.first_eng,
        look_code=out.look_code,
        block=out.block,
        armed_classes=np.asarray((prefs[:, :, 0] >= 0).any(axis=0)),
        round_target=out.m_target[:k],
        round_launch=out.m_t0[:k],
        round_outcome=out.m_outcome[:k],
        round_acquired=out.m_acq[:k],
        round_has_seeker=world.interceptors.seeker_range_m[out.m_type[:k]] > 0.0,
        unreleased=out.unreleased,
    )
    if profile is not None:
        _py_lap(profile, ST_CHAIN, c)
    return ReplicationResult(
        replication=replication,
        threats=thr,
        killed_at=out.killed_at,
        impacted=out.impacted,
        first_detection=out.first_det,
        first_track=first_trk,
        fired_at=out.fired_at,
        asset_hits=out.asset_hits,
        interceptor_unit=out.m_unit[:k],
        interceptor_type=out.m_type[:k],
        interceptor_target=out.m_target[:k],
        interceptor_first_target=out.m_first_target[:k],
        launch_time=out.m_t0[:k],
        end_time=out.m_t1[:k],
        miss_distance=out.m_miss[:k],
        outcome=out.m_outcome[:k],
        end_position=out.m_end[:k],
        peak_height=out.m_peak[:k],
        n_detections=int(out.n_detections[0]),
        n_false_alarms=int(out.n_false_alarms[0]),
        n_phantoms=int(out.n_phantoms[0]),
        ended=float(out.t_end[0]),
        units_destroyed=int((out.unit_down < math.inf).sum()),
        silent_s=float(out.silent_s.sum()),
        arm_lost=out.arm_lost,
        unreleased=out.unreleased,
        t_break=scene.evasion.t_break if scene.has_evaders else None,
        first_envelope=first_env,
        first_engaged=first_eng,
        fate=fate,
        fate_reason=reason,
        seeker_acquired=out.m_acq[:k],
    )

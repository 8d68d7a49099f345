"""Each threat's kill chain: how far it came, and the stage where the chain broke.

The engine records, per threat, as it runs (:class:`~airguard.engine.state.KernelOut`):

* the furthest test of any radar's look it passed (``look_code``: the codes of
  :func:`airguard.sensing.look` — out of range, below the horizon, outside the elevation
  limits, the sector or the slice, behind terrain — then :data:`~airguard.sensing.BELOW_THRESHOLD`
  when the detector's sample stayed under the threshold, and :data:`DETECTED`);
* its first detection and the first time a unit's fire control held a confirmed track on it
  (its own or its network's), whether or not the unit had a fire channel free;
* the first time some unit found an intercept point for it inside one of its interceptor
  types' reach (the intercept search of :func:`airguard.engine.firecontrol.find_intercept`:
  "inside an engagement envelope"), whether or not the unit could fire then;
* the first round launched, or redirected, at it;
* for a unit that had it in its envelope and did not fire, why (``block``, the ``BLOCK_*``
  codes below), from the last fire-control cycle in which that happened; between units in
  one cycle, the reason nearest to a launch.

:func:`kill_chain` turns these and the rounds' ends into a **fate** per threat and its
**reason** (the vocabulary is documented in docs/results-format.md):

========================  ============================================================
fate                      reasons
========================  ============================================================
``killed``                (none)
``undetected``            ``range``, ``horizon``, ``sector``, ``terrain``, ``signal``
``untracked``             ``unconfirmed``
``out-of-reach``          ``no-weapon`` (no unit carries a round for its class),
                          ``envelope``
``unengaged``             ``no-inventory``, ``channels``, ``discrimination``, ``boost``,
                          ``reaction``, ``launchers``, ``waiting``
``missed``                ``kill-probability``, ``miss-distance``, ``seeker``,
                          ``fly-out``, ``too-late`` (how its first round ended)
``friendly``              ``shot-down`` (a friendly flight; null if not shot down)
``decoy``                 ``engaged`` (rounds were fired at it; null if none)
``unreleased``            (none: its carrier, a hostile flight, was shot down first)
========================  ============================================================

Explanations and comparisons (:mod:`airguard.results.explain`) read these columns; they
never re-derive them.
"""

from __future__ import annotations

import numpy as np

from airguard.engine.events import (
    DESTROYED,
    GROUND,
    MISS,
    OUTCOME_NAMES,
    PK_FAIL,
    TARGET_LANDED,
    TIMEOUT,
)
from airguard.sensing import (
    BEHIND_TERRAIN,
    BELOW_HORIZON,
    BELOW_THRESHOLD,
    OUT_OF_RANGE,
    OUTSIDE_ELEVATION,
    OUTSIDE_SECTOR,
    OUTSIDE_SLICE,
)

__all__ = [
    "BLOCK_BOOST",
    "BLOCK_CHANNELS",
    "BLOCK_DISCRIMINATION",
    "BLOCK_LAUNCHERS",
    "BLOCK_NAMES",
    "BLOCK_NONE",
    "BLOCK_NO_ROUNDS",
    "BLOCK_REACTION",
    "BLOCK_WAITING",
    "DETECTED",
    "FATES",
    "REASONS",
    "STAGES",
    "kill_chain",
]

DETECTED = BELOW_THRESHOLD + 1
"""``look_code`` of a threat some look detected (past every test of
:func:`airguard.sensing.look` and the detector's threshold)."""

# -- why a unit that had a threat in its envelope did not fire (ranked: nearer a launch is
#    higher; in one cycle the highest over units is kept) ------------------------------
BLOCK_NONE = 0
BLOCK_NO_ROUNDS = 1
"""Its doctrine's interceptor types for the threat's class have no rounds left."""
BLOCK_CHANNELS = 2
"""Its fire channels were all guiding rounds (at other objects)."""
BLOCK_DISCRIMINATION = 3
"""Doctrine: the threat's type releases decoys, and drag had not yet told warhead from
decoy (:data:`airguard.engine.threats.DECOY_DRAG_MPS2`)."""
BLOCK_BOOST = 4
"""Doctrine: the track was perhaps still under thrust (no free-fall prediction yet)."""
BLOCK_REACTION = 5
"""The unit's reaction time since its first firm picture had not passed."""
BLOCK_LAUNCHERS = 6
"""No launcher of the type was ready (reloading, or emptied)."""
BLOCK_WAITING = 7
"""Fire control had a point planned, and the launch time for it had not come."""
BLOCK_NAMES = (
    "",
    "no-inventory",
    "channels",
    "discrimination",
    "boost",
    "reaction",
    "launchers",
    "waiting",
)

STAGES = ("detected", "tracked", "in_envelope", "engaged", "killed")
"""The kill chain's stages in order: each threat that passed one passed those before."""

FATES = (
    "killed",
    "undetected",
    "untracked",
    "out-of-reach",
    "unengaged",
    "missed",
    "friendly",
    "decoy",
    "unreleased",
)
KILLED, UNDETECTED, UNTRACKED, OUT_OF_REACH, UNENGAGED, MISSED, FRIENDLY, DECOY, UNRELEASED = range(
    9
)

REASONS = (
    "",  # none
    "range",
    "horizon",
    "sector",
    "terrain",
    "signal",
    "unconfirmed",
    "no-weapon",
    "envelope",
    *BLOCK_NAMES[1:],
    "too-late",
    "fly-out",
    "seeker",
    "miss-distance",
    "kill-probability",
    "shot-down",
    "engaged",
)
"""Every ``fate_reason`` (index 0: none, stored as null)."""
_R = {name: i for i, name in enumerate(REASONS)}

# look_code → reason of an undetected threat (0: never looked at in flight: beyond range)
_LOOK_REASON = np.zeros(DETECTED + 1, dtype=np.int64)
_LOOK_REASON[[0, OUT_OF_RANGE]] = _R["range"]
_LOOK_REASON[BELOW_HORIZON] = _R["horizon"]
_LOOK_REASON[[OUTSIDE_ELEVATION, OUTSIDE_SECTOR, OUTSIDE_SLICE]] = _R["sector"]
_LOOK_REASON[BEHIND_TERRAIN] = _R["terrain"]
_LOOK_REASON[BELOW_THRESHOLD] = _R["signal"]

# block code → reason of an unengaged threat
_BLOCK_REASON = np.array([_R["waiting"]] + [_R[b] for b in BLOCK_NAMES[1:]], dtype=np.int64)

# a round's end → the reason of a missed threat whose first round it was
_ROUND_REASON = np.zeros(len(OUTCOME_NAMES) + 1, dtype=np.int64)  # (last: still flying, -1)
_ROUND_REASON[TARGET_LANDED] = _R["too-late"]
_ROUND_REASON[[TIMEOUT, DESTROYED, GROUND]] = _R["fly-out"]
_ROUND_REASON[MISS] = _R["miss-distance"]  # "seeker" when its seeker never had the target
_ROUND_REASON[PK_FAIL] = _R["kill-probability"]


def _first_round_reason(
    n: int,
    target: np.ndarray,
    launch: np.ndarray,
    outcome: np.ndarray,
    acquired: np.ndarray,
    has_seeker: np.ndarray,
) -> np.ndarray:
    """(n,) the reason of the first round (earliest launch; then lowest index) whose last
    target was each threat: how its end failed (0 where no round)."""
    reason = np.zeros(n, dtype=np.int64)
    mine = np.nonzero(target >= 0)[0]
    if mine.size == 0:
        return reason
    order = mine[np.lexsort((mine, launch[mine], target[mine]))]
    first = order[np.r_[True, target[order][1:] != target[order][:-1]]]
    oc = outcome[first]
    r = _ROUND_REASON[oc]
    r[(oc == MISS) & has_seeker[first] & ~acquired[first]] = _R["seeker"]
    reason[target[first]] = r
    return reason


def kill_chain(
    *,
    killed_at: np.ndarray,
    friendly: np.ndarray,
    decoy: np.ndarray,
    cls: np.ndarray,
    first_det: np.ndarray,
    first_trk: np.ndarray,
    first_env: np.ndarray,
    first_eng: np.ndarray,
    look_code: np.ndarray,
    block: np.ndarray,
    armed_classes: np.ndarray,
    round_target: np.ndarray,
    round_launch: np.ndarray,
    round_outcome: np.ndarray,
    round_acquired: np.ndarray,
    round_has_seeker: np.ndarray,
    unreleased: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each threat's stage times and fate, from one replication's records.

    Parameters
    ----------
    killed_at, first_det, first_trk, first_env, first_eng : (N,) float64, s (inf: never)
    friendly, decoy : (N,) bool
    cls : (N,) int64 kinematic class of each threat's type
    look_code, block : (N,) int64 (KernelOut's)
    armed_classes : (n_classes,) bool: some unit's doctrine has an interceptor type for it
    round_target, round_outcome : (M,) int64 each round's last target (−1: a phantom) and end
    round_launch : (M,) its launch time, s
    round_acquired, round_has_seeker : (M,) bool its seeker had the target at the end; its
        type has a seeker at all
    unreleased : (N,) bool, optional: weapons never released (their carrier was shot down)

    Returns
    -------
    first_trk, first_env, first_eng : (N,) s, inf if never; made monotone (a threat
        engaged was inside an envelope, one inside an envelope was tracked: a round
        redirected at a threat engages it without a search)
    fate, reason : (N,) int64 indices into :data:`FATES` and :data:`REASONS`
    """
    n = killed_at.shape[0]
    first_env = np.minimum(first_env, first_eng)
    first_trk = np.minimum(first_trk, first_env)
    fate = np.full(n, OUT_OF_REACH, dtype=np.int64)
    reason = np.where(armed_classes[cls], _R["envelope"], _R["no-weapon"]).astype(np.int64)

    unengaged = np.isfinite(first_env) & ~np.isfinite(first_eng)
    fate[unengaged] = UNENGAGED
    reason[unengaged] = _BLOCK_REASON[block[unengaged]]

    engaged = np.isfinite(first_eng)
    fate[engaged] = MISSED
    first_round = _first_round_reason(
        n, round_target, round_launch, round_outcome, round_acquired, round_has_seeker
    )
    reason[engaged] = first_round[engaged]

    untracked = ~np.isfinite(first_trk)
    fate[untracked] = UNTRACKED
    reason[untracked] = _R["unconfirmed"]

    undetected = ~np.isfinite(first_det)
    fate[undetected] = UNDETECTED
    reason[undetected] = _LOOK_REASON[np.minimum(look_code[undetected], DETECTED)]

    killed = np.isfinite(killed_at)
    fate[killed] = KILLED
    reason[killed] = 0

    fate[friendly] = FRIENDLY
    reason[friendly] = np.where(killed[friendly], _R["shot-down"], 0)
    fate[decoy] = DECOY
    reason[decoy] = np.where(engaged[decoy], _R["engaged"], 0)
    if unreleased is not None:
        fate[unreleased] = UNRELEASED
        reason[unreleased] = 0
    return first_trk, first_env, first_eng, fate, reason

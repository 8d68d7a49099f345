"""One replication of the engagement, over compiled arrays: the data flow of DESIGN.md.

1. **Threats** (:mod:`~airguard.engine.threats`): launch points, times and aim
   points drawn, every threat flown at once with the shared integrator before
   the defence acts, stored on a 1 s grid and read back by Hermite interpolation.
2. **Sensor looks** (:mod:`~airguard.engine.looks`): each radar at its own scan
   times, one sector slice at a time for rotating radars; horizon, terrain
   skyline, sector, range, the radar range equation, Swerling fluctuation, a
   square-law detector, measurement errors, false alarms.
3. **Tracks and pictures** (also :mod:`~airguard.engine.looks`): each look feeds
   its fire unit's IMM tracker (:mod:`airguard.tracking`); each unit's picture
   (:mod:`airguard.c2.picture`) holds its own tracks and its network's, delivered
   after the network's latency, at its update interval and within its track
   capacity; tracks made of false alarms are phantoms, engaged like threats.
4. **Fire control** (:mod:`~airguard.engine.firecontrol`), each cycle and network
   group: threat evaluation of the pictures, (unit, object) pairs taken greedily
   by priority × salvo kill probability, the earliest intercept inside an
   interceptor's reach, salvos from ready launchers within the fire channels.
5. **Fly-out** (:mod:`~airguard.engine.flyout`): command guidance on the unit's
   track until the seeker acquires, then homing; the closest approach solved
   inside a step; the kill draw; flights that end resolved in time order.
6. **Scoring** (:mod:`~airguard.engine.scoring`): impacts against assets.

:mod:`~airguard.engine.loop` runs stages 2–6 cycle by cycle over the state of
:mod:`~airguard.engine.state`; :mod:`~airguard.engine.events` names the events
and interceptor outcomes.  All random draws come from the generator passed in,
built from ``SeedSequence(seed, spawn_key=(replication,))``: a replication can
be re-run alone and gives the same bits.
"""

from __future__ import annotations

# The curated API is __all__; the names imported "as" themselves are re-exported for the
# modules that import them from airguard.engine (front ends, studies, tests).
from airguard.engine.events import DESTROYED as DESTROYED
from airguard.engine.events import EV_DESTROYED as EV_DESTROYED
from airguard.engine.events import EV_DETECTION as EV_DETECTION
from airguard.engine.events import EV_END as EV_END
from airguard.engine.events import EV_IMPACT as EV_IMPACT
from airguard.engine.events import EV_LAUNCH as EV_LAUNCH
from airguard.engine.events import EV_RETARGET as EV_RETARGET
from airguard.engine.events import EV_SILENT as EV_SILENT
from airguard.engine.events import EV_STATE as EV_STATE
from airguard.engine.events import EV_TRACK as EV_TRACK
from airguard.engine.events import EVENT_NAMES, OUTCOME_NAMES, EventLog, event_log
from airguard.engine.events import GROUND as GROUND
from airguard.engine.events import KILL as KILL
from airguard.engine.events import MISS as MISS
from airguard.engine.events import PK_FAIL as PK_FAIL
from airguard.engine.events import TARGET_GONE as TARGET_GONE
from airguard.engine.events import TARGET_LANDED as TARGET_LANDED
from airguard.engine.events import TIMEOUT as TIMEOUT
from airguard.engine.looks import EFFECTIVE_EARTH_FACTOR as EFFECTIVE_EARTH_FACTOR
from airguard.engine.loop import ReplicationResult, replication_rng, run_replication
from airguard.engine.state import KernelOut as KernelOut
from airguard.engine.threats import Threats as Threats
from airguard.engine.threats import draw_threats

__all__ = [
    "EVENT_NAMES",
    "OUTCOME_NAMES",
    "EventLog",
    "ReplicationResult",
    "draw_threats",
    "event_log",
    "replication_rng",
    "run_replication",
]

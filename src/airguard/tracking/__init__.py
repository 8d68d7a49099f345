"""Multi-target tracking: IMM-EKF filters, GNN association, M-of-N track logic.

The compiled tracker lives in :mod:`airguard.tracking.core` (its docstring states
the models, association and the initiation, confirmation and deletion rules),
the motion and measurement models in :mod:`airguard.tracking.models`, the
assignment solver in :mod:`airguard.tracking.assignment`, and reading detection
files and writing tracks in :mod:`airguard.tracking.io` (imported on demand).
docs/tracking.md is the user's guide.
"""

from __future__ import annotations

from airguard.tracking.assignment import linear_assignment
from airguard.tracking.core import (
    COST_DISTANCE,
    COST_DISTANCE2,
    FRAME_ECEF,
    FRAME_FLAT,
    MODEL_BALLISTIC,
    MODEL_CA,
    MODEL_CV,
    N_X,
    STATUS_CONFIRMED,
    STATUS_FREE,
    STATUS_TENTATIVE,
    TrackerParams,
    Tracks,
    estimate,
    estimate_rows,
    new_tracks,
    run_scans,
    scan,
    tracker_params,
)

__all__ = [
    "COST_DISTANCE",
    "COST_DISTANCE2",
    "FRAME_ECEF",
    "FRAME_FLAT",
    "MODEL_BALLISTIC",
    "MODEL_CA",
    "MODEL_CV",
    "N_X",
    "STATUS_CONFIRMED",
    "STATUS_FREE",
    "STATUS_TENTATIVE",
    "TrackerParams",
    "Tracks",
    "estimate",
    "estimate_rows",
    "linear_assignment",
    "new_tracks",
    "run_scans",
    "scan",
    "tracker_params",
]

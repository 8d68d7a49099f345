"""Command and control: deciding which weapon engages which threat.

* :func:`evaluate_threat`: predicted impact point and time to go of a track,
  the asset it threatens and its priority (:mod:`airguard.c2.evaluation`);
* :func:`assign`: the static weapon–target assignment — given threat values
  and single-shot kill probabilities, how many shots each weapon spends on
  each threat (:mod:`airguard.c2.wta`).

The engine runs the same threat evaluation each fire-control cycle and assigns
its ready fire units to threats greedily by marginal return (see
:mod:`airguard.engine`).
"""

from __future__ import annotations

from airguard.c2.evaluation import ThreatAssessment, evaluate_threat
from airguard.c2.wta import Assignment, assign

__all__ = ["Assignment", "ThreatAssessment", "assign", "evaluate_threat"]

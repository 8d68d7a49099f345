"""Command and control: deciding which weapon engages which threat.

The static weapon–target assignment (:func:`assign`) is the first piece: given
threat values and single-shot kill probabilities, it chooses how many shots
each fire unit spends on each threat.
"""

from __future__ import annotations

from airguard.c2.wta import Assignment, assign

__all__ = ["Assignment", "assign"]

"""False alarms the engine's trackers get, against hand counts of resolution cells."""

from __future__ import annotations

import pytest

from airguard.catalogue import DefenceSystem, default_catalogue
from airguard.world import false_alarms_per_scan


def _radar(system: str, radar: str):  # type: ignore[no-untyped-def]
    for entry in default_catalogue():
        if isinstance(entry, DefenceSystem) and entry.id == system:
            return entry.radars[radar]
    raise KeyError(system)


def test_rotating_radar_passes_pfa_times_cells() -> None:
    """91N6E: Pfa 1e-6; 600 km / 300 m = 2,000 range cells; 360° / 1.2° = 300 azimuth
    cells; (60° − 0°) / 2.5° = 24 elevation cells: 1e-6 × 14.4e6 = 14.4 per turn
    (Skolnik, Introduction to Radar Systems, 3rd ed., §2.5)."""
    assert false_alarms_per_scan(_radar("s-400", "radar-91n6e")) == pytest.approx(14.4, rel=1e-9)


def test_electronic_radar_confirms_and_passes_pfa_squared_times_cells() -> None:
    """92N6E: 400 km / 75 m × 90° / 1° × 75° / 1° = 36e6 cells; alert–confirm leaves
    Pfa² × cells = 1e-12 × 36e6 = 3.6e-5 per scan."""
    assert false_alarms_per_scan(_radar("s-400", "radar-92n6e")) == pytest.approx(3.6e-5, rel=1e-9)

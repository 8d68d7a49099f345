"""Shared fixtures: small scenarios and their compiled worlds."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
FLAGSHIP = ROOT / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"


@pytest.fixture(scope="session")
def small_path() -> Path:
    return DATA / "small.yaml"


@pytest.fixture(scope="session")
def small_worlds(small_path: Path):  # type: ignore[no-untyped-def]
    from airguard.scenario import load_scenario
    from airguard.world import compile_world

    return {s.label: compile_world(s) for s in load_scenario(small_path)}

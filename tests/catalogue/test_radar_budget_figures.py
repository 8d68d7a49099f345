"""The shipped multifunction radars' time budgets are their channel limits made a budget.

docs/catalogue.md ("the radar's time budget") derives the AN/MPQ-65's and the 92N6E's
notional `track_load`, `guidance_load` and `min_search_share` from the unit's rated load:
at about 100 confirmed tracks and its nominal `fire_channels` rounds under guidance, search
keeps its least share; at the high guidance load the rounds alone leave it that share; the
low is half the nominal.  Checked here against that arithmetic, and that the figures reach
the engine's `Radars` for the flagship's units.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.catalogue import default_catalogue
from airguard.scenario import load_scenario
from airguard.world import compile_world

RATED_TRACKS = 100
FLAGSHIP = Path(__file__).parents[2] / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"


@pytest.mark.parametrize(("system", "radar"), [("patriot", "an-mpq-65"), ("s-400", "radar-92n6e")])
def test_at_the_rated_load_search_keeps_its_least_share(system: str, radar: str) -> None:
    entry = default_catalogue().defence(system)
    spec = entry.radars[radar]
    assert spec.track_load is not None
    assert spec.guidance_load is not None
    assert spec.min_search_share is not None
    channels = entry.composition.fire_channels.nominal.value_si
    floor = spec.min_search_share.nominal.value_si
    at_rated = (
        spec.track_load.nominal.value_si * RATED_TRACKS
        + spec.guidance_load.nominal.value_si * channels
    )
    assert at_rated == pytest.approx(1.0 - floor, abs=0.005)  # rounded to the figure's digits
    assert spec.guidance_load.high.value_si * channels == pytest.approx(1.0 - floor, abs=0.005)
    assert spec.guidance_load.low.value_si == pytest.approx(
        spec.guidance_load.nominal.value_si / 2, rel=0.03
    )


def test_the_flagship_radars_carry_them_into_the_engine() -> None:
    for scenario in load_scenario(FLAGSHIP):
        if scenario.label not in ("patriot", "s-400"):
            continue
        rad = compile_world(scenario).radars
        budgeted = rad.track_load > 0.0
        # the four batteries' AN/MPQ-65 or the four battalions' 92N6E; no 91N6E
        assert budgeted.sum() == 4, rad.track_load
        assert (~budgeted).sum() == (0 if scenario.label == "patriot" else 4)
        assert np.allclose(rad.track_load[budgeted], 0.003)
        assert np.allclose(rad.min_search[budgeted], 0.25)
        assert np.allclose(rad.min_search[~budgeted], 1.0)
        guide = 0.05 if scenario.label == "patriot" else 0.0225
        assert np.allclose(rad.guide_load[budgeted], guide)

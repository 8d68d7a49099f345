"""airguard: engagement-level Monte Carlo simulation of ground-based air and missile defence.

The public API (heavy modules are imported on first use, so that
``import airguard`` and the command line start fast)::

    import airguard
    scenarios = airguard.load_scenario("scenarios/turkey-patriot-vs-s400/scenario.yaml")
    run = airguard.simulate(scenarios[0], replications=200, progress=True)
    run.summary                      # the figures with their 95 % intervals
    run.table("engagements")         # a pandas DataFrame
    run = airguard.read_run("runs/flagship/patriot")   # a run written by `airguard run`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airguard._jit import configure_cache
from airguard._version import __version__
from airguard.errors import InputError

configure_cache()

if TYPE_CHECKING:
    from airguard.catalogue import Catalogue, default_catalogue, load_catalogue
    from airguard.montecarlo.campaign import simulate
    from airguard.results.run import Run, read_run
    from airguard.results.store import RunSummary, wilson_interval
    from airguard.scenario import Scenario, load_scenario
    from airguard.world import World, compile_world

__all__ = [
    "Catalogue",
    "InputError",
    "Run",
    "RunSummary",
    "Scenario",
    "World",
    "__version__",
    "compile_world",
    "default_catalogue",
    "load_catalogue",
    "load_scenario",
    "read_run",
    "simulate",
    "wilson_interval",
]

_LAZY = {
    "Catalogue": "airguard.catalogue",
    "default_catalogue": "airguard.catalogue",
    "load_catalogue": "airguard.catalogue",
    "Run": "airguard.results.run",
    "read_run": "airguard.results.run",
    "simulate": "airguard.montecarlo.campaign",
    "RunSummary": "airguard.results.store",
    "wilson_interval": "airguard.results.store",
    "Scenario": "airguard.scenario",
    "load_scenario": "airguard.scenario",
    "World": "airguard.world",
    "compile_world": "airguard.world",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'airguard' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

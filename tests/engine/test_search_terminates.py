"""Fire control's intercept search ends, whatever the track it is given (session 14).

Replication 15 of the flagship's ``s-400-sead`` variant with its emission control removed
spun for hours inside :func:`airguard.engine.firecontrol.find_intercept`: a track whose
ballistic prediction lay some 10^12 m from the site made the search's skip over trial
times that cannot come back within reach count that distance over the object's speed,
about 10^9 steps of one addition each. The skip now stops where the search ends anyway
(the type's longest flight time), so the trial times it tests are the same as before
(the flagship's outcome tables are bit for bit unchanged) and the search ends.

The replication runs in a subprocess with a time limit: a search that spins again fails
the test instead of hanging the suite. The same World's replication 0 runs in this
process first, so that the subprocess finds the kernels compiled.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import compile_world

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"
LIMIT_S = 300  # a replication takes about a second; it spun for more than 10 minutes

RUN = """
import sys
from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import compile_world

(scenario,) = load_scenario(sys.argv[1], variant="s-400-sead")
result = run_replication(compile_world(scenario), 2019, 15)
print(int(result.threats.t_impact.shape[0]))
"""


def _without_emission_control(tmp: Path) -> Path:
    lines = FLAGSHIP.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.lstrip().startswith("emcon:")]
    assert len(lines) - len(kept) == 6  # the two units aimed at, in each SEAD variant
    path = tmp / "scenario.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def test_the_intercept_search_ends_on_a_wild_prediction(tmp_path: Path) -> None:
    path = _without_emission_control(tmp_path)
    (scenario,) = load_scenario(path, variant="s-400-sead")
    world = compile_world(scenario)
    n_threats = run_replication(world, 2019, 0).threats.t_impact.shape[0]
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(path)],
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        check=True,
        cwd=tmp_path,
    )
    assert int(done.stdout.split()[-1]) == n_threats

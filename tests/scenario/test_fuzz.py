"""Fuzzed scenario files: accepted and meaningful, or refused with one line naming the file.

Hypothesis draws mutants of the test scenarios and the flagship (tests/scenario/mutants.py:
replaced values of every kind, removed and unknown keys, YAML aliases, nesting, tags and
bad Unicode) and holds each to the input contract, deterministically (the same cases on
every run).  The known breaches of issue 20 are kept as a seed corpus below, each with the
error it must now give.  The long run (10,000 cases and more) is
benchmarks/fuzz_scenarios.py; its figures are in docs/reliability.md.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airguard.errors import InputError
from airguard.scenario import load_scenario
from tests.scenario.mutants import check, check_run, mutant

SMALL = (Path(__file__).parents[1] / "data" / "small.yaml").read_text(encoding="utf-8")


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_a_mutated_scenario_is_accepted_or_refused_cleanly(tmp_path: Path, seed: int) -> None:
    path = tmp_path / f"mutant-{seed}.yaml"
    path.write_text(mutant(random.Random(seed)), encoding="utf-8", errors="surrogatepass")
    check(path)


RUN_SAMPLE = 4
"""Accepted mutants of the small test scenarios run with ``airguard run --reps 2`` here
(the long run's sample is in benchmarks/fuzz_scenarios.py)."""


def test_accepted_mutants_run_with_a_meaningful_summary(tmp_path: Path) -> None:
    ran = 0
    for seed in range(10_000):
        text = mutant(random.Random(seed))
        if "Small test" not in text and "Drones against one battery" not in text:
            continue  # the flagship's mutants take minutes: the long run samples them
        path = tmp_path / f"mutant-{seed}.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        if check(path) != "accepted":
            continue
        assert check_run(path, tmp_path / f"run-{seed}") in ("ran", "refused")
        ran += 1
        if ran == RUN_SAMPLE:
            break
    assert ran == RUN_SAMPLE


# (what is added or replaced in the small scenario, the field, what the message says)
# fmt: off
SEED_CORPUS = [
    pytest.param("seed: 7\n", "seed: 7\nx: &a [*a]\n", "x[0][0][0]…", "nested more than", id="self-alias"),
    pytest.param("seed: 7\n", "seed: 7\nx: " + "[" * 5000 + "]" * 5000 + "\n", None, "nests deeper", id="deep-nesting"),
    pytest.param(
        "seed: 7\n",
        "seed: 7\na0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)),
        "a5", "more than 200,000 values", id="alias-bomb",
    ),
    pytest.param("radius: 1.5 km", "radius: 1/0 km", "assets[0].radius", "no arithmetic", id="divide-by-zero"),
    pytest.param("duration: 10 min", "duration: 10**400 s", "duration", "no arithmetic", id="power-overflow"),
    pytest.param("duration: 10 min", "duration: 9**9**9 s", "duration", "cannot read", id="power-tower"),
    pytest.param("duration: 10 min", "duration: 1e400 s", "duration", "not a finite", id="float-overflow"),
    pytest.param("name: Small test", 'name: "\\ud800"', "name", "lone surrogate", id="lone-surrogate"),
    pytest.param(
        "    heading: 110 deg\nraids", "    heading: 110 deg\n    inventory: {pac-3-mse: 9223372036854775807}\nraids",
        "units[0]", "at most 10,000 rounds", id="inventory-2-63",
    ),
    pytest.param(
        "start: 0 s, end: 60 s", "start: 1e17 s, end: 1e17 s", "raids[0].launch_window.start",
        "at most 1 day", id="launch-1e17",
    ),
    pytest.param(
        "start: 0 s, end: 60 s", "start: 0 s, end: 601 s", "raids[0].launch_window.end",
        "after the simulation ends", id="launched-after-end",
    ),
    pytest.param("seed: 7", "seed: no", "seed", "valid integer", id="yaml11-no"),
    pytest.param("count: 4", "count: on", "raids[0].count", "valid integer", id="yaml11-on"),
    pytest.param("seed: 7\n", "seed: 7\ntime_step: 1 us\n", "time_step", "between 0.1 s", id="tiny-time-step"),
    pytest.param(
        "seed: 7\n", "seed: 7\ntracking: {ca_jerk: 1e300}\n", "tracking.ca_jerk", "less than or equal",
        id="tracker-noise-1e300",
    ),
    pytest.param("duration: 10 min", "duration: 1000 days", "duration", "at most 1 day", id="duration-1000-days"),
]
# fmt: on


@pytest.mark.parametrize(("old", "new", "field", "says"), SEED_CORPUS)
def test_known_breaches_are_refused_on_one_line(
    tmp_path: Path, old: str, new: str, field: str | None, says: str
) -> None:
    assert SMALL.count(old) == 1
    path = tmp_path / "scenario.yaml"
    path.write_text(SMALL.replace(old, new), encoding="utf-8")
    assert check(path) == "refused"
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    assert info.value.field == field
    assert says in info.value.message


def test_yaml_1_1_words_stay_words(tmp_path: Path) -> None:
    """`no`, `yes`, `on`, `off` are not booleans (YAML 1.2): an asset may be called `no`."""
    path = tmp_path / "scenario.yaml"
    path.write_text(SMALL.replace("name: Base", "name: no").replace("target: Base", "target: no"))
    (scenario, _) = load_scenario(path)
    assert scenario.body.assets[0].name == "no"


def test_a_ballistic_raid_that_would_land_after_the_end_is_refused(tmp_path: Path) -> None:
    """Launched within the duration, but still in flight when the simulation ends: such a
    missile was counted as neither killed nor leaking (issue 20), so the file is refused.

    The flight time quoted is checked against the vacuum closed form for a flat Earth at
    the optimum 45° elevation, t = sqrt(2 R / g) (range R = v² / g, t = 2 v sin 45° / g):
    about 200 s for the 188–208 km from the launch area to Base.  Drag, a lofted climb and the
    curved Earth make the modelled Scud-B flight longer, not shorter, and not by half again.
    """
    from airguard.world import compile_world

    path = tmp_path / "scenario.yaml"
    path.write_text(SMALL.replace("end: 60 s}", "end: 500 s}"), encoding="utf-8")
    (scenario, _) = load_scenario(path)  # launched within the duration: loads
    with pytest.raises(InputError) as info:
        compile_world(scenario)
    assert info.value.file == str(path)
    assert info.value.field == "raids[0].launch_window.end"
    assert "after the simulation ends (600 s)" in info.value.message
    flight_s = float(info.value.message.split("(a ")[1].split(" s flight")[0])
    far_m = 188.3e3 + 20e3  # the launch area's centre to Base, plus its radius
    vacuum_s = (2.0 * far_m / 9.80665) ** 0.5
    assert vacuum_s < flight_s < 1.5 * vacuum_s, (flight_s, vacuum_s)
    # the same raid launched early enough is accepted
    path.write_text(SMALL.replace("end: 60 s}", "end: 200 s}"), encoding="utf-8")
    (scenario, _) = load_scenario(path)
    compile_world(scenario)

"""Mutated scenario files and the input contract they are held to.

Used by tests/scenario/test_fuzz.py (a few hundred cases in ``make test``) and by
benchmarks/fuzz_scenarios.py (the long run, figures in docs/reliability.md).

A mutant is a valid scenario file with one to three changes: a value replaced (zero,
negative, huge, NaN, infinity, a wrong type, a wrong or missing unit, an expression, a
YAML 1.1 word, Unicode, a name with path characters), a key removed, an unknown key added,
a value wrapped in a list or a mapping, or text-level YAML (aliases, an alias bomb, deep
nesting, a self-reference, tags, a merge key, a lone surrogate escape).  The contract: the
file is either accepted — and what is accepted is meaningful — or refused with the
project's :class:`~airguard.errors.InputError` naming the file, on one line; nothing
else escapes, and nothing takes longer than :data:`CASE_SECONDS`.  An accepted file also
runs (:func:`check_run`): ``airguard run --reps 2`` ends without a traceback, and its
summary holds no NaN, no infinity and no probability outside [0, 1].
"""

from __future__ import annotations

import contextlib
import math
import random
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import compile_world

DATA = Path(__file__).parents[1] / "data"
BASES = [
    DATA / "small.yaml",
    DATA / "drones.yaml",
    Path(__file__).parents[2] / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml",
]
CASE_SECONDS = 20.0
"""The longest a case may take to load and compile (a hang is a breach of the contract)."""

VALUES: list[Any] = [
    0, -1, 1, 7, 2**31, 2**63, -(2**63), 10**30, 1e308, -1e308, math.nan, math.inf, -math.inf,
    0.5, True, False, None, "", " ", "x", "0", "-1", "nan", "inf", "1e400", "yes", "no", "on",
    "off", "y", "~", "null", "0 s", "-5 s", "1e17 s", "1e400 s", "nan s", "inf s", "0 km",
    "-10 km", "1e9 km", "1/0 km", "10**400 s", "9**9**9 s", "2 km + 3 km", "(1) km", "5 kg",
    "30 furlongs", "Mach 1e9", "Mach -2", "Mach", "1e-300 m", "45 deg", "1e6 deg", "-90 deg",
    "3.0.1 km", "1_000 m", "0x10 km", "\u202e", "é" * 300, "\U0001f680", "../../etc",
    "/an/absolute/path", "con", "a/b", "..", "\x00", "x" * 5000, [], {}, [1, 2], {"a": 1},
    [[[[[]]]]], {"lat": 91, "lon": 0}, {"lat": "nan", "lon": 0},
]  # fmt: skip
"""Replacement values: magnitudes, types, units, YAML 1.1 words, Unicode, path names."""

TEXT: list[str] = [
    "x: &a [*a]\n",
    "x: &a {<<: *a}\n",
    "x: " + "[" * 3000 + "]" * 3000 + "\n",
    "x: " + "{a: " * 200 + "1" + "}" * 200 + "\n",
    "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)),
    "x: !!python/object/apply:os.system ['true']\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!timestamp 2001-12-14\n",
    "x: !!set {a, b}\n",
    "x: !custom 1\n",
    'name: "\\ud800"\n',
    "? [a, b]\n: 1\n",
    "<<: {seed: 3}\n",
    "\t\n",
    "x: 'unterminated\n",
    "---\n---\n",
]
"""Text added at the top level (YAML features: aliases, nesting, tags, merges, errors)."""


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*here, i))


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def mutant(rng: random.Random) -> str:
    """The text of one mutated scenario file, drawn with `rng`."""
    base = rng.choice(BASES)
    text = base.read_text(encoding="utf-8")
    if rng.random() < 0.2:  # text-level YAML
        cut = text.index("\nassets:") + 1
        return text[:cut] + rng.choice(TEXT) + text[cut:]
    doc = yaml.safe_load(text)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(doc) if p]
        path = rng.choice(paths)
        parent, key = _parent(doc, path), path[-1]
        action = rng.random()
        if action < 0.6:
            parent[key] = rng.choice(VALUES)
        elif action < 0.7 and isinstance(parent, dict):
            del parent[key]
        elif action < 0.8 and isinstance(parent, dict):
            parent[rng.choice(["x", "Name", "seed ", "units", "12", "inventory"])] = 1
        elif action < 0.9:
            parent[key] = [parent[key]]
        else:
            parent[key] = {"value": parent[key]}
    return yaml.safe_dump(doc, allow_unicode=rng.random() < 0.5, sort_keys=False)


class HangError(Exception):
    """A case took longer than :data:`CASE_SECONDS`."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def _raise(signum: int, frame: Any) -> None:
        raise HangError(f"still running after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check(path: Path) -> str:
    """Hold the scenario file at `path` to the input contract: ``"accepted"`` or
    ``"refused"``; anything else (another exception, a hang, a refusal that does not name
    the file or spans lines, an accepted file that is not meaningful) raises."""
    refusal: InputError | None = None
    with _deadline(CASE_SECONDS):
        try:
            scenarios = load_scenario(path)
            worlds = [compile_world(sc) for sc in scenarios]
        except InputError as exc:
            refusal = exc
    if refusal is not None:
        assert refusal.file is not None, f"the error names no file: {refusal}"
        assert "\n" not in str(refusal), f"the error spans lines: {refusal!r}"
        return "refused"
    for sc, world in zip(scenarios, worlds, strict=True):
        body = sc.body
        assert isinstance(body.seed, int)
        assert not isinstance(body.seed, bool)
        assert 0.0 < body.duration <= 86_400.0
        for raid in body.raids:
            assert raid.launch_window.end <= body.duration, "a raid launched after the end"
            assert not isinstance(raid.count, bool)
        assert all(math.isfinite(x) for x in world.asset_radius_m)
        assert int(world.units.rounds.sum()) < 10**7
    return "accepted"


def check_run(path: Path, out: Path, replications: int = 2) -> str:
    """Run an accepted scenario file as a user would, ``airguard run FILE --reps 2`` (one
    worker, into `out`): ``"ran"``, or ``"refused"`` when the command refuses it on one
    line naming the file (exit status 2).  Anything else — an exception, another exit
    status, a summary with a NaN, an infinity or a probability outside [0, 1] — raises."""
    from typer.testing import CliRunner

    from airguard.cli import app
    from airguard.results.store import read_manifest, run_dirs

    args = ["run", str(path), "--reps", str(replications), "--workers", "1"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--overwrite"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if result.exit_code == 2:
        message = result.stderr.strip().splitlines()
        assert len(message) == 1, f"the refusal spans lines: {result.stderr!r}"
        assert str(path) in message[0], f"the refusal names no file: {message[0]}"
        return "refused"
    assert result.exit_code == 0, f"exit status {result.exit_code}: {result.output}"
    for run in run_dirs(out):
        summary = read_manifest(run)["summary"]
        assert summary["replications"] == replications
        _check_figures(summary, "summary")
    return "ran"


def _check_figures(value: Any, where: str) -> None:
    """Every number finite and not negative; a probability (``p_*``, an asset's ``ci95``)
    within [0, 1] and its interval around it."""
    if isinstance(value, dict):
        for key, v in value.items():
            _check_figures(v, f"{where}.{key}")
        if "p_undamaged" in value:
            p, (lo, hi) = value["p_undamaged"], value["ci95"]
            assert 0.0 <= lo <= p <= hi <= 1.0, f"{where}: {lo} <= {p} <= {hi} in [0, 1]"
        for key, v in value.items():
            if key.startswith("p_") and isinstance(v, float):
                assert 0.0 <= v <= 1.0, f"{where}.{key} = {v}, outside [0, 1]"
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_figures(v, f"{where}[{i}]")
    elif isinstance(value, float | int) and not isinstance(value, bool):
        assert math.isfinite(value), f"{where} = {value}"
        assert value >= 0.0 or where.endswith("seed"), f"{where} = {value}, negative"

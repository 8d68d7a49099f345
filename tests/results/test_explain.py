"""`airguard explain`: differences between two runs split among the kill-chain stages that
changed, and each run's funnel.

The flagship's ``patriot``, ``patriot-nato`` and ``patriot-sead`` are run once for the
module (20 replications each, seed 2019: paired).  The Shapley shares of an asset's damage are held
to the definition itself — the average over every order of switching the threats from
their A outcome to their B outcome (Shapley 1953) — computed by brute force.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.engine.chain import FATES, REASONS
from airguard.montecarlo.campaign import simulate
from airguard.results.explain import _shapley_damage, explain_runs
from airguard.results.store import read_manifest, read_table
from airguard.scenario import load_scenario
from tests.conftest import FLAGSHIP

runner = CliRunner()
REPS = 20


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("explain")
    dirs = {}
    for sc in load_scenario(FLAGSHIP):
        if sc.label in ("patriot", "patriot-nato", "patriot-sead"):
            dirs[sc.label] = out / sc.label
            simulate(sc, REPS, workers=1, out=dirs[sc.label])
    return dirs


def _shapley_by_definition(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each player's Shapley value of v(S) = any(b[S]) or any(a[not S]) − v(∅), by averaging
    marginal contributions over all orders (Shapley 1953, eq. for φ_i)."""
    n = a.size
    phi = np.zeros(n)

    def v(s: set[int]) -> float:
        return float(any(b[i] if i in s else a[i] for i in range(n)))

    for order in itertools.permutations(range(n)):
        s: set[int] = set()
        for i in order:
            before = v(s)
            s.add(i)
            phi[i] += v(s) - before
    return phi / math.factorial(n)


def test_damage_shares_are_the_shapley_values_by_definition():
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(1, 7))
        a, b = rng.random(n) < 0.4, rng.random(n) < 0.4
        got = _shapley_damage(a, b, np.zeros(n, dtype=np.int64), 1)
        np.testing.assert_allclose(got, _shapley_by_definition(a, b), atol=1e-12)
        assert got.sum() == pytest.approx(float(b.any()) - float(a.any()), abs=1e-12)


def test_shares_add_up_to_each_difference_within_its_interval(runs):
    e = explain_runs(runs["patriot"], runs["patriot-nato"])
    assert e.paired
    assets = [o for o in e.outcomes if o.key.startswith("p_undamaged/")]
    assert len(assets) == 5
    for o in e.outcomes:
        total = sum(c.share for c in o.causes)
        assert total == pytest.approx(o.difference, abs=1e-9), o.key
        if o.ci95 is not None:
            assert o.ci95[0] - 1e-9 <= total <= o.ci95[1] + 1e-9, o.key
        for c in o.causes:
            assert c.fate in FATES
            assert c.fate != "killed"
            assert c.reason is None or c.reason in REASONS
            assert c.other_fate in FATES


def test_a_run_explained_against_itself_has_no_causes(runs):
    e = explain_runs(runs["patriot"], runs["patriot"])
    for o in e.outcomes:
        assert o.difference == 0.0
        assert o.causes == ()


def test_explain_prints_one_sentence_per_changed_outcome_and_json(runs):
    result = runner.invoke(app, ["explain", str(runs["patriot"]), str(runs["patriot-nato"])])
    assert result.exit_code == 0, result.output
    assert "P(Kürecik radar station undamaged)" in result.output
    as_json = runner.invoke(
        app, ["explain", str(runs["patriot"]), str(runs["patriot-nato"]), "--json"]
    )
    payload = json.loads(as_json.stdout)
    assert payload["paired"] is True
    assert len(payload["sentences"]) == sum(1 for o in payload["outcomes"] if o["causes"])
    for o in payload["outcomes"]:
        assert o["shares_sum"] == pytest.approx(o["difference"], abs=1e-9)


def test_explain_refuses_a_folder_of_runs_and_names_them(runs):
    result = runner.invoke(app, ["explain", str(runs["patriot"].parent), str(runs["patriot"])])
    assert result.exit_code == 2
    assert "name one" in result.output


def test_the_funnel_narrows_stage_by_stage_and_names_every_leaker(runs):
    summary = read_manifest(runs["patriot"])["summary"]
    fn = summary["funnel"]
    assert fn["stages"] == ["detected", "tracked", "in_envelope", "engaged", "killed"]
    threats = read_table(runs["patriot"], "threats").to_pandas()
    hostile = threats[~threats.friendly & ~threats.decoy]
    for entry in fn["types"]:
        means = [entry["threats"]["mean"], *(entry[s]["mean"] for s in fn["stages"])]
        assert all(x >= y - 1e-12 for x, y in itertools.pairwise(means)), entry["threat_type"]
        mine = hostile[hostile.threat_type == entry["threat_type"]]
        assert entry["leakers"]["mean"] == pytest.approx(mine.leaked.sum() / REPS)
        assert sum(b["mean"] for b in entry["leakers_by_break"]) == pytest.approx(
            entry["leakers"]["mean"]
        )
        if entry["leakers_by_break"]:
            assert sum(b["share"] for b in entry["leakers_by_break"]) == pytest.approx(1.0)


def test_results_shows_the_funnel(runs):
    result = runner.invoke(app, ["results", str(runs["patriot"])])
    assert result.exit_code == 0, result.output
    assert "the kill chain" in result.output
    assert "kh-101" in result.output.split("the kill chain")[1]


def test_unpaired_runs_are_explained_run_against_run(runs, tmp_path):
    """Another seed: no threat to set beside another; each cause's weight in B minus its
    weight in A, still adding up to each difference."""
    (sc,) = [s for s in load_scenario(FLAGSHIP) if s.label == "patriot"]
    other = tmp_path / "seed7"
    simulate(sc, REPS, seed=7, workers=1, out=other)
    e = explain_runs(runs["patriot"], other)
    assert not e.paired
    for o in e.outcomes:
        assert sum(c.share for c in o.causes) == pytest.approx(o.difference, abs=1e-9), o.key
        assert all(c.other_fate is None for c in o.causes)


def test_a_raid_that_one_run_adds_is_paired_with_its_absence(runs):
    """``patriot-sead`` flies the ``patriot`` raid (the same threats, drawn alike) and adds
    a SEAD package's ARMs: the shared threats are set side by side, each ARM beside its
    absence, and the shares still add up to each difference."""

    def raid(run: str) -> pd.DataFrame:  # the threats aimed at assets (no decoy, no aircraft)
        t = read_table(runs[run], "threats").to_pandas()
        return t[~(t["decoy"] | t["aircraft"] | t["friendly"])]

    a, b = raid("patriot"), raid("patriot-sead")
    shared = b[b["threat"] <= a["threat"].max()]
    base = a.sort_values(["replication", "threat"]).reset_index(drop=True)
    shared = shared.sort_values(["replication", "threat"]).reset_index(drop=True)
    assert shared["threat_type"].tolist() == base["threat_type"].tolist()
    assert shared["launch_time_s"].tolist() == base["launch_time_s"].tolist()
    e = explain_runs(runs["patriot"], runs["patriot-sead"])
    assert e.paired
    assert "paired with their absence" in e.pairing
    arms = [o for o in e.outcomes if o.key == "leakers_per_raid/kh-31p"]
    assert len(arms) == 1
    assert arms[0].causes
    for c in arms[0].causes:  # an ARM that leaks in B is one A never faced
        assert c.broke_in == "b"
        assert c.other_fate == "absent"
    for o in e.outcomes:
        assert sum(c.share for c in o.causes) == pytest.approx(o.difference, abs=1e-9), o.key
        for c in o.causes:
            assert c.other_fate in (*FATES, "absent")
    # and the other way round: the ARMs are causes in the run that has them, A = patriot-sead
    back = explain_runs(runs["patriot-sead"], runs["patriot"])
    assert back.paired
    for o in back.outcomes:
        assert sum(c.share for c in o.causes) == pytest.approx(o.difference, abs=1e-9), o.key

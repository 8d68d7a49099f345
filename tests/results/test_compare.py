"""`airguard compare` and `airguard.results.compare.compare_runs`: two runs figure by figure.

One small campaign per variant of tests/data/small.yaml (6 replications) is run once
for the module; the other tests read its run directories or fail before running.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from airguard.cli import app
from airguard.report.compare import comparison_table_from_json
from airguard.results.compare import (
    INDEPENDENT_MEAN,
    INDEPENDENT_PROPORTION,
    PAIRED_MEAN,
    PAIRED_PROPORTION,
    compare_runs,
    newcombe_paired_interval,
)
from airguard.results.store import committed_batches, read_manifest

runner = CliRunner()
REPS = "6"


def _compare(*args: str) -> Result:
    return runner.invoke(app, ["compare", *args])


@pytest.fixture(scope="module")
def variant_runs(small_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The patriot and s-400 variants, seed 7, compared and kept in OUT/a and OUT/b."""
    out = tmp_path_factory.mktemp("compare")
    result = _compare(
        f"{small_path}#patriot",
        f"{small_path}#s-400",
        *("--reps", REPS, "--workers", "1", "--out", str(out), "--json"),
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def _figures(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["key"]: f for f in payload["figures"]}


def test_variants_of_one_file_share_the_seed_and_are_paired(variant_runs) -> None:
    payload, _ = variant_runs
    assert payload["paired"] is True
    assert payload["pairing"].startswith("paired: both runs used seed 7")
    assert payload["methods"] == {"proportion": PAIRED_PROPORTION, "mean": PAIRED_MEAN}
    for fig in payload["figures"]:
        assert fig["method"] == (PAIRED_PROPORTION if fig["kind"] == "proportion" else PAIRED_MEAN)


def test_json_gives_every_figure_with_a_b_difference_and_interval(variant_runs) -> None:
    payload, out = variant_runs
    assert set(payload) == {
        "a", "b", "paired", "pairing", "confidence", "methods", "figures", "explanation"
    }  # fmt: skip
    assert payload["confidence"] == 0.95
    # the explanation's shares add up to each difference it explains
    for o in payload["explanation"]["outcomes"]:
        assert o["shares_sum"] == pytest.approx(o["difference"], abs=1e-9)
    assert payload["a"] == {
        "run_dir": str(out / "a"),
        "scenario": "Small test",
        "variant": "patriot",
        "seed": 7,
        "replications": 6,
    }
    assert payload["b"]["variant"] == "s-400"
    figures = _figures(payload)
    assert {
        "p_undamaged/Base",
        "leakers_per_raid",
        "leakers_per_raid/scud-b",
        "leakers_per_raid/shahed-136",
        "threats_killed_per_raid",
        "interceptors_fired_per_raid/pac-3-mse",
        "interceptors_fired_per_raid/missile-48n6e3",
        "interceptor_cost_per_raid_usd",
    } <= set(figures)
    for fig in figures.values():
        assert set(fig) == {
            "key",
            "label",
            "kind",
            "unit",
            "a",
            "b",
            "difference",
            "ci95",
            "method",
        }
        assert fig["difference"] == pytest.approx(fig["b"] - fig["a"], rel=1e-12, abs=1e-12)
        lo, hi = fig["ci95"]
        assert lo <= fig["difference"] + 1e-12
        assert fig["difference"] <= hi + 1e-12


def test_values_are_those_of_each_runs_stored_summary(variant_runs) -> None:
    payload, out = variant_runs
    figures = _figures(payload)
    for side in ("a", "b"):
        summary = read_manifest(out / side)["summary"]
        assert figures["p_undamaged/Base"][side] == summary["assets"][0]["p_undamaged"]
        assert figures["leakers_per_raid"][side] == pytest.approx(summary["leakers_total"]["mean"])
        for name, mean in summary["leakers_mean"].items():
            assert figures[f"leakers_per_raid/{name}"][side] == pytest.approx(mean)
        for name, mean in summary["interceptors_fired"].items():
            assert figures[f"interceptors_fired_per_raid/{name}"][side] == pytest.approx(mean)
        cost = figures["interceptor_cost_per_raid_usd"][side]
        assert cost == pytest.approx(summary["interceptor_cost_mean_usd"])
        killed = figures["threats_killed_per_raid"][side]
        assert killed == pytest.approx(summary["threats_killed_mean"])


def test_run_directories_are_read_not_run_again(variant_runs, monkeypatch) -> None:
    payload, out = variant_runs

    def no_simulation(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run directory must not be simulated again")

    monkeypatch.setattr("airguard.montecarlo.campaign.simulate", no_simulation)
    result = _compare(str(out / "a"), str(out / "b"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == payload


def test_a_run_compared_with_itself_has_zero_differences(variant_runs) -> None:
    _, out = variant_runs
    comparison = compare_runs(out / "a", out / "a")
    assert comparison.paired
    for fig in comparison.figures:
        assert fig.difference == 0.0
        assert fig.ci95 is not None
        if fig.kind == "mean":  # the paired differences are all zero
            assert fig.ci95 == (0.0, 0.0)
    # Newcombe's paired interval without discordant pairs is symmetric but not empty
    fig = comparison.figure("p_undamaged/Base")
    assert fig.a is not None
    undamaged = round(fig.a * 6)
    assert fig.ci95 == newcombe_paired_interval(undamaged, 0, 0, 6 - undamaged)[1:]
    assert fig.ci95[0] == pytest.approx(-fig.ci95[1])


def test_different_seeds_are_compared_as_independent_samples(variant_runs, small_path) -> None:
    _, out = variant_runs
    result = _compare(
        str(out / "a"),
        f"{small_path}#s-400",
        *("--seed", "8", "--reps", REPS, "--workers", "1", "--json"),
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["paired"] is False
    assert payload["pairing"].startswith("independent: different seeds (7 and 8)")
    assert payload["methods"] == {"proportion": INDEPENDENT_PROPORTION, "mean": INDEPENDENT_MEAN}
    assert payload["b"]["seed"] == 8
    assert payload["b"]["run_dir"] is None  # run in a temporary directory, deleted since


def test_different_replications_are_compared_as_independent_samples(variant_runs, tmp_path) -> None:
    _, out = variant_runs
    fewer = tmp_path / "fewer"
    shutil.copytree(out / "b", fewer)
    # the same run stopped a batch short: its last batch and its marker gone, and a
    # manifest that says so (a part missing under a manifest that counts it is damage)
    last = committed_batches(fewer)[-1]
    for part in last.parts.values():
        part.unlink()
    last.marker.unlink()
    manifest = json.loads((fewer / "manifest.json").read_text(encoding="utf-8"))
    manifest["replications"] = last.first
    (fewer / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    comparison = compare_runs(out / "a", fewer)
    assert not comparison.paired
    assert comparison.b.replications < comparison.a.replications
    assert "different replications" in comparison.pairing
    assert {f.method for f in comparison.figures} == {INDEPENDENT_PROPORTION, INDEPENDENT_MEAN}


def test_table_shows_a_b_and_the_difference_with_the_pairing(variant_runs) -> None:
    _, out = variant_runs
    result = _compare(str(out / "a"), str(out / "b"))
    assert result.exit_code == 0, result.output
    for text in ("B − A [95 % CI]", "A: patriot", "B: s-400", "P(Base undamaged)", "Paired:"):
        assert text in result.stdout


def test_table_marks_a_figure_missing_from_one_run() -> None:
    side = {"run_dir": None, "scenario": "S", "variant": None, "seed": 1, "replications": 5}
    payload = {
        "a": side,
        "b": side,
        "paired": True,
        "pairing": "paired: test",
        "confidence": 0.95,
        "figures": [
            {
                "key": "p_undamaged/[Port]",
                "label": "P([Port] undamaged)",
                "kind": "proportion",
                "unit": "probability",
                "a": 0.8,
                "b": None,
                "difference": None,
                "ci95": None,
                "method": None,
            }
        ],
    }
    console = Console(file=io.StringIO(), width=100)
    console.print(comparison_table_from_json(payload))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "P([Port] undamaged)" in text  # markup-like names are printed as they are
    assert "80.0 %" in text
    assert text.count("—") == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(
            ("missing.yaml", "{small}#patriot"), "missing.yaml: no such file", id="missing-file"
        ),
        pytest.param(
            ("{small}#nope", "{small}#patriot"),
            "no variant 'nope' (variants: patriot, s-400)",
            id="unknown-variant",
        ),
        pytest.param(
            ("{small}", "{small}#patriot"),
            "small.yaml: has 2 variants (patriot, s-400); name one, e.g. ",
            id="several-variants-without-one-named",
        ),
        pytest.param(
            ("{tmp}", "{small}#patriot"), "not a run directory", id="directory-without-manifest"
        ),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(
    args: tuple[str, str], says: str, small_path: Path, tmp_path: Path
) -> None:
    result = _compare(*(a.format(small=small_path, tmp=tmp_path) for a in args), "--reps", "2")
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    assert result.stdout == ""
    assert result.stderr.startswith("airguard: error: ")
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_an_existing_output_directory_is_refused_without_overwrite(small_path, tmp_path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "keep.txt").write_text("mine", encoding="utf-8")
    result = _compare(f"{small_path}#patriot", f"{small_path}#s-400", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "exists and is not empty" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (tmp_path / "a" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_fratricides_are_compared_when_a_run_had_friendly_flights(tmp_path: Path) -> None:
    """The F-16 of tests/engine/test_c2_engine.py, identified always (A) or never (B)."""
    from tests.engine.test_c2_engine import BASE, FLIGHT

    text = (
        BASE.replace("heading: 300 deg", "heading: 240 deg")
        + FLIGHT.format(reliability=1.0)
        + "variants:\n  always: {}\n  never: {iff_reliability: 0.0}\n"
    )
    path = tmp_path / "iff.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "runs"
    result = _compare(
        f"{path}#always",
        f"{path}#never",
        *("--reps", "8", "--workers", "1", "--out", str(out), "--json"),
    )
    assert result.exit_code == 0, result.output
    fig = _figures(json.loads(result.stdout))["fratricides_per_raid"]
    assert fig["a"] == 0.0  # identified as friendly: never engaged
    for side in ("a", "b"):
        summary = read_manifest(out / side)["summary"]
        assert fig[side] == pytest.approx(summary["fratricides"]["mean"], abs=1e-12)


def test_no_fratricide_figure_without_friendly_flights(variant_runs) -> None:
    payload, _ = variant_runs
    assert "fratricides_per_raid" not in _figures(payload)

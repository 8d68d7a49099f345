"""Summaries, intervals, the run directory and the `--json` format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.results.store import TABLES, mean_interval, read_table, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # R. G. Newcombe, "Two-sided confidence intervals for the single proportion:
        # comparison of seven methods", Statistics in Medicine 17 (1998) 857-872,
        # Table II, method 3 (Wilson score interval without continuity correction).
        pytest.param(81, 263, 0.2553, 0.3662, id="newcombe-81-of-263"),
        pytest.param(15, 148, 0.0624, 0.1605, id="newcombe-15-of-148"),
        pytest.param(0, 20, 0.0, 0.1611, id="newcombe-0-of-20"),
        pytest.param(1, 29, 0.0061, 0.1718, id="newcombe-1-of-29"),
    ],
)
def test_wilson_interval_matches_newcombe_1998(successes, trials, low, high):
    lo, hi = wilson_interval(successes, trials)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_interval_half_width_at_1100_trials_is_within_3_points():
    """The demo's 1100 replications give intervals of at most +-3 points (worst case p = 1/2)."""
    lo, hi = wilson_interval(550, 1100)
    assert (hi - lo) / 2 < 0.03


def test_mean_interval_is_the_normal_interval_of_the_mean():
    import numpy as np

    values = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])  # mean 5, sample sd 2.138
    mean, lo, hi = mean_interval(values)
    assert mean == 5.0
    half = 1.959963984540054 * 2.138089935299395 / math.sqrt(8)
    assert (lo, hi) == pytest.approx((5.0 - half, 5.0 + half))
    assert mean_interval(np.zeros(5) + 0.1, lower_bound=0.0)[1] >= 0.0


@pytest.fixture(scope="module")
def json_run(small_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(small_path),
            "--variant",
            "patriot",
            "--reps",
            "6",
            "--workers",
            "1",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def test_json_summary_has_the_documented_keys(json_run):
    summary, _ = json_run
    assert {
        "replications",
        "seed",
        "assets",
        "leakers_mean",
        "interceptors_fired",
        "interceptor_cost_mean_usd",
    } <= set(summary)
    assert summary["replications"] == 6
    assert summary["seed"] == 7
    (asset,) = summary["assets"]
    assert set(asset) == {"name", "p_undamaged", "ci95"}
    assert asset["name"] == "Base"
    lo, hi = asset["ci95"]
    assert 0.0 <= lo <= asset["p_undamaged"] <= hi <= 1.0
    assert set(summary["leakers_mean"]) == {"scud-b", "shahed-136"}
    assert set(summary["interceptors_fired"]) == {"pac-3-mse", "pac-2-gem-t"}
    assert summary["interceptor_cost_mean_usd"] >= 0.0


def test_json_summary_agrees_with_the_tables(json_run):
    summary, out = json_run
    reps = read_table(out, "replications")
    assert reps.num_rows == 6
    cost = sum(reps.column("interceptor_cost_usd").to_pylist()) / 6
    assert summary["interceptor_cost_mean_usd"] == pytest.approx(cost)
    assets = read_table(out, "assets")
    undamaged = sum(not d for d in assets.column("damaged").to_pylist())
    assert summary["assets"][0]["p_undamaged"] == pytest.approx(undamaged / 6)
    eng = read_table(out, "engagements")
    fired = sum(summary["interceptors_fired"].values()) * 6
    assert eng.num_rows == pytest.approx(fired)


def test_run_directory_holds_manifest_and_tables(json_run):
    _, out = json_run
    manifest = json.loads((out / "manifest.json").read_text())
    from airguard import __version__

    assert manifest["airguard_version"] == __version__
    assert manifest["seed"] == 7
    assert manifest["replications"] == 6
    assert len(manifest["scenario_sha256"]) == 64
    for table in TABLES:
        assert list((out / table).glob("part-*.parquet")), table


def test_existing_run_directory_is_kept_unless_overwrite(json_run, small_path):
    _, out = json_run
    runner = CliRunner()
    args = [
        "run",
        str(small_path),
        "--variant",
        "patriot",
        "--reps",
        "2",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert "--overwrite" in refused.stderr


def test_multi_variant_json_lists_each_variant(small_path, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(small_path),
            "--reps",
            "2",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "r"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["replications"] == 2
    assert [v["variant"] for v in payload["variants"]] == ["patriot", "s-400"]
    assert (tmp_path / "r" / "s-400" / "manifest.json").is_file()


def test_table_output_shows_variants_side_by_side(small_path, tmp_path):
    result = CliRunner().invoke(
        app, ["run", str(small_path), "--reps", "2", "--workers", "1", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert "patriot" in result.stdout
    assert "s-400" in result.stdout
    assert "P(Base undamaged)" in result.stdout


def test_results_prints_the_stored_summary(json_run):
    summary, out = json_run
    result = CliRunner().invoke(app, ["results", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == summary


def test_results_sql_queries_the_tables_with_duckdb(json_run):
    _, out = json_run
    sql = "SELECT count(*) AS n, sum(interceptors_fired) AS fired FROM replications"
    result = CliRunner().invoke(app, ["results", str(out), "--sql", sql, "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["rows"]
    reps = read_table(out, "replications")
    assert row == {"n": 6, "fired": sum(reps.column("interceptors_fired").to_pylist())}


def test_missing_values_are_stored_as_nulls(json_run):
    from airguard.results.store import query

    _, out = json_run
    table = query(out, "SELECT count(*) AS n, count(first_detection_s) AS seen FROM threats")
    row = table.to_pylist()[0]
    assert row["seen"] <= row["n"]
    assert query(
        out, "SELECT count(*) AS bad FROM threats WHERE isnan(kill_time_s)"
    ).to_pylist() == [{"bad": 0}]


def test_results_refuses_a_bad_query_and_a_missing_run(json_run, tmp_path):
    _, out = json_run
    bad = CliRunner().invoke(app, ["results", str(out), "--sql", "SELEC 1"])
    assert bad.exit_code == 2
    assert "Parser Error" in bad.stderr
    missing = CliRunner().invoke(app, ["results", str(tmp_path / "nothing")])
    assert missing.exit_code == 2


def test_sql_reads_the_run(json_run):
    _, out = json_run
    result = CliRunner().invoke(
        app, ["results", str(out), "--sql", "SELECT count(*) AS n FROM replications", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == [{"n": 6}]


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        pytest.param("COPY (SELECT 1) TO '{out}/replications/part-x.parquet'", "COPY", id="copy"),
        pytest.param("ATTACH '{tmp}/other.db'", "ATTACH", id="attach"),
        pytest.param("EXPORT DATABASE '{tmp}/export'", "EXPORT", id="export"),
        pytest.param("SELECT 1; SELECT 2", "one statement", id="two-statements"),
        pytest.param("CREATE TABLE t AS SELECT 1", "CREATE", id="create"),
        pytest.param("SET enable_external_access = true", "SET", id="set"),
        pytest.param("SELECT * FROM read_csv('{tmp}/secret.csv')", "Permission", id="outside-file"),
        pytest.param("SELECT * FROM read_text('/etc/hostname')", "Permission", id="system-file"),
        pytest.param("SELECT * FROM glob('{tmp}/*')", "Permission", id="listing-outside"),
        pytest.param("INSTALL httpfs", "LOAD", id="install"),
    ],
)
def test_sql_cannot_write_or_read_outside_the_run(json_run, tmp_path, sql, says):
    """`results --sql` runs one read-only statement that sees only the run's own files: a
    query from someone else can neither change the run nor read or write anything else."""
    _, out = json_run
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = CliRunner().invoke(
        app, ["results", str(out), "--sql", sql.format(out=out, tmp=tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.csv"]

"""`airguard results --format table|csv|json`: csv and json exact, the table never cut when
standard output is not a terminal (the test runner's stdout is not one)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.results.store import read_manifest, read_table

runner = CliRunner()


@pytest.fixture(scope="module")
def run(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results-format") / "run"
    result = runner.invoke(
        app,
        ["run", str(small_path), "--variant", "patriot", "--reps", "4", "--workers", "1",
         "-o", str(out), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def variants(run: Path) -> Path:
    """A parent of two variant run directories (copies of the same run)."""
    parent = run.parent / "variants"
    for name in ("a", "b"):
        shutil.copytree(run, parent / name)
    return parent


def _results(*args: str) -> str:
    result = runner.invoke(app, ["results", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_of_a_query_is_exact(run: Path) -> None:
    text = _results(str(run), "--sql", "SELECT * FROM replications ORDER BY replication",
                    "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    table = read_table(run, "replications").to_pylist()
    assert len(rows) == len(table) == 4
    for got, want in zip(rows, sorted(table, key=lambda r: r["replication"]), strict=True):
        assert list(got) == list(want)
        for name, value in want.items():
            if value is None:
                assert got[name] == "", name
            elif isinstance(value, float):
                assert float(got[name]) == value, name  # every digit
            else:
                assert got[name] == str(value), name


def test_every_format_gives_every_digit_of_a_float_but_the_table(run: Path) -> None:
    sql = "SELECT CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE) AS x"
    assert _results(str(run), "--sql", sql, "-f", "csv") == "x\n0.30000000000000004\n"
    (line,) = _results(str(run), "--sql", sql, "--format", "json").splitlines()
    assert json.loads(line) == {"run": str(run), "rows": [{"x": 0.30000000000000004}]}
    assert _results(str(run), "--sql", sql, "--json") == _results(
        str(run), "--sql", sql, "--format", "json"
    )
    table = _results(str(run), "--sql", sql)
    assert " 0.3 " in table
    assert "0.30000000000000004" not in table


def test_table_is_not_cut_when_piped(run: Path) -> None:
    long = "x" * 300
    text = _results(str(run), "--sql", f"SELECT '{long}' AS a, 'b' AS b, 1.5 AS c")
    assert long in text  # one line, whole, however wide
    assert "…" not in text


def test_csv_of_several_variants_names_the_run_of_each_row(variants: Path) -> None:
    text = _results(str(variants), "--sql", "SELECT count(*) AS n FROM replications",
                    "--format", "csv")  # fmt: skip
    assert text.splitlines() == [
        "run,n",
        f"{variants / 'a'},4",
        f"{variants / 'b'},4",
    ]


def test_summary_as_csv_is_one_row_per_figure(run: Path) -> None:
    text = _results(str(run), "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["field", "value"]
    values = dict(rows[1:])
    summary = read_manifest(run)["summary"]
    assert values["replications"] == str(summary["replications"])
    first = summary["assets"][0]
    assert values["assets[0].name"] == first["name"]
    assert float(values["assets[0].p_undamaged"]) == first["p_undamaged"]


def test_summary_as_json_is_the_stored_summary(run: Path) -> None:
    payload = json.loads(_results(str(run), "--format", "json"))
    summary = read_manifest(run)["summary"]
    assert payload["replications"] == summary["replications"]
    assert payload["assets"] == summary["assets"]


def test_json_and_another_format_together_are_refused(run: Path) -> None:
    result = runner.invoke(app, ["results", str(run), "--json", "--format", "csv"])
    assert result.exit_code == 2
    assert (
        result.stderr == "airguard: error: --json prints JSON: pass it or --format csv, not both\n"
    )

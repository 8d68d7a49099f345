"""Results in Python: `read_run`, the run object's tables and SQL, `simulate(progress=True)`,
the short reprs and the coverage maps as an xarray Dataset.

One small campaign (the small scenario's Patriot variant, 6 replications in batches of
2) is run twice with the same seed, once written to a run directory and once kept in
memory; the flagship is run for 2 replications per variant to hold its reprs short.
"""

from __future__ import annotations

import html.parser
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import airguard
from airguard.errors import InputError
from airguard.results.compare import compare_runs
from airguard.results.store import TABLES, QueryError, RunDamagedError
from tests.conftest import FLAGSHIP

REPS = 6
SEED = 11
REPR_MAX = 1_000
"""Longest repr accepted on the flagship (characters): a few lines."""


@pytest.fixture(scope="module")
def scenario(small_path: Path) -> airguard.Scenario:
    (sc,) = airguard.load_scenario(small_path, variant="patriot")
    return sc


@pytest.fixture(scope="module")
def written(scenario: airguard.Scenario, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("api") / "patriot"
    run = airguard.simulate(scenario, REPS, seed=SEED, workers=1, batch_size=2, out=out)
    return run, out


@pytest.fixture(scope="module")
def in_memory(scenario: airguard.Scenario) -> airguard.Run:
    return airguard.simulate(scenario, REPS, seed=SEED, workers=1, batch_size=2)


def _parquet(run_dir: Path, name: str) -> pa.Table:
    parts = sorted((run_dir / name).glob("part-*.parquet"))
    return pa.concat_tables([pq.read_table(p) for p in parts])


# ---------------------------------------------------------------- read_run


def test_read_run_gives_the_summary_simulate_returned(written) -> None:  # type: ignore[no-untyped-def]
    run, out = written
    back = airguard.read_run(out)
    assert isinstance(back, airguard.Run)
    assert isinstance(run, airguard.Run)
    assert back.summary == run.summary
    assert back.summary.to_json() == run.summary.to_json()
    assert (back.variant, back.replications, back.seed, back.run_dir) == (
        "patriot",
        REPS,
        SEED,
        out,
    )


def test_a_run_read_back_knows_its_scenario(written, scenario: airguard.Scenario) -> None:  # type: ignore[no-untyped-def]
    back = airguard.read_run(written[1])
    assert back.scenario.digest == scenario.digest
    assert back.scenario.variant == "patriot"
    assert back.world.asset_names == written[0].world.asset_names


def test_table_is_the_parquet_content(written) -> None:  # type: ignore[no-untyped-def]
    _, out = written
    back = airguard.read_run(out)
    assert back.tables == TABLES
    for name in TABLES:
        frame = back.table(name)
        assert isinstance(frame, pd.DataFrame)
        pd.testing.assert_frame_equal(frame, _parquet(out, name).to_pandas(), check_exact=True)
    assert back.table("replications")["replication"].tolist() == list(range(REPS))


def test_a_wrong_table_name_lists_the_tables(written, in_memory: airguard.Run) -> None:  # type: ignore[no-untyped-def]
    for run in (airguard.read_run(written[1]), in_memory):
        with pytest.raises(InputError, match="no table 'engagement' in this run") as err:
            run.table("engagement")
        assert "replications, assets, threats, engagements, impacts" in str(err.value)


def test_simulate_without_out_keeps_the_tables_bit_for_bit(
    written, in_memory: airguard.Run
) -> None:  # type: ignore[no-untyped-def]
    _, out = written
    assert in_memory.run_dir is None
    for name in TABLES:
        assert in_memory.arrow(name).equals(_parquet(out, name)), name
        pd.testing.assert_frame_equal(
            in_memory.table(name), _parquet(out, name).to_pandas(), check_exact=True
        )
    assert in_memory.summary == written[0].summary


SQL = (
    "SELECT interceptor_type, count(*) AS n, sum(miss_distance_m) AS miss_m "
    "FROM engagements GROUP BY 1 ORDER BY 1"
)


def test_sql_gives_a_dataframe_on_disk_and_in_memory_alike(
    written, in_memory: airguard.Run
) -> None:  # type: ignore[no-untyped-def]
    on_disk = airguard.read_run(written[1]).sql(SQL)
    assert isinstance(on_disk, pd.DataFrame)
    # (DuckDB sums in parallel, in no fixed order: equal to rounding)
    pd.testing.assert_frame_equal(on_disk, in_memory.sql(SQL), check_exact=False, rtol=1e-12)
    engagements = in_memory.table("engagements")
    assert on_disk["n"].sum() == len(engagements)
    assert on_disk["miss_m"].sum() == pytest.approx(engagements["miss_distance_m"].sum())


@pytest.mark.parametrize(
    "statement",
    [
        "DROP VIEW engagements",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO engagements SELECT * FROM engagements",
        "COPY engagements TO 'copy.csv'",
        "PRAGMA version",
        "SET threads = 1",
        "SELECT 1; SELECT 2",
    ],
)
def test_sql_refuses_all_but_one_read_only_statement(
    written, in_memory: airguard.Run, statement: str
) -> None:  # type: ignore[no-untyped-def]
    _, out = written
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    for run in (airguard.read_run(out), in_memory):
        with pytest.raises(QueryError):
            run.sql(statement)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_sql_reads_no_file_outside_the_run(
    written, in_memory: airguard.Run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import duckdb

    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    for run in (airguard.read_run(written[1]), in_memory):
        with pytest.raises(duckdb.Error, match="Permission"):
            run.sql(f"SELECT * FROM read_csv('{secret}')")


# ---------------------------------------------------------------- errors


def test_read_run_of_a_directory_without_a_run_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no manifest.json"):
        airguard.read_run(tmp_path)


def test_read_run_of_several_variants_names_them(written, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("patriot", "s-400"):
        shutil.copytree(written[1], tmp_path / name)
    with pytest.raises(FileNotFoundError, match="runs of 2 variants") as err:
        airguard.read_run(tmp_path)
    assert str(tmp_path / "patriot") in str(err.value)
    assert airguard.read_run(tmp_path / "s-400").summary == written[0].summary


def test_read_run_of_an_unfinished_run_names_the_resume(written, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_dir = tmp_path / "run"
    shutil.copytree(written[1], run_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    (run_dir / "manifest.json").unlink()
    (run_dir / "progress.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"unfinished.*--resume"):
        airguard.read_run(run_dir)


def test_read_run_of_a_damaged_run_refuses_it(written, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_dir = tmp_path / "run"
    shutil.copytree(written[1], run_dir)
    part = run_dir / "threats" / "part-00001.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    with pytest.raises(RunDamagedError, match=r"threats/part-00001.parquet is not as written"):
        airguard.read_run(run_dir)
    (run_dir / "manifest.json").write_text('{"summary": {', encoding="utf-8")
    with pytest.raises(RunDamagedError, match=r"manifest.json: cannot be read"):
        airguard.read_run(run_dir)


def test_a_run_whose_scenario_moved_or_changed_still_reads(
    small_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "scenario.yaml"
    shutil.copy(small_path, source)
    (sc,) = airguard.load_scenario(source, variant="patriot")
    airguard.simulate(sc, 2, workers=1, out=tmp_path / "run")
    source.write_text(small_path.read_text(encoding="utf-8").replace("seed: 7", "seed: 8"))
    back = airguard.read_run(tmp_path / "run")
    with pytest.raises(InputError, match="changed since this run was made"):
        _ = back.scenario
    source.unlink()
    back = airguard.read_run(tmp_path / "run")
    with pytest.raises(InputError, match="is not there"):
        _ = back.scenario
    assert back.summary.replications == 2
    assert len(back.table("replications")) == 2


# ---------------------------------------------------------------- progress


def test_simulate_draws_nothing_unless_asked(
    scenario: airguard.Scenario, capfd: pytest.CaptureFixture[str]
) -> None:
    airguard.simulate(scenario, 2, workers=1)
    assert capfd.readouterr() == ("", "")


def test_progress_draws_a_bar_and_still_calls_back(
    scenario: airguard.Scenario, capfd: pytest.CaptureFixture[str]
) -> None:
    calls: list[int] = []
    run = airguard.simulate(
        scenario, 4, seed=SEED, workers=1, batch_size=2, progress=True, on_batch=calls.append
    )
    assert calls == [2, 2]
    out, err = capfd.readouterr()
    assert out == ""
    assert "patriot" in err
    assert "4/4 replications" in err
    assert run.summary.replications == 4


def test_in_a_notebook_without_ipywidgets_the_bar_is_a_line_redrawn(
    scenario: airguard.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    import IPython.display
    import rich.console

    shown: list[str] = []

    class Handle:
        def update(self, obj: object) -> None:
            shown.append(obj.data)  # type: ignore[attr-defined]

    def display(obj: object, display_id: bool = False) -> Handle:
        shown.append(obj.data)  # type: ignore[attr-defined]
        return Handle()

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(rich.console, "_is_jupyter", lambda: True)
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ipywidgets" else real_find_spec(name, *a),
    )
    monkeypatch.setattr(IPython.display, "display", display)
    airguard.simulate(scenario, 4, workers=1, batch_size=2, progress=True)
    assert shown[-1].startswith("patriot  ")
    assert "4/4 replications" in shown[-1]
    assert "█" * 30 in shown[-1]


# ---------------------------------------------------------------- reprs


class _Html(html.parser.HTMLParser):
    """Checks that tags nest and close (void tags aside)."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "col", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, tag
        assert self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def _check_html(text: str) -> set[str]:
    parser = _Html()
    parser.feed(text)
    parser.close()
    assert parser.stack == []
    assert {"table", "tr", "td"} <= parser.tags
    return parser.tags


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> dict[str, airguard.Run]:
    out = tmp_path_factory.mktemp("flagship")
    return {
        sc.label: airguard.simulate(sc, 2, workers=1, out=out / sc.label)
        for sc in airguard.load_scenario(FLAGSHIP)
    }


def test_the_flagships_reprs_are_a_few_lines(flagship: dict[str, airguard.Run]) -> None:
    run = flagship["patriot-nato"]
    comparison = compare_runs(flagship["patriot"].run_dir, flagship["s-400"].run_dir)  # type: ignore[arg-type]
    for obj in (run.scenario, run, airguard.read_run(run.run_dir), run.summary, comparison):  # type: ignore[arg-type]
        text = repr(obj)
        assert len(text) < REPR_MAX, text
        assert text.count("\n") <= 10, text
    assert repr(run.scenario).startswith("<Scenario 'Turkey, Patriot vs S-400' [patriot-nato]")
    assert "5 assets, 4 units, 1 sensor, 8 raids (42 threats)" in repr(run.scenario)
    assert repr(run).startswith("<Run 'Turkey, Patriot vs S-400' [patriot-nato]: 2 replications")
    assert "P(undamaged): Incirlik Air Base" in repr(run.summary)
    assert "<Comparison A 'patriot' vs B 's-400', paired, 2 replications each" in repr(comparison)


def test_the_html_reprs_are_compact_tables(flagship: dict[str, airguard.Run]) -> None:
    run = flagship["patriot"]
    comparison = compare_runs(flagship["patriot"].run_dir, flagship["s-400"].run_dir)  # type: ignore[arg-type]
    for obj in (run.scenario, run, run.summary, comparison):
        text = obj._repr_html_()
        _check_html(text)
        assert len(text) < 10_000
    assert "Ankara" in run._repr_html_()
    assert "P(Ankara undamaged)" in run.summary._repr_html_()
    assert "B − A [95 % CI]" in comparison._repr_html_()
    assert len(comparison._repr_html_().split("<tr>")) - 2 == len(comparison.figures)


def test_names_are_escaped_in_html(in_memory: airguard.Run) -> None:
    summary = in_memory.summary
    summary_json = summary.to_json()
    summary_json["assets"][0]["name"] = "<script>alert(1)</script>"
    text = type(summary).from_json(summary_json)._repr_html_()
    assert "<script>" not in text
    assert "&lt;script&gt;" in text


# ---------------------------------------------------------------- coverage


BOUNDS = (36.2, 34.5, 37.9, 36.6)


@pytest.fixture(scope="module")
def coverage(small_path: Path):  # type: ignore[no-untyped-def]
    from airguard.studies.coverage import coverage_grid

    return coverage_grid(small_path, variant="patriot", bounds=BOUNDS, resolution_m=5000.0)


def test_coverage_dataset_holds_the_maps_with_their_units(coverage) -> None:  # type: ignore[no-untyped-def]
    ds = coverage.to_dataset()
    ny, nx = coverage.shape
    assert dict(ds.sizes) == {"unit": 1, "threat": 2, "lat": ny, "lon": nx, "asset": 1}
    assert ds["pd"].dims == ("unit", "threat", "lat", "lon")
    assert ds["pd"].dtype == np.float32
    assert ds["engageable"].dtype == np.bool_
    assert np.shares_memory(ds["pd"].values, coverage.pd)
    assert ds["lat"].attrs["units"] == "degrees_north"
    assert ds["lon"].attrs["units"] == "degrees_east"
    assert ds["altitude"].attrs["units"] == "m"
    assert ds["pd"].attrs["units"] == "1"
    assert list(ds["unit"].values) == ["Battery"]
    assert list(ds["threat"].values) == ["scud-b", "shahed-136"]
    assert ds.attrs["pd_min"] == coverage.pd_min
    layer = ds["pd"].sel(unit="Battery", threat="scud-b")
    np.testing.assert_array_equal(layer.values, coverage.layer("Battery", "scud-b", "detection"))
    detected = (ds["pd"] >= ds.attrs["pd_min"]).values
    np.testing.assert_array_equal(detected, coverage.detected)


def test_coverage_netcdf_beside_the_rasters_holds_the_rasters_numbers(
    coverage, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import xarray as xr

    from airguard.studies.coverage import NETCDF_NAME, write_netcdf, write_outputs

    rasterio = pytest.importorskip("rasterio")
    written = write_outputs(coverage, tmp_path)
    assert written["netcdf"] == [tmp_path / NETCDF_NAME]
    with xr.open_dataset(tmp_path / NETCDF_NAME) as ds:
        assert ds["engageable"].dtype == np.bool_
        for t, threat in enumerate(coverage.threat_names):
            for kind, var in (("detection", "pd"), ("engagement", "engageable")):
                with rasterio.open(tmp_path / f"battery-{threat}-{kind}.tif") as src:
                    north_up = src.read(1)
                np.testing.assert_array_equal(
                    ds[var].isel(unit=0, threat=t).values[::-1].astype(north_up.dtype), north_up
                )
        xr.testing.assert_identical(ds.load(), coverage.to_dataset())
    plain = write_netcdf(coverage, tmp_path / "coverage.nc")
    with xr.open_dataset(plain) as ds:
        xr.testing.assert_identical(ds.load(), coverage.to_dataset())
    assert (tmp_path / NETCDF_NAME).stat().st_size < plain.stat().st_size / 4

"""``airguard track`` end to end: detection files in, track files out; bad input exits 2.

The detections are generated here from three straight-flying aircraft seen by a radar
at 40° N 30° E (geodetic positions converted with pymap3d, independently of airguard's
own geodesy), written as CSV and Parquet; the tracks must come back in the documented
columns, confirmed, and within a few measurement errors of the truth.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pymap3d
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.tracking.io import TRACK_COLUMNS

runner = CliRunner()
LAT, LON, ALT = 40.0, 30.0, 100.0
SIGMA_ARGS = ["--sigma-range", "20", "--sigma-az", "0.05", "--sigma-el", "0.05"]
TIMES = np.arange(0.0, 100.0, 5.0)


def truth_enu(j: int, t: float) -> np.ndarray:
    """Aircraft j at time t: east, north, up of the radar, m (150 m/s east, 100 m/s south)."""
    return np.array([20e3 + 10e3 * j + 150.0 * t, 30e3 - 100.0 * t, 3000.0 + 1000.0 * j])


def detection_table(rng: np.random.Generator) -> pa.Table:
    rows: dict[str, list[object]] = {
        k: []
        for k in ("time", "sensor", "sensor_lat", "sensor_lon", "sensor_alt", "range",
                  "azimuth", "elevation", "label")
    }  # fmt: skip
    for t in TIMES:
        for j in range(3):
            az, el, r = pymap3d.enu2aer(*truth_enu(j, t))
            values = (t, "north-radar", LAT, LON, ALT, r + rng.normal() * 20.0,
                      az + rng.normal() * 0.05, el + rng.normal() * 0.05, j)  # fmt: skip
            for key, v in zip(rows, values, strict=True):
                rows[key].append(v)
    return pa.table(rows)


@pytest.fixture(scope="module")
def detections(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("detections")
    table = detection_table(np.random.default_rng(3))
    paths = {"csv": root / "det.csv", "parquet": root / "det.parquet"}
    pcsv.write_csv(table, paths["csv"])
    pq.write_table(table, paths["parquet"])
    return paths


@pytest.mark.parametrize(("source", "target"), [("csv", "parquet"), ("parquet", "csv")])
def test_track_command_writes_confirmed_tracks_of_the_three_aircraft(
    detections: dict[str, Path], tmp_path: Path, source: str, target: str
) -> None:
    out = tmp_path / f"tracks.{target}"
    result = runner.invoke(app, ["track", str(detections[source]), "--out", str(out), *SIGMA_ARGS])
    assert result.exit_code == 0, result.stderr
    assert "60 detections in 20 looks: 3 tracks started, 3 confirmed" in result.stdout
    table = pq.read_table(out) if target == "parquet" else pcsv.read_csv(out)
    assert table.column_names == list(TRACK_COLUMNS)
    assert table.num_rows == 60  # one row per track update
    last = table.filter(pa.compute.equal(table.column("time"), TIMES[-1])).to_pylist()
    assert {row["status"] for row in last} == {"confirmed"}
    for row in last:
        ecef = np.array(pymap3d.geodetic2ecef(row["lat"], row["lon"], row["alt"]))
        xyz = np.array([row["x"], row["y"], row["z"]])
        np.testing.assert_allclose(xyz, ecef, atol=1e-3)  # lat/lon/alt agree to 1 mm
        truth = np.array(pymap3d.enu2ecef(*truth_enu(row["label"], TIMES[-1]), LAT, LON, ALT))
        # within 4 standard deviations of the track's own variance on each ECEF axis
        # (0.05 deg is 26-51 m across the beam at 30-58 km, smoothed over 20 looks)
        sd = np.sqrt([row["var_x"], row["var_y"], row["var_z"]])
        assert np.all(np.abs(xyz - truth) < 4.0 * sd), (xyz - truth, sd)
        assert np.all(sd < 50.0)
        speed = math.sqrt(row["vx"] ** 2 + row["vy"] ** 2 + row["vz"] ** 2)
        assert speed == pytest.approx(math.hypot(150.0, 100.0), abs=5.0)  # m/s
        assert 0.0 < row["var_vx"] < 10.0**2


def write_csv(path: Path, table: pa.Table) -> Path:
    pcsv.write_csv(table, path)
    return path


def bad_input(tmp_path: Path, name: str, change: dict[str, object], row: int = 2) -> Path:
    """The test detections with column values replaced on data row `row` (0-based)."""
    table = detection_table(np.random.default_rng(3))
    columns = {k: table.column(k).to_pylist() for k in table.column_names}
    for key, value in change.items():
        columns.setdefault(key, [1.0] * table.num_rows)
        columns[key][row] = value
    path = tmp_path / name
    if path.suffix == ".csv":
        # write every column as text so that a bad value reaches the file verbatim
        text = pa.table({k: [str(v) for v in vs] for k, vs in columns.items()})
        return write_csv(path, text)
    pq.write_table(pa.table(columns), path)
    return path


def run_track(path: Path, tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["track", str(path), "--out", str(tmp_path / "t.csv"), *SIGMA_ARGS, *extra]
    )
    return result.exit_code, result.stderr


def test_non_numeric_range_names_file_line_row_and_column(tmp_path: Path) -> None:
    path = bad_input(tmp_path, "det.csv", {"range": "abc"})
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert f"{path} line 4: range: expected a number, got 'abc' (data row 3)" in err


def test_negative_range_in_parquet_names_the_row_and_column(tmp_path: Path) -> None:
    path = bad_input(tmp_path, "det.parquet", {"range": -5.0}, row=6)
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert f"{path}: range: expected a finite range > 0 m, got -5 (data row 7)" in err


def test_elevation_beyond_90_degrees_is_refused(tmp_path: Path) -> None:
    path = bad_input(tmp_path, "det.csv", {"elevation": 95.0}, row=0)
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert "line 2: elevation: expected an elevation from -90 to 90 deg, got 95 (data row 1)" in err


def test_missing_column_is_named(tmp_path: Path) -> None:
    table = detection_table(np.random.default_rng(3)).drop_columns(["azimuth"])
    path = write_csv(tmp_path / "det.csv", table)
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert f"{path}: missing column(s) azimuth" in err


def test_missing_sigma_names_the_column_and_the_option(
    tmp_path: Path, detections: dict[str, Path]
) -> None:
    result = runner.invoke(
        app,
        ["track", str(detections["csv"]), "--out", str(tmp_path / "t.csv"), "--sigma-range", "20"],
    )
    assert result.exit_code == 2
    assert (
        "sigma_azimuth: no 'sigma_azimuth' column and no value given (--sigma-az" in result.stderr
    )


def test_sensor_position_changing_within_one_look_is_refused(tmp_path: Path) -> None:
    path = bad_input(tmp_path, "det.csv", {"sensor_lat": 41.0}, row=1)
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert "line 3: sensor_lat: differs within one look (sensor north-radar at time 0 s)" in err


def test_bad_options_exit_2(tmp_path: Path, detections: dict[str, Path]) -> None:
    det = str(detections["csv"])
    for extra, message in (
        (["--confirm", "3of4"], "--confirm: expected M/N such as 3/4, got '3of4'"),
        (["--confirm", "5/4"], "confirm_m: expected at most confirm_n = 4, got 5"),
        (["--model", "jerk"], "--model: expected cv, ca, ballistic, imm"),
    ):
        result = runner.invoke(
            app, ["track", det, "--out", str(tmp_path / "t.csv"), *SIGMA_ARGS, *extra]
        )
        assert result.exit_code == 2, extra
        assert message in result.stderr
    result = runner.invoke(app, ["track", det, "--out", str(tmp_path / "t.json"), *SIGMA_ARGS])
    assert result.exit_code == 2
    assert "--out must end in .csv or .parquet" in result.stderr


def test_imm_model_runs_on_the_same_file(detections: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "imm.parquet"
    result = runner.invoke(
        app, ["track", str(detections["csv"]), "--out", str(out), "--model", "imm", *SIGMA_ARGS]
    )
    assert result.exit_code == 0, result.stderr
    assert "3 tracks started, 3 confirmed" in result.stdout


def test_json_prints_the_counts_and_o_names_the_file(
    detections: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "tracks.csv"
    result = runner.invoke(
        app, ["track", str(detections["csv"]), "-o", str(out), *SIGMA_ARGS, "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "detections": 60,
        "looks": 20,
        "tracks_started": 3,
        "tracks_confirmed": 3,
        "track_rows": 60,
        "out": str(out),
    }
    assert out.is_file()


def test_track_is_listed_in_help_and_the_tracker_is_imported_lazily() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "track" in result.stdout
    code = "import sys, airguard.cli.main; print('airguard.tracking' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_csv_row_with_a_missing_value_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text(
        "time,sensor,sensor_lat,sensor_lon,sensor_alt,range,azimuth,elevation\n"
        "0,r1,40,30,0,1000,10,1\n"
        "0,r1,40,30,0,1000,10\n"
    )
    code, err = run_track(path, tmp_path)
    assert code == 2
    assert f"{path} line 3: expected 8 comma-separated values as in the header, got 7" in err

"""Detection files in, track files out: the tracker on a user's own radar data.

Detection file (CSV with a header line, or Parquet), one row per detection:

=====================  ========  =====================================================
column                 unit      meaning
=====================  ========  =====================================================
``time``               s         time of the look (any epoch; looks are processed in
                                 time order, ties by sensor)
``sensor``             --        sensor id (text or integer); the detections of one
                                 sensor at one time form one look
``sensor_lat``         deg       geodetic latitude of the sensor (WGS84)
``sensor_lon``         deg       longitude of the sensor
``sensor_alt``         m         height of the sensor above the WGS84 ellipsoid
``range``              m         measured range, > 0
``azimuth``            deg       measured azimuth, from true north, clockwise
``elevation``          deg       measured elevation above the local horizontal plane
``range_rate``         m/s       optional: measured range rate (used only with a
                                 range-rate sigma)
``label``              --        optional integer truth label (-1: false alarm),
                                 copied to the tracks for scoring, never used
``sigma_range``        m         optional per-look measurement standard deviations;
``sigma_azimuth``      deg       where a column is absent, the value given to
``sigma_elevation``    deg       :func:`read_detections` (the command line's
``sigma_range_rate``   m/s       ``--sigma-*`` options) applies
``max_range``          m         optional per-look field of view: instrumented range,
``azimuth_center``     deg       centre and half-width of the azimuth sector (180: all
``azimuth_half_width`` deg       round) and elevation limits.  It decides which tracks a
``min_elevation``      deg       look *should* have seen (the misses that delete tracks);
``max_elevation``      deg       defaults from the options (all round, unlimited range)
=====================  ========  =====================================================

The sensor's position, sigmas and field of view must be the same on every row of one
look.  Errors name the file, the row (and for CSV the line) and the column, and are
raised as :class:`airguard.errors.InputError` (the command line's exit status 2).

Track file (CSV or Parquet, chosen by the suffix ``.csv`` or ``.parquet``), one row
per track updated (or started) by a look, in time order:

``time`` (s), ``track_id``, ``status`` (``tentative`` or ``confirmed``), ``lat``,
``lon`` (deg), ``alt`` (m above WGS84), ``x``, ``y``, ``z`` (ECEF, m), ``vx``, ``vy``,
``vz`` (ECEF, m/s), ``var_x`` … ``var_vz`` (the diagonal of the ECEF covariance, m²
and m²/s²) and ``label`` (of the last assigned detection that was not a false alarm;
-1 when there was none or the input has no labels).

The tracker runs in ``FRAME_ECEF`` (:mod:`airguard.tracking.core`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from airguard import geo
from airguard.errors import InputError
from airguard.tracking import core

__all__ = [
    "DETECTION_COLUMNS",
    "TRACK_COLUMNS",
    "Detections",
    "read_detections",
    "track_detections",
    "write_tracks",
]

REQUIRED_COLUMNS = (
    "time",
    "sensor",
    "sensor_lat",
    "sensor_lon",
    "sensor_alt",
    "range",
    "azimuth",
    "elevation",
)
LOOK_COLUMNS = (
    "sigma_range",
    "sigma_azimuth",
    "sigma_elevation",
    "sigma_range_rate",
    "max_range",
    "azimuth_center",
    "azimuth_half_width",
    "min_elevation",
    "max_elevation",
)
DETECTION_COLUMNS = (*REQUIRED_COLUMNS, "range_rate", "label", *LOOK_COLUMNS)
TRACK_COLUMNS = (
    "time", "track_id", "status", "lat", "lon", "alt", "x", "y", "z", "vx", "vy", "vz",
    "var_x", "var_y", "var_z", "var_vx", "var_vy", "var_vz", "label",
)  # fmt: skip

Float = NDArray[np.float64]


@dataclass(frozen=True)
class Detections:
    """Detections grouped into looks, in time order, ready for :func:`core.run_scans`.

    Attributes
    ----------
    path : str
        The file they came from.
    scan_t : ndarray, shape (S,)
        Look times, s, non-decreasing.
    scan_start : ndarray, shape (S + 1,)
        Look i holds detections ``scan_start[i]:scan_start[i + 1]``.
    sensor_pos : ndarray, shape (S, 3)
        Sensor position of each look, ECEF m.
    sensor_basis : ndarray, shape (S, 3, 3)
        Its east, north, up unit vectors (rows), ECEF.
    sigma : ndarray, shape (S, 4)
        Range m, azimuth rad, elevation rad, range rate m/s (0: not used).
    fov : ndarray, shape (S, 5)
        Max range m, azimuth centre rad, half-width rad, min and max elevation rad.
    z : ndarray, shape (N, 4)
        Range m, azimuth rad, elevation rad, range rate m/s.
    label : ndarray, shape (N,)
        int64 truth labels (-1 when absent).
    """

    path: str
    scan_t: Float
    scan_start: NDArray[np.int64]
    sensor_pos: Float
    sensor_basis: Float
    sigma: Float
    fov: Float
    z: Float
    label: NDArray[np.int64]

    @property
    def n_looks(self) -> int:
        return int(self.scan_t.shape[0])

    @property
    def n_detections(self) -> int:
        return int(self.z.shape[0])


class _Where:
    """Names a row of the input file the way an :class:`InputError` wants it."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.path = path
        self.csv = csv

    def error(self, row: int, column: str, message: str) -> InputError:
        """`row` is 0-based among the data rows."""
        line = row + 2 if self.csv else None  # the header is line 1
        return InputError(
            f"{message} (data row {row + 1})", file=self.path, line=line, field=column
        )


def _read_table(path: Path) -> tuple[Any, bool]:
    import pyarrow as pa

    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=path)
    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            return pq.read_table(path), False
        if suffix == ".csv":
            import pyarrow.csv as pcsv

            opts = pcsv.ConvertOptions(column_types={"sensor": pa.string()})
            return pcsv.read_csv(path, convert_options=opts), True
    except (pa.ArrowInvalid, OSError) as exc:
        line, message = _csv_problem(path) if suffix == ".csv" else (None, None)
        message = message or f"cannot read: {str(exc).splitlines()[0]}"
        raise InputError(message, file=path, line=line) from exc
    raise InputError(
        f"expected a .csv or .parquet detection file, got suffix '{path.suffix}'", file=path
    )


def _csv_problem(path: Path) -> tuple[int | None, str | None]:
    """Line and description of the first CSV row whose field count differs from the header."""
    import csv

    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as f:
            rows = csv.reader(f)
            header = next(rows, [])
            for row in rows:
                if len(row) != len(header):
                    return rows.line_num, (
                        f"expected {len(header)} comma-separated values as in the header, "
                        f"got {len(row)}"
                    )
    except (OSError, csv.Error):
        return None, None
    return None, None


def _numbers(table: Any, name: str, where: _Where) -> Float:
    """A column as float64, refusing missing and non-numeric values by row."""
    import pyarrow as pa

    col = table.column(name)
    if col.null_count:
        row = int(np.nonzero(np.asarray(col.is_null().to_numpy(zero_copy_only=False)))[0][0])
        raise where.error(row, name, "missing value; expected a number")
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        return np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)
    values = col.to_pylist()
    out = np.empty(len(values))
    for i, v in enumerate(values):
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise where.error(i, name, f"expected a number, got {v!r}") from None
    return out


def _check(values: Float, ok: NDArray[np.bool_], name: str, where: _Where, expected: str) -> None:
    bad = np.nonzero(~ok)[0]
    if bad.size:
        i = int(bad[0])
        raise where.error(i, name, f"expected {expected}, got {values[i]:g}")


def read_detections(
    path: str | Path,
    *,
    sigma_range_m: float | None = None,
    sigma_azimuth_deg: float | None = None,
    sigma_elevation_deg: float | None = None,
    sigma_range_rate_mps: float | None = None,
    max_range_m: float = math.inf,
    azimuth_center_deg: float = 0.0,
    azimuth_half_width_deg: float = 180.0,
    min_elevation_deg: float = -90.0,
    max_elevation_deg: float = 90.0,
) -> Detections:
    """Read and check a detection file (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (with a header line) or ``.parquet`` file.
    sigma_range_m, sigma_azimuth_deg, sigma_elevation_deg : float, optional
        Measurement standard deviations (m, deg, deg) for files without the
        ``sigma_*`` columns; required where a column is absent.
    sigma_range_rate_mps : float, optional
        Range-rate standard deviation, m/s: with a ``range_rate`` column the range rate
        is used only when this (or a ``sigma_range_rate`` column) is > 0.
    max_range_m, azimuth_center_deg, azimuth_half_width_deg, min_elevation_deg, max_elevation_deg : float
        Field of view of looks whose rows lack the corresponding columns.

    Returns
    -------
    Detections

    Raises
    ------
    InputError
        Naming the file, row (and CSV line) and column of the first bad value.
    """
    p = Path(path)
    table, is_csv = _read_table(p)
    where = _Where(p, is_csv)
    names = set(table.column_names)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; a detection file needs "
            f"{', '.join(REQUIRED_COLUMNS)} (and optionally range_rate, label, sigma_*)",
            file=p,
        )
    cols, sensors, rr, label = _row_values(table, names, where)
    # per-look values: column or option
    defaults: dict[str, float | None] = {
        "sigma_range": sigma_range_m,
        "sigma_azimuth": sigma_azimuth_deg,
        "sigma_elevation": sigma_elevation_deg,
        "sigma_range_rate": 0.0 if sigma_range_rate_mps is None else sigma_range_rate_mps,
        "max_range": max_range_m,
        "azimuth_center": azimuth_center_deg,
        "azimuth_half_width": azimuth_half_width_deg,
        "min_elevation": min_elevation_deg,
        "max_elevation": max_elevation_deg,
    }
    look = _look_values(table, names, where, defaults)
    order, starts = _looks(cols, sensors, look, where)
    return _grouped(p, cols, rr, label, look, order, starts)


def _row_values(
    table: Any, names: set[str], where: _Where
) -> tuple[dict[str, Float], NDArray[np.object_], Float, NDArray[np.int64]]:
    """The checked values of each detection: the numeric required columns by name, the
    sensor ids (as text), the range rates (m/s, 0 without the column) and the labels
    (-1 without the column)."""
    n = table.num_rows
    cols: dict[str, Float] = {}
    for name in (*REQUIRED_COLUMNS[:1], *REQUIRED_COLUMNS[2:]):
        cols[name] = _numbers(table, name, where)
    sensor_col = table.column("sensor")
    if sensor_col.null_count:
        row = int(np.nonzero(np.asarray(sensor_col.is_null().to_numpy(zero_copy_only=False)))[0][0])
        raise where.error(row, "sensor", "missing sensor id")
    sensors = np.asarray([str(s) for s in sensor_col.to_pylist()], dtype=object)
    _check(cols["time"], np.isfinite(cols["time"]), "time", where, "a finite time in s")
    lat, lon, alt = cols["sensor_lat"], cols["sensor_lon"], cols["sensor_alt"]
    _check(lat, np.abs(lat) <= 90.0, "sensor_lat", where, "a latitude from -90 to 90 deg")
    _check(lon, np.abs(lon) <= 360.0, "sensor_lon", where, "a longitude from -360 to 360 deg")
    _check(alt, np.isfinite(alt) & (np.abs(alt) < 1e6), "sensor_alt", where, "a height in m")
    rng = cols["range"]
    _check(rng, np.isfinite(rng) & (rng > 0.0), "range", where, "a finite range > 0 m")
    az = cols["azimuth"]
    _check(az, np.isfinite(az), "azimuth", where, "a finite azimuth in deg")
    el = cols["elevation"]
    _check(el, np.abs(el) <= 90.0, "elevation", where, "an elevation from -90 to 90 deg")
    rr = np.zeros(n)
    if "range_rate" in names:
        rr = _numbers(table, "range_rate", where)
        _check(rr, np.isfinite(rr), "range_rate", where, "a finite range rate in m/s")
    label = np.full(n, -1, np.int64)
    if "label" in names:
        lab = _numbers(table, "label", where)
        _check(lab, lab == np.round(lab), "label", where, "an integer label")
        label = lab.astype(np.int64)
    return cols, sensors, rr, label


def _look_values(
    table: Any, names: set[str], where: _Where, defaults: dict[str, float | None]
) -> dict[str, Float]:
    """Each of :data:`LOOK_COLUMNS` for each detection, checked: from its column, else the
    value in `defaults` (InputError where that is None)."""
    n = table.num_rows
    option = {
        "sigma_range": "--sigma-range",
        "sigma_azimuth": "--sigma-az",
        "sigma_elevation": "--sigma-el",
    }
    look: dict[str, Float] = {}
    for name in LOOK_COLUMNS:
        if name in names:
            look[name] = _numbers(table, name, where)
        else:
            value = defaults[name]
            if value is None:
                raise InputError(
                    f"no '{name}' column and no value given ({option[name]} on the command line)",
                    file=where.path,
                    field=name,
                )
            look[name] = np.full(n, float(value))
    for name in ("sigma_range", "sigma_azimuth", "sigma_elevation"):
        v = look[name]
        _check(v, np.isfinite(v) & (v > 0.0), name, where, "a standard deviation > 0")
    v = look["sigma_range_rate"]
    _check(v, np.isfinite(v) & (v >= 0.0), "sigma_range_rate", where, "a standard deviation >= 0")
    _check(look["max_range"], look["max_range"] > 0.0, "max_range", where, "a range > 0 m")
    half = look["azimuth_half_width"]
    _check(half, (half > 0.0) & (half <= 180.0), "azimuth_half_width", where, "0 < deg <= 180")
    for name in ("azimuth_center", "min_elevation", "max_elevation"):
        _check(look[name], np.isfinite(look[name]), name, where, "a finite angle in deg")
    return look


def _looks(
    cols: dict[str, Float],
    sensors: NDArray[np.object_],
    look: dict[str, Float],
    where: _Where,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The looks: the detections' rows in look order, and where each look starts in it.

    A look is the detections of one sensor at one time; looks in time order, ties by
    sensor id.  The sensor's position and the per-look values must agree within a look
    (InputError naming the first row that differs)."""
    # looks: (time, sensor) groups in time order, ties by sensor id
    n = sensors.shape[0]
    _, sensor_code = np.unique(sensors, return_inverse=True)
    order = np.lexsort((sensor_code, cols["time"]))
    t_sorted = cols["time"][order]
    s_sorted = sensor_code[order]
    new_look = np.ones(n, np.bool_)
    if n:
        new_look[1:] = (np.diff(t_sorted) != 0.0) | (np.diff(s_sorted) != 0)
    starts = np.nonzero(new_look)[0]
    per_look = {
        "sensor_lat": cols["sensor_lat"],
        "sensor_lon": cols["sensor_lon"],
        "sensor_alt": cols["sensor_alt"],
        **look,
    }
    look_of_row = np.cumsum(new_look) - 1
    for name, values in per_look.items():
        v = values[order]
        first = v[starts][look_of_row]
        differs = np.nonzero(v != first)[0]
        if differs.size:
            i = int(order[differs[0]])
            j = int(order[starts[look_of_row[differs[0]]]])
            raise where.error(
                i,
                name,
                f"differs within one look (sensor {sensors[i]} at time {cols['time'][i]:g} s): "
                f"{values[i]:g} here, {values[j]:g} on data row {j + 1}",
            )
    return order, starts


def _grouped(
    p: Path,
    cols: dict[str, Float],
    rr: Float,
    label: NDArray[np.int64],
    look: dict[str, Float],
    order: NDArray[np.intp],
    starts: NDArray[np.intp],
) -> Detections:
    """The checked detections of the file `p` in look order (see :func:`_looks`), in SI
    units and ECEF."""
    n = order.shape[0]
    lat, lon, alt = cols["sensor_lat"], cols["sensor_lon"], cols["sensor_alt"]
    rng, az, el = cols["range"], cols["azimuth"], cols["elevation"]
    t_sorted = cols["time"][order]
    first_rows = order[starts]
    s = len(starts)
    sensor_pos = geo.geodetic2ecef(lat[first_rows], lon[first_rows], alt[first_rows]).reshape(s, 3)
    basis = np.empty((s, 3, 3))
    for i, r in enumerate(first_rows):
        basis[i] = geo.enu_basis(float(lat[r]), float(lon[r]))
    sigma = np.stack(
        [
            look["sigma_range"][first_rows],
            np.radians(look["sigma_azimuth"][first_rows]),
            np.radians(look["sigma_elevation"][first_rows]),
            look["sigma_range_rate"][first_rows],
        ],
        axis=1,
    )
    fov = np.stack(
        [
            look["max_range"][first_rows],
            np.radians(look["azimuth_center"][first_rows]),
            np.radians(look["azimuth_half_width"][first_rows]),
            np.radians(look["min_elevation"][first_rows]),
            np.radians(look["max_elevation"][first_rows]),
        ],
        axis=1,
    )
    z = np.stack([rng[order], np.radians(az[order]), np.radians(el[order]), rr[order]], axis=1)
    z[:, 1] = (z[:, 1] + math.pi) % (2.0 * math.pi) - math.pi
    return Detections(
        path=str(p),
        scan_t=np.ascontiguousarray(t_sorted[starts]),
        scan_start=np.append(starts, n).astype(np.int64),
        sensor_pos=np.ascontiguousarray(sensor_pos),
        sensor_basis=basis,
        sigma=np.ascontiguousarray(sigma),
        fov=np.ascontiguousarray(fov),
        z=np.ascontiguousarray(z),
        label=np.ascontiguousarray(label[order]),
    )


def track_detections(
    detections: Detections,
    params: core.TrackerParams,
    *,
    capacity: int = 10_000,
    chunk_looks: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> Any:
    """Run the tracker over the looks of `detections` in ECEF.

    Parameters
    ----------
    detections : Detections
        From :func:`read_detections`.
    params : TrackerParams
        Tracker configuration; must have ``frame == FRAME_ECEF``.
    capacity : int
        Rows of the track table (tentative tracks included).
    chunk_looks : int
        Looks per compiled call (between progress reports).
    on_progress : callable, optional
        Called with the number of looks processed after each chunk.

    Returns
    -------
    pyarrow.Table
        The track table with :data:`TRACK_COLUMNS` (see the module docstring).
    """
    import pyarrow as pa

    if params.frame != core.FRAME_ECEF:
        raise ValueError("params.frame: detection files are tracked in ECEF; use frame='ecef'")
    tracks = core.new_tracks(capacity, len(params.models))
    counter = np.zeros(1, np.int64)
    n = detections.n_detections
    out_t = np.empty(n)
    out_row = np.empty(n, np.int64)
    out_id = np.empty(n, np.int64)
    out_status = np.empty(n, np.int64)
    out_label = np.empty(n, np.int64)
    out_x = np.empty((n, core.N_X))
    out_var = np.empty((n, core.N_X))
    written = 0
    s_all = detections.n_looks
    look_index = np.arange(s_all, dtype=np.int64)
    for a in range(0, s_all, chunk_looks):
        b = min(a + chunk_looks, s_all)
        d0 = int(detections.scan_start[a])
        d1 = int(detections.scan_start[b])
        written += core.run_scans(
            tracks,
            params,
            counter,
            detections.scan_t[a:b],
            look_index[a:b],
            detections.scan_start[a : b + 1] - d0,
            detections.sensor_pos,
            detections.sensor_basis,
            detections.sigma,
            detections.fov,
            detections.z[d0:d1],
            detections.label[d0:d1],
            out_t[written:],
            out_row[written:],
            out_id[written:],
            out_status[written:],
            out_label[written:],
            out_x[written:],
            out_var[written:],
        )
        if on_progress is not None:
            on_progress(b - a)
    sl = slice(0, written)
    order = np.lexsort((out_id[sl], out_t[sl]))
    x = out_x[sl][order]
    var = out_var[sl][order]
    lat, lon, alt = geo.ecef2geodetic(x[:, :3])
    status = np.where(out_status[sl][order] == core.STATUS_CONFIRMED, "confirmed", "tentative")
    columns: dict[str, Any] = {
        "time": out_t[sl][order],
        "track_id": out_id[sl][order],
        "status": status,
        "lat": lat,
        "lon": lon,
        "alt": alt,
    }
    for i, name in enumerate(("x", "y", "z", "vx", "vy", "vz")):
        columns[name] = x[:, i]
    for i, name in enumerate(("x", "y", "z", "vx", "vy", "vz")):
        columns[f"var_{name}"] = var[:, i]
    columns["label"] = out_label[sl][order]
    return pa.table(columns)


def write_tracks(table: Any, path: str | Path) -> Path:
    """Write the track table as Parquet (``.parquet``, ``.pq``) or CSV (``.csv``).

    Raises
    ------
    InputError
        If the suffix is neither.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        pq.write_table(table, p)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, p)
    else:
        raise InputError(
            f"expected a track file ending in .csv or .parquet, got suffix '{p.suffix}'", file=p
        )
    return p

"""WGS84 geometry: geodetic ↔ ECEF ↔ local ENU, great circles and horizons.

Internally airguard works in Earth-centred, Earth-fixed (ECEF) coordinates on
the WGS84 ellipsoid, in metres; geodetic latitude, longitude and height appear
only at the edges (files, reports).  Every conversion here is a small kernel
compiled with numba — the engine calls the kernels, and the public functions
are thin vectorised wrappers over the same kernels, so there is one copy of
each formula.  `pymap3d`_ is the independent reference the tests compare with.

Constants: NIMA TR8350.2, *Department of Defense World Geodetic System 1984*,
3rd ed. (2000), Table 3.1: a = 6 378 137 m, 1/f = 298.257223563.

.. _pymap3d: https://github.com/geospace-code/pymap3d
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit

__all__ = [
    "EFFECTIVE_EARTH_FACTOR",
    "MEAN_EARTH_RADIUS_M",
    "WGS84_A_M",
    "WGS84_B_M",
    "WGS84_E2",
    "WGS84_F",
    "destination",
    "ecef2enu",
    "ecef2geodetic",
    "enu_basis",
    "geodetic2ecef",
    "great_circle_distance_m",
    "initial_bearing_rad",
]

WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
MEAN_EARTH_RADIUS_M = 6_371_008.8
"""IUGG mean Earth radius R1 = (2a + b)/3 (Moritz, *Geodetic Reference System 1980*):
the one Earth radius of airguard's spheres (great circles, reach tables, the radio horizon)."""

EFFECTIVE_EARTH_FACTOR = 4.0 / 3.0
"""k of the effective Earth of radius k R1 that folds the standard atmosphere's refraction
into the Earth's curvature, so that radar rays are straight lines over it: the standard
value (Skolnik, *Introduction to Radar Systems*, 3rd ed., §8.2; ITU-R P.834, effective
Earth radius; Federal Standard 1037C, "effective Earth radius").  The one home of the
factor: :mod:`airguard.sensing`, :mod:`airguard.radar` and :mod:`airguard.terrain` read
it from here."""

Float = NDArray[np.float64]


@njit
def geodetic_to_ecef_kernel(
    lat_rad: float, lon_rad: float, alt_m: float
) -> tuple[float, float, float]:
    """Geodetic to ECEF (TR8350.2 eq. 4-14)."""
    s = math.sin(lat_rad)
    c = math.cos(lat_rad)
    n = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * s * s)
    x = (n + alt_m) * c * math.cos(lon_rad)
    y = (n + alt_m) * c * math.sin(lon_rad)
    z = (n * (1.0 - WGS84_E2) + alt_m) * s
    return x, y, z


@njit
def ecef_to_geodetic_kernel(x: float, y: float, z: float) -> tuple[float, float, float]:
    """ECEF to geodetic latitude, longitude (rad) and height (m), exact closed form.

    J. Zhu, "Exact conversion of Earth-centered, Earth-fixed coordinates to
    geodetic coordinates", *J. Guidance, Control and Dynamics* 16(2), 1993,
    as given by Heikkinen (1982); exact to well below a millimetre away from
    the Earth's centre.
    """
    a = WGS84_A_M
    b = WGS84_B_M
    e2 = WGS84_E2
    ep2 = (a * a - b * b) / (b * b)
    p = math.sqrt(x * x + y * y)
    lon = math.atan2(y, x)
    if p < 1e-9:
        lat = math.copysign(0.5 * math.pi, z)
        return lat, lon, abs(z) - b
    f_ = 54.0 * b * b * z * z
    g = p * p + (1.0 - e2) * z * z - e2 * (a * a - b * b)
    c = e2 * e2 * f_ * p * p / (g * g * g)
    s = (1.0 + c + math.sqrt(c * c + 2.0 * c)) ** (1.0 / 3.0)
    k = s + 1.0 + 1.0 / s
    pp = f_ / (3.0 * k * k * g * g)
    q = math.sqrt(1.0 + 2.0 * e2 * e2 * pp)
    r0 = -pp * e2 * p / (1.0 + q) + math.sqrt(
        max(
            0.5 * a * a * (1.0 + 1.0 / q)
            - pp * (1.0 - e2) * z * z / (q * (1.0 + q))
            - 0.5 * pp * p * p,
            0.0,
        )
    )
    u = math.sqrt((p - e2 * r0) ** 2 + z * z)
    v = math.sqrt((p - e2 * r0) ** 2 + (1.0 - e2) * z * z)
    z0 = b * b * z / (a * v)
    h = u * (1.0 - b * b / (a * v))
    lat = math.atan((z + ep2 * z0) / p)
    return lat, lon, h


@njit
def _geodetic2ecef_array(lat: Float, lon: Float, alt: Float) -> Float:
    out = np.empty((lat.size, 3))
    for i in range(lat.size):
        out[i, 0], out[i, 1], out[i, 2] = geodetic_to_ecef_kernel(lat[i], lon[i], alt[i])
    return out


@njit
def _ecef2geodetic_array(xyz: Float) -> Float:
    out = np.empty((xyz.shape[0], 3))
    for i in range(xyz.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = ecef_to_geodetic_kernel(xyz[i, 0], xyz[i, 1], xyz[i, 2])
    return out


def geodetic2ecef(lat_deg: ArrayLike, lon_deg: ArrayLike, alt_m: ArrayLike) -> Float:
    """Geodetic latitude, longitude and height to ECEF.

    Parameters
    ----------
    lat_deg, lon_deg
        Geodetic latitude and longitude (degrees); broadcast together.
    alt_m
        Height above the WGS84 ellipsoid (m).

    Returns
    -------
    ndarray, shape (..., 3)
        ECEF position (m), with the broadcast shape of the inputs.
    """
    lat, lon, alt = np.broadcast_arrays(
        np.radians(np.asarray(lat_deg, dtype=np.float64)),
        np.radians(np.asarray(lon_deg, dtype=np.float64)),
        np.asarray(alt_m, dtype=np.float64),
    )
    out = _geodetic2ecef_array(lat.ravel().copy(), lon.ravel().copy(), alt.ravel().copy())
    return out.reshape((*lat.shape, 3))


def ecef2geodetic(position_m: ArrayLike) -> tuple[Float, Float, Float]:
    """ECEF positions to geodetic latitude (deg), longitude (deg) and height (m).

    Works whether `position_m` has shape ``(3,)`` or ``(..., 3)``.
    """
    xyz = np.asarray(position_m, dtype=np.float64)
    flat = np.ascontiguousarray(xyz.reshape(-1, 3))
    out = _ecef2geodetic_array(flat).reshape((*xyz.shape[:-1], 3))
    return np.degrees(out[..., 0]), np.degrees(out[..., 1]), out[..., 2]


def enu_basis(lat_deg: float, lon_deg: float) -> Float:
    """Rows are the ECEF unit vectors of local east, north and up.

    ``enu = basis @ (p - origin)``.  Returns shape (3, 3).
    """
    lat = math.radians(lat_deg)
    lon = math.radians(lon_deg)
    sl, cl = math.sin(lat), math.cos(lat)
    so, co = math.sin(lon), math.cos(lon)
    return np.array(
        [
            [-so, co, 0.0],
            [-sl * co, -sl * so, cl],
            [cl * co, cl * so, sl],
        ]
    )


def ecef2enu(position_m: ArrayLike, lat0_deg: float, lon0_deg: float, alt0_m: float) -> Float:
    """ECEF positions to local east-north-up about a geodetic origin (m).

    `position_m` has shape (3,) or (..., 3); the result has the same shape.
    """
    origin = geodetic2ecef(lat0_deg, lon0_deg, alt0_m)
    d = np.asarray(position_m, dtype=np.float64) - origin
    result: Float = d @ enu_basis(lat0_deg, lon0_deg).T
    return result


def great_circle_distance_m(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> Float:
    """Great-circle distance on the mean-radius sphere (haversine), in metres.

    Accurate to about 0.5 % against the ellipsoidal geodesic; used for
    screening (raid reach) and launch-area sampling, not for flight.
    """
    p1, l1, p2, l2 = (
        np.radians(np.asarray(v, dtype=np.float64))
        for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    )
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    result: Float = 2.0 * MEAN_EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return result


def initial_bearing_rad(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> Float:
    """Initial great-circle bearing from point 1 to point 2 (rad, clockwise from north)."""
    p1, l1, p2, l2 = (
        np.radians(np.asarray(v, dtype=np.float64))
        for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    )
    y = np.sin(l2 - l1) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(l2 - l1)
    result: Float = np.arctan2(y, x)
    return result


def destination(
    lat_deg: ArrayLike, lon_deg: ArrayLike, bearing_rad: ArrayLike, distance_m: ArrayLike
) -> tuple[Float, Float]:
    """Point reached from (lat, lon) along a great circle on the mean sphere (deg)."""
    p1 = np.radians(np.asarray(lat_deg, dtype=np.float64))
    l1 = np.radians(np.asarray(lon_deg, dtype=np.float64))
    th = np.asarray(bearing_rad, dtype=np.float64)
    d = np.asarray(distance_m, dtype=np.float64) / MEAN_EARTH_RADIUS_M
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(th))
    l2 = l1 + np.arctan2(np.sin(th) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), (np.degrees(l2) + 540.0) % 360.0 - 180.0

"""airguard's WGS84 geometry against published coordinates and an independent implementation.

Sources
-------
[TR]   NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed.
       (2000), ch. 3: the defining parameters a and 1/f (Table 3.1) and the derived
       geometric constants b and e² (Table 3.3).
[NGS]  U.S. National Geodetic Survey, CORS coordinate ("position-velocity") files of
       the antenna reference points of three stations, each giving the same point as
       ITRF X, Y, Z and as latitude, longitude and ellipsoid height on the GRS80
       ellipsoid, printed to 1 mm and 1e-5 arcsecond:
       USNO, U.S. Naval Observatory, ITRF97 (NGS CORS slide set, page tsld092,
       http://www.ngs.noaa.gov/CORS/CorsPP/WA-SlideShow/tsld092.htm);
       FEI1, Ford Engineering, Texas, ITRF00 (NGS file retrieved 2007-05-03, republished
       at http://www.fordengineering.com/dab/SiteCoordinates.txt);
       ALLG, Cumberland, Maryland, ITRF00 (NGS file revised 2006-04-10, archived in
       govdocs1 as 420727.txt).  NGS CORS FAQ 29 states the ellipsoid is GRS80.
       GRS80 and WGS84 share a; their semi-minor axes differ by 0.105 mm, which moves
       these points by less than 0.1 mm.
[AF]   E. Williams, *Aviation Formulary* v1.46, worked example "LAX to JFK":
       LAX (33°57'N, 118°24'W), JFK (40°38'N, 73°47'W), great-circle distance
       0.623585 rad = 2144 nm.
[GCM]  K. L. Swartz, Great Circle Mapper FAQ "Great circle calculations"
       (http://www.gcmap.com/faq/gccalc): LAX-JFK is 2151 nm on the WGS84 ellipsoid
       (Vincenty/Karney geodesic, FAA airport coordinates).
[PM]   pymap3d 3.x (M. Hirsch, https://github.com/geospace-code/pymap3d), an
       independent implementation used as the reference where no printed value exists.
"""

from __future__ import annotations

import math

import numpy as np
import pymap3d
import pytest
from pymap3d import vincenty

from airguard import geo

NMI_M = 1852.0  # international nautical mile, m


def _dms(deg: float, minutes: float, seconds: float) -> float:
    return deg + minutes / 60.0 + seconds / 3600.0


# (name, lat deg, lon deg, ellipsoid height m, (X, Y, Z) m), as printed by [NGS]
NGS_STATIONS = [
    (
        "USNO",
        _dms(38, 55, 8.26445),
        -_dms(77, 3, 58.40504),
        48.878,
        (1_112_189.901, -4_842_955.035, 3_985_352.234),
    ),
    (
        "FEI1",
        _dms(29, 32, 22.60237),
        -_dms(98, 24, 56.27625),
        228.204,
        (-812_814.036, -5_493_993.221, 3_126_188.003),
    ),
    (
        "ALLG",
        _dms(39, 39, 13.91827),
        -_dms(78, 43, 50.51407),
        174.516,
        (960_972.827, -4_822_645.300, 4_048_582.118),
    ),
]


# --- constants ------------------------------------------------------------------------


def test_wgs84_defining_parameters_tr8350() -> None:
    """[TR] Table 3.1: a = 6 378 137 m, 1/f = 298.257223563 (exact by definition)."""
    a_m, inverse_f = geo.WGS84_A_M, 1.0 / geo.WGS84_F
    assert a_m == 6_378_137.0
    assert inverse_f == pytest.approx(298.257223563, abs=1e-9)


def test_wgs84_derived_constants_tr8350() -> None:
    """[TR] Table 3.3: b = 6 356 752.3142 m, e² = 6.69437999014e-3.

    Tolerance half a unit in the last printed digit: 0.05 mm and 5e-15.
    """
    b_m, e2 = geo.WGS84_B_M, geo.WGS84_E2
    assert b_m == pytest.approx(6_356_752.3142, abs=5e-5)  # m
    assert e2 == pytest.approx(6.69437999014e-3, abs=5e-15)


# --- geodetic -> ECEF -------------------------------------------------------------------


@pytest.mark.parametrize("station", NGS_STATIONS, ids=[s[0] for s in NGS_STATIONS])
def test_geodetic_to_ecef_ngs_cors_stations(station: tuple) -> None:  # type: ignore[type-arg]
    """[NGS]: the printed latitude, longitude, height give the printed X, Y, Z within 1 mm.

    Budget: X, Y, Z printed to 1 mm (0.5 mm rounding), angles to 1e-5" (0.3 mm),
    height to 1 mm (0.5 mm), GRS80 vs WGS84 < 0.1 mm; 1.5 mm per component covers
    the worst case of these roundings adding up.
    """
    _, lat, lon, h, xyz = station
    got = geo.geodetic2ecef(lat, lon, h)
    np.testing.assert_allclose(got, xyz, rtol=0, atol=1.5e-3)  # m


@pytest.mark.parametrize("station", NGS_STATIONS, ids=[s[0] for s in NGS_STATIONS])
def test_ecef_to_geodetic_ngs_cors_stations(station: tuple) -> None:  # type: ignore[type-arg]
    """[NGS] the other way: the printed X, Y, Z give the printed latitude, longitude, height.

    Tolerance 5e-5 arcsecond (1.5 mm on the ground) in angle, 1.5 mm in height.
    """
    _, lat, lon, h, xyz = station
    got_lat, got_lon, got_h = geo.ecef2geodetic(np.array(xyz))
    assert float(got_lat) == pytest.approx(lat, abs=5e-5 / 3600.0)  # deg
    assert float(got_lon) == pytest.approx(lon, abs=5e-5 / 3600.0)  # deg
    assert float(got_h) == pytest.approx(h, abs=1.5e-3)  # m


def test_geodetic_to_ecef_matches_pymap3d_worldwide() -> None:
    """[PM] geodetic2ecef on a grid over the globe, -5 km to 1000 km: within 1 mm."""
    lat = np.linspace(-90.0, 90.0, 37)
    lon = np.linspace(-180.0, 180.0, 25)
    alt = np.array([-5_000.0, 0.0, 10_000.0, 100_000.0, 1_000_000.0])
    la, lo, al = np.meshgrid(lat, lon, alt, indexing="ij")
    got = geo.geodetic2ecef(la, lo, al)
    x, y, z = pymap3d.geodetic2ecef(la, lo, al)
    np.testing.assert_allclose(got, np.stack([x, y, z], axis=-1), rtol=0, atol=1e-3)  # m


# --- ECEF -> geodetic, round trip -----------------------------------------------------


def test_round_trip_minus_5_km_to_1000_km_including_poles() -> None:
    """geodetic -> ECEF -> geodetic returns the start within 1e-9 deg and 1 mm.

    Latitudes include both poles and the equator; heights -5 km (the bottom of the
    US76 atmosphere) to 1000 km (above any threat apogee in the catalogue).  At the
    poles longitude is undefined and only latitude and height are compared.
    """
    rng = np.random.Generator(np.random.PCG64(20240611))
    lat = np.concatenate(
        [[-90.0, -89.999999, 0.0, 89.999999, 90.0], rng.uniform(-90.0, 90.0, 2000)]
    )
    lon = np.concatenate([[0.0, 45.0, -180.0, 179.9, 120.0], rng.uniform(-180.0, 180.0, 2000)])
    alt = np.concatenate(
        [[-5_000.0, 0.0, 1_000_000.0, 500.0, 400_000.0], rng.uniform(-5_000.0, 1e6, 2000)]
    )
    lat2, lon2, alt2 = geo.ecef2geodetic(geo.geodetic2ecef(lat, lon, alt))
    np.testing.assert_allclose(lat2, lat, rtol=0, atol=1e-9)  # deg
    np.testing.assert_allclose(alt2, alt, rtol=0, atol=1e-3)  # m
    off_pole = np.abs(lat) < 90.0 - 1e-9
    dlon = (lon2[off_pole] - lon[off_pole] + 180.0) % 360.0 - 180.0
    np.testing.assert_allclose(dlon, 0.0, rtol=0, atol=1e-9)  # deg


def test_ecef_to_geodetic_matches_pymap3d() -> None:
    """[PM] ecef2geodetic on points -5 km to 100 km: within 1e-9 deg and 1 mm.

    Above 100 km pymap3d's own inverse departs from its forward transform (its round
    trip is off by up to 7e-8 deg at 1000 km), so it is no reference there; the
    round-trip test above covers those heights.
    """
    rng = np.random.Generator(np.random.PCG64(7))
    lat = rng.uniform(-89.9, 89.9, 500)
    lon = rng.uniform(-180.0, 180.0, 500)
    alt = rng.uniform(-5_000.0, 100_000.0, 500)
    x, y, z = pymap3d.geodetic2ecef(lat, lon, alt)
    ref_lat, ref_lon, ref_alt = pymap3d.ecef2geodetic(x, y, z)
    got_lat, got_lon, got_alt = geo.ecef2geodetic(np.stack([x, y, z], axis=-1))
    np.testing.assert_allclose(got_lat, ref_lat, rtol=0, atol=1e-9)  # deg
    np.testing.assert_allclose(got_lon, ref_lon, rtol=0, atol=1e-9)  # deg
    np.testing.assert_allclose(got_alt, ref_alt, rtol=0, atol=1e-3)  # m


# --- local ENU ------------------------------------------------------------------------


def test_ecef_to_enu_matches_pymap3d() -> None:
    """[PM] ecef2enu about three origins, targets out to 500 km and 300 km up: within 1 mm."""
    rng = np.random.Generator(np.random.PCG64(11))
    for lat0, lon0, h0 in ((38.9, -77.1, 48.9), (-33.9, 151.2, 0.0), (89.5, 10.0, 2_000.0)):
        lat = lat0 + rng.uniform(-4.0, 4.0, 200)
        lat = np.clip(lat, -90.0, 90.0)
        lon = lon0 + rng.uniform(-4.0, 4.0, 200)
        alt = rng.uniform(0.0, 300_000.0, 200)
        x, y, z = pymap3d.geodetic2ecef(lat, lon, alt)
        e, n, u = pymap3d.ecef2enu(x, y, z, lat0, lon0, h0)
        got = geo.ecef2enu(np.stack([x, y, z], axis=-1), lat0, lon0, h0)
        np.testing.assert_allclose(got, np.stack([e, n, u], axis=-1), rtol=0, atol=1e-3)  # m


def test_enu_basis_matches_pymap3d_unit_vectors() -> None:
    """[PM] The rows of enu_basis are pymap3d's east, north, up unit vectors (to 1e-12)."""
    for lat0, lon0 in ((0.0, 0.0), (38.9, -77.1), (-60.0, 170.0), (90.0, 0.0)):
        basis = geo.enu_basis(lat0, lon0)
        for row, enu in zip(basis, np.eye(3), strict=True):
            ref = np.array(pymap3d.enu2uvw(*enu, lat0, lon0))
            np.testing.assert_allclose(row, ref, rtol=0, atol=1e-12)


# --- great circles ---------------------------------------------------------------------


def test_great_circle_lax_jfk_aviation_formulary() -> None:
    """[AF]: LAX-JFK from arc-minute coordinates is 0.623585 rad on the sphere.

    The angle does not depend on the sphere's radius; printed to 1e-6 rad, so the
    tolerance is 1e-6 rad (6.4 m with airguard's mean radius).  The 2144 nm of the
    example is the same angle on a sphere of 1 nm per arc-minute.
    """
    d_m = float(
        geo.great_circle_distance_m(
            _dms(33, 57, 0), -_dms(118, 24, 0), _dms(40, 38, 0), -_dms(73, 47, 0)
        )
    )
    assert d_m / geo.MEAN_EARTH_RADIUS_M == pytest.approx(0.623585, abs=1e-6)  # rad
    assert d_m / geo.MEAN_EARTH_RADIUS_M * 10_800.0 / math.pi == pytest.approx(
        2144.0, abs=0.5
    )  # nm


def test_great_circle_lax_jfk_within_half_percent_of_wgs84_geodesic() -> None:
    """[GCM]: LAX-JFK is 2151 nm on the WGS84 ellipsoid; the sphere is within 0.5 %.

    airguard documents its haversine distance as good to about 0.5 % against the
    ellipsoidal geodesic.  Airport reference points (FAA): LAX 33°56'33"N
    118°24'29"W, JFK 40°38'23"N 73°46'44"W.  Tolerance 0.5 % of 2151 nm (20 km);
    the published value is rounded to 1 nm.  [PM]'s Vincenty geodesic is checked
    against the same published figure, within its 1 nm rounding.
    """
    lax = (_dms(33, 56, 33), -_dms(118, 24, 29))
    jfk = (_dms(40, 38, 23), -_dms(73, 46, 44))
    published_m = 2151.0 * NMI_M
    d_m = float(geo.great_circle_distance_m(*lax, *jfk))
    assert d_m == pytest.approx(published_m, rel=5e-3)  # m
    ref_m, _ = vincenty.vdist(*lax, *jfk)
    assert float(ref_m) == pytest.approx(published_m, abs=0.5 * NMI_M + 100.0)  # m

"""Quantities in input files: strings with units, converted to SI by `parse_quantity`.

Reference values:

* speed of sound at sea level, 340.294 m/s: U.S. Standard Atmosphere 1976,
  NOAA-S/T 76-1562, Table I (sea-level values);
* standard acceleration of gravity, g_n = 9.80665 m/s²: 3rd CGPM (1901),
  resolution 2 (BIPM SI Brochure, 9th edition, 2019).
"""

from __future__ import annotations

import math

import pytest

from airguard.units import Dimension, UnitError, parse_quantity

SPEED_OF_SOUND_SEA_LEVEL_MPS = 340.294  # US Standard Atmosphere 1976, Table I
STANDARD_GRAVITY_MPS2 = 9.80665  # 3rd CGPM, 1901


# --- conversions to SI --------------------------------------------------------------


def test_kilometres_are_metres() -> None:
    assert parse_quantity("160 km", Dimension.LENGTH) == pytest.approx(160_000.0, rel=1e-15)


def test_degrees_are_radians() -> None:
    assert parse_quantity("45 deg", Dimension.ANGLE) == pytest.approx(math.pi / 4, rel=1e-15)


def test_mach_is_the_us_standard_atmosphere_sea_level_speed_of_sound() -> None:
    """'Mach 2' is 2 x 340.294 m/s whatever the altitude the figure was quoted for."""
    expected_mps = 2 * SPEED_OF_SOUND_SEA_LEVEL_MPS
    assert parse_quantity("Mach 2", Dimension.SPEED) == pytest.approx(expected_mps, rel=1e-12)


def test_g_in_an_acceleration_field_is_standard_gravity() -> None:
    expected_mps2 = 30 * STANDARD_GRAVITY_MPS2
    assert parse_quantity("30 g", Dimension.ACCELERATION) == pytest.approx(expected_mps2, rel=1e-12)


def test_g_in_a_mass_field_is_still_the_gram() -> None:
    assert parse_quantity("900 g", Dimension.MASS) == pytest.approx(0.9, rel=1e-12)


def test_square_metres_are_an_area() -> None:
    assert parse_quantity("1.5 m^2", Dimension.AREA) == pytest.approx(1.5, rel=1e-15)


def test_seconds_are_seconds() -> None:
    assert parse_quantity("30 s", Dimension.TIME) == pytest.approx(30.0, rel=1e-15)


def test_kilometres_per_hour_are_metres_per_second() -> None:
    assert parse_quantity("900 km/h", Dimension.SPEED) == pytest.approx(250.0, rel=1e-12)


def test_gigahertz_are_hertz() -> None:
    assert parse_quantity("5.5 GHz", Dimension.FREQUENCY) == pytest.approx(5.5e9, rel=1e-12)


def test_result_is_a_python_float() -> None:
    assert type(parse_quantity("160 km", Dimension.LENGTH)) is float


# --- refusals -----------------------------------------------------------------------


@pytest.mark.parametrize("number", [1500, 1500.0], ids=["int", "float"])
def test_bare_number_is_refused_as_missing_unit(number: float) -> None:
    with pytest.raises(UnitError, match=r"missing unit: expected a length .*'160 km'"):
        parse_quantity(number, Dimension.LENGTH)


def test_number_string_without_unit_is_refused_as_missing_unit() -> None:
    with pytest.raises(UnitError, match=r"missing unit: expected a length .*got '1500'"):
        parse_quantity("1500", Dimension.LENGTH)


def test_unit_of_the_wrong_dimension_names_the_expected_dimension() -> None:
    with pytest.raises(UnitError, match=r"wrong unit: expected a time such as '30 s', got '20 kg'"):
        parse_quantity("20 kg", Dimension.TIME)


def test_length_for_an_angle_names_the_expected_dimension() -> None:
    with pytest.raises(UnitError, match="expected an angle"):
        parse_quantity("45 m", Dimension.ANGLE)


def test_unknown_unit_is_refused_and_named() -> None:
    with pytest.raises(UnitError, match="furlongz"):
        parse_quantity("160 furlongz", Dimension.LENGTH)


@pytest.mark.parametrize("text", ["", "   "], ids=["empty", "blank"])
def test_empty_string_is_refused(text: str) -> None:
    with pytest.raises(UnitError):
        parse_quantity(text, Dimension.LENGTH)


def test_empty_string_says_what_quantity_was_expected() -> None:
    with pytest.raises(UnitError, match=r"expected a length .*'160 km'"):
        parse_quantity("", Dimension.LENGTH)


def test_unit_without_a_number_is_refused() -> None:
    """`radius: km` is a value left out, not one kilometre."""
    with pytest.raises(UnitError):
        parse_quantity("km", Dimension.LENGTH)


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("inf km", Dimension.LENGTH),
        ("nan s", Dimension.TIME),
        ("1e400 km", Dimension.LENGTH),
    ],
    ids=["infinity", "nan", "overflow"],
)
def test_non_finite_value_is_refused(text: str, dimension: Dimension) -> None:
    with pytest.raises(UnitError, match="not a finite quantity"):
        parse_quantity(text, dimension)


@pytest.mark.parametrize("value", [None, True, ["160 km"]], ids=["null", "bool", "list"])
def test_value_that_is_not_a_string_or_number_is_refused(value: object) -> None:
    with pytest.raises(UnitError, match=r"expected a length with a unit such as '160 km'"):
        parse_quantity(value, Dimension.LENGTH)


def test_unit_error_is_a_value_error() -> None:
    """Pydantic validators turn ValueError into a located validation error."""
    assert issubclass(UnitError, ValueError)

"""Quantities with units in scenario and catalogue files, converted to SI.

Files state quantities as strings — ``"160 km"``, ``"45 deg"``, ``"Mach 2"``,
``"30 s"``, ``"1.5 m^2"`` — and the loader turns each into a float in SI
(metres, seconds, kilograms, radians).  Parsing uses `pint`_; the registry is
built on first use so that importing airguard stays fast.

Two conventions go beyond pint:

* ``Mach M`` is a speed of ``M`` times the speed of sound at sea level in the
  U.S. Standard Atmosphere 1976, 340.294 m/s (NOAA-S/T 76-1562, Table I).  A
  Mach figure quoted for altitude is therefore converted with the sea-level
  value; write the speed in m/s where that matters.
* In an acceleration field, ``g`` means standard gravity, 9.80665 m/s²
  (CGPM 1901), not gram.

.. _pint: https://pint.readthedocs.io
"""

from __future__ import annotations

import math
import re
from enum import Enum
from functools import lru_cache
from typing import Any

__all__ = [
    "MACH_SEA_LEVEL_MPS",
    "STANDARD_GRAVITY_MPS2",
    "Dimension",
    "UnitError",
    "parse_quantity",
]

MACH_SEA_LEVEL_MPS = 340.294
"""Speed of sound at sea level, U.S. Standard Atmosphere 1976 (m/s)."""

STANDARD_GRAVITY_MPS2 = 9.80665
"""Standard acceleration of gravity, g_n (m/s²), 3rd CGPM 1901."""


class Dimension(Enum):
    """Physical dimension a field expects, with its SI unit."""

    LENGTH = "m"
    TIME = "s"
    ANGLE = "rad"
    SPEED = "m/s"
    ACCELERATION = "m/s^2"
    AREA = "m^2"
    MASS = "kg"
    FORCE = "N"
    FREQUENCY = "Hz"
    POWER = "W"
    TEMPERATURE = "K"
    MASS_PER_AREA = "kg/m^2"

    @property
    def label(self) -> str:
        name = self.name.lower().replace("_", " ")
        return f"an {name}" if name[0] in "aeiou" else f"a {name}"


_EXAMPLES = {
    Dimension.LENGTH: "'160 km'",
    Dimension.TIME: "'30 s'",
    Dimension.ANGLE: "'45 deg'",
    Dimension.SPEED: "'900 km/h' or 'Mach 2'",
    Dimension.ACCELERATION: "'30 g'",
    Dimension.AREA: "'1.5 m^2'",
    Dimension.MASS: "'900 kg'",
    Dimension.FORCE: "'130 kN'",
    Dimension.FREQUENCY: "'5.5 GHz'",
    Dimension.POWER: "'1 MW'",
    Dimension.TEMPERATURE: "'290 K'",
    Dimension.MASS_PER_AREA: "'5000 kg/m^2'",
}


class UnitError(ValueError):
    """A quantity string that is malformed or has the wrong dimension."""


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


_QUANTITY = re.compile(
    r"^(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*(?P<unit>.*)$",
    re.IGNORECASE | re.DOTALL,
)
"""A quantity: a decimal number, then its unit."""
_UNIT = re.compile(r"(?:[^\W\d_]|[°µ]|[ /*()·.]|(?:\^|\*\*)-?\d{1,2}(?!\d)){1,64}")
"""A unit: letters, products, quotients and powers of at most two digits (no arithmetic on
numbers, so that reading a file is bounded work)."""
_MACH = re.compile(r"^\s*mach\s*([-+0-9.eE]+)\s*$", re.IGNORECASE)
_NUMBER_G = re.compile(r"^\s*([-+0-9.eE]+)\s*g\s*$")


def parse_quantity(value: object, dimension: Dimension) -> float:
    """Convert a quantity string to a float in the SI unit of `dimension`.

    Parameters
    ----------
    value
        A string such as ``"160 km"``.  Bare numbers are refused: a number
        without a unit is the commonest error in a scenario file.
    dimension
        The dimension the field expects.

    Returns
    -------
    float
        The value in SI: m, s, rad, m/s, m/s², m², kg, N, Hz, W, K or kg/m².

    Raises
    ------
    UnitError
        If the unit is missing, unknown, or of another dimension.
    """
    example = _EXAMPLES[dimension]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise UnitError(f"expected {dimension.label} with a unit such as {example}")
    if isinstance(value, (int, float)):
        raise UnitError(
            f"missing unit: expected {dimension.label} with a unit such as {example}, "
            f"got the bare number {value}"
        )
    text = value.strip()
    if not text:
        raise UnitError(f"expected {dimension.label} with a unit such as {example}, got nothing")
    if not re.match(r"^[-+]?(\d|\.\d|inf|nan)", text, re.IGNORECASE) and not _MACH.match(text):
        raise UnitError(
            f"expected {dimension.label} as a number with a unit such as {example}, got '{text}'"
        )
    if dimension is Dimension.SPEED and (m := _MACH.match(text)):
        return _finite(float(m.group(1)) * MACH_SEA_LEVEL_MPS, text)
    if dimension is Dimension.ACCELERATION and (m := _NUMBER_G.match(text)):
        return _finite(float(m.group(1)) * STANDARD_GRAVITY_MPS2, text)
    try:
        float(text)
    except ValueError:
        pass
    else:
        raise UnitError(
            f"missing unit: expected {dimension.label} with a unit such as {example}, got '{text}'"
        )
    form = _QUANTITY.match(text)
    if form is None or not _UNIT.fullmatch(form.group("unit")):
        raise UnitError(
            f"expected {dimension.label} as a number and a unit such as {example}, got "
            f"'{text}' (no arithmetic: a decimal number, then a unit such as 'km/h' or "
            "'m/s^2')"
        )
    ureg = _registry()
    import pint

    # the number is read as a number, never evaluated: pint would evaluate '9**9**9'
    number = _finite(float(form.group("number")), text)
    try:
        quantity = ureg.Quantity(number, form.group("unit"))
    except (pint.errors.PintError, ValueError, TypeError, SyntaxError, AttributeError) as exc:
        raise UnitError(f"cannot read '{text}' as a quantity ({exc})") from None
    no_unit = not isinstance(quantity, ureg.Quantity) or quantity.unitless
    if no_unit or (quantity.dimensionless and dimension is not Dimension.ANGLE):
        raise UnitError(
            f"missing unit: expected {dimension.label} with a unit such as {example}, got '{text}'"
        )
    try:
        magnitude = quantity.to(dimension.value).magnitude
    except pint.errors.DimensionalityError:
        raise UnitError(
            f"wrong unit: expected {dimension.label} such as {example}, got '{text}' "
            f"(a {quantity.dimensionality})"
        ) from None
    return _finite(float(magnitude), text)


def _finite(x: float, text: str) -> float:
    if not math.isfinite(x):
        raise UnitError(f"'{text}' is not a finite quantity")
    return x

"""U.S. Standard Atmosphere, 1976, from 5 km below sea level to 86 km and beyond.

The model is the one of NOAA/NASA/USAF, *U.S. Standard Atmosphere, 1976*,
NOAA-S/T 76-1562 (NASA-TM-X-74335), Part 1, section 1.3 ("the lower
atmosphere"): seven layers in which the molecular-scale temperature T_M is
linear in geopotential height H (Table 4 of the standard), the hydrostatic
equation integrated layer by layer (eqs. 33a and 33b), the perfect-gas law
(eq. 42) and the speed of sound of eq. 50.  Every quantity is computed by one
numba kernel, :func:`density_and_sound_speed` for the engine's hot loops and
:func:`temperature_k`, :func:`pressure_pa`, :func:`density_kg_m3` and
:func:`speed_of_sound_mps` for everything else; all four read the same layer
tables, built once at import from the defining constants below.

Altitudes are *geometric* (metres above mean sea level).  They are converted
to geopotential height with eq. 18 of the standard, H = r0 Z / (r0 + Z).

Range and extrapolation
-----------------------
* -5 km to 86 km: the standard itself.  Below sea level layer 0 is
  extrapolated, as the standard's own tables do down to -5 km.  The public
  functions refuse altitudes below -5 km with :class:`ValueError`; the numba
  kernel does not check (it keeps extrapolating layer 0).
* 80 km to 86 km: the kinetic temperature T = T_M (M / M0), with the ratio
  M / M0 of the standard's Table 8 interpolated linearly in geometric
  altitude.  Pressure, density and speed of sound depend on T_M only (eq. 50
  gives C_s = sqrt(gamma R* T / M) = sqrt(gamma R* T_M / M0)), so they are
  exact here.
* Above 86 km (84.852 km geopotential) the standard changes to a
  diffusive-equilibrium model in geometric height that this module does not
  implement.  Instead the last layer is continued as an isothermal layer at
  the 86 km values: T_M = 186.946 K, kinetic T = 186.87 K (which *is* the
  standard's kinetic temperature from 86 km to 91 km) and a constant speed of
  sound of 274.10 m/s; pressure and density decay exponentially with a scale
  height of R* T_M / (M0 g0) = 5.47 km (geopotential).  Against Table I of
  the standard this gives density within 0.1 % at 90 km, 3.5 % high at
  100 km and 2 % high at 110 km; above that it underestimates density
  increasingly (24 % low at 120 km: the real thermosphere warms), which is
  immaterial for drag on interceptors and ballistic targets there.
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit

__all__ = [
    "GAS_CONSTANT_J_PER_KMOL_K",
    "GEOPOTENTIAL_EARTH_RADIUS_M",
    "MIN_ALTITUDE_M",
    "MOLAR_MASS_SEA_LEVEL_KG_PER_KMOL",
    "RATIO_OF_SPECIFIC_HEATS",
    "SEA_LEVEL_PRESSURE_PA",
    "SEA_LEVEL_TEMPERATURE_K",
    "STANDARD_GRAVITY_MPS2",
    "density_and_sound_speed",
    "density_kg_m3",
    "pressure_pa",
    "speed_of_sound_mps",
    "temperature_k",
]

# --- Defining constants (U.S. Standard Atmosphere 1976, Part 1, Table 2 and pp. 3-9) ---

STANDARD_GRAVITY_MPS2 = 9.80665
"""g0, standard sea-level gravity (m/s²); also g0' = 9.80665 m²/(s² m'), the
geopotential metre (Table 2)."""

GAS_CONSTANT_J_PER_KMOL_K = 8.31432e3
"""R*, the gas constant of the standard, J/(kmol K) (p. 3; Table 2 misprints the
exponent).  Deliberately the 1962 value, not CODATA's."""

MOLAR_MASS_SEA_LEVEL_KG_PER_KMOL = 28.9644
"""M0, mean molar mass of sea-level air, kg/kmol (section 1.2.4, eq. 21)."""

SEA_LEVEL_PRESSURE_PA = 101_325.0
"""P0, sea-level pressure, Pa (Table 2)."""

SEA_LEVEL_TEMPERATURE_K = 288.15
"""T0, sea-level temperature, K (Table 2)."""

GEOPOTENTIAL_EARTH_RADIUS_M = 6_356_766.0
"""r0, the Earth radius used to convert geometric to geopotential height, m
(p. 4 and eq. 18)."""

RATIO_OF_SPECIFIC_HEATS = 1.40
"""gamma, ratio of specific heats of air (Table 2, eq. 50)."""

MIN_ALTITUDE_M = -5_000.0
"""Lowest geometric altitude the public functions accept, m (the standard's
tables start at -5 km)."""

# Table 4: geopotential base heights H_b (m') and molecular-scale temperature
# gradients L_M,b (K/m') of the seven layers b = 0..6; H_7 = 84,852 m' is the
# top of layer 6 (86 km geometric), not a layer of its own.
_BASE_GEOPOTENTIAL_M = np.array(
    [0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0]
)
_LAPSE_RATE_K_PER_M = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3, 0.0])
# The last entry (0.0) is this module's isothermal continuation above 86 km,
# not part of the standard.

# Table 8: ratio M/M0 of mean molar mass to its sea-level value, 80-86 km
# geometric in steps of 0.5 km.  Only the kinetic temperature uses it.
_MOLAR_RATIO_ALTITUDE_M = np.arange(80_000.0, 86_001.0, 500.0)
_MOLAR_RATIO = np.array(
    [
        1.000000,
        0.999996,
        0.999989,
        0.999971,
        0.999941,
        0.999909,
        0.999870,
        0.999829,
        0.999786,
        0.999741,
        0.999694,
        0.999641,
        0.999579,
    ]
)

# g0 M0 / R*, in K per geopotential metre: the hydrostatic constant of eqs. 33a/33b.
_HYDROSTATIC_K_PER_M = (
    STANDARD_GRAVITY_MPS2 * MOLAR_MASS_SEA_LEVEL_KG_PER_KMOL / GAS_CONSTANT_J_PER_KMOL_K
)


def _layer_bases() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Molecular-scale temperature (K) and pressure (Pa) at each layer base.

    T_M,b follows from T0 and Table 4 (eq. 23); P_b from P0 by eq. 33a
    (L_M,b != 0) or eq. 33b (L_M,b = 0), layer after layer, exactly as the
    standard defines them.
    """
    n = _BASE_GEOPOTENTIAL_M.size
    base_temperature_k = np.empty(n)
    base_pressure_pa = np.empty(n)
    base_temperature_k[0] = SEA_LEVEL_TEMPERATURE_K
    base_pressure_pa[0] = SEA_LEVEL_PRESSURE_PA
    for b in range(n - 1):
        dh_m = _BASE_GEOPOTENTIAL_M[b + 1] - _BASE_GEOPOTENTIAL_M[b]
        lapse = _LAPSE_RATE_K_PER_M[b]
        t_top = base_temperature_k[b] + lapse * dh_m
        base_temperature_k[b + 1] = t_top
        if lapse == 0.0:
            ratio = np.exp(-_HYDROSTATIC_K_PER_M * dh_m / base_temperature_k[b])
        else:
            ratio = (base_temperature_k[b] / t_top) ** (_HYDROSTATIC_K_PER_M / lapse)
        base_pressure_pa[b + 1] = base_pressure_pa[b] * ratio
    return base_temperature_k, base_pressure_pa


_BASE_TEMPERATURE_K, _BASE_PRESSURE_PA = _layer_bases()


@njit
def _state(altitude_m: float) -> tuple[float, float, float, float]:
    """Kinetic temperature (K), pressure (Pa), density (kg/m³) and speed of sound (m/s).

    The single implementation of the model; see the module docstring for its
    equations and range.  No input checking: NaN gives NaN.
    """
    if altitude_m != altitude_m:
        nan = np.nan
        return nan, nan, nan, nan
    r0 = GEOPOTENTIAL_EARTH_RADIUS_M
    h_m = r0 * altitude_m / (r0 + altitude_m)  # eq. 18
    b = _BASE_GEOPOTENTIAL_M.size - 1
    while b > 0 and h_m < _BASE_GEOPOTENTIAL_M[b]:
        b -= 1
    dh_m = h_m - _BASE_GEOPOTENTIAL_M[b]
    lapse = _LAPSE_RATE_K_PER_M[b]
    t_base = _BASE_TEMPERATURE_K[b]
    t_molecular = t_base + lapse * dh_m  # eq. 23
    if lapse == 0.0:
        pressure = _BASE_PRESSURE_PA[b] * np.exp(-_HYDROSTATIC_K_PER_M * dh_m / t_base)  # 33b
    else:
        pressure = _BASE_PRESSURE_PA[b] * (t_base / t_molecular) ** (
            _HYDROSTATIC_K_PER_M / lapse
        )  # eq. 33a
    density = (
        pressure * MOLAR_MASS_SEA_LEVEL_KG_PER_KMOL / (GAS_CONSTANT_J_PER_KMOL_K * t_molecular)
    )  # eq. 42
    sound_speed = np.sqrt(
        RATIO_OF_SPECIFIC_HEATS
        * GAS_CONSTANT_J_PER_KMOL_K
        * t_molecular
        / MOLAR_MASS_SEA_LEVEL_KG_PER_KMOL
    )  # eq. 50 with T/M = T_M/M0
    z_ratio = _MOLAR_RATIO_ALTITUDE_M
    if altitude_m <= z_ratio[0]:
        molar_ratio = 1.0
    elif altitude_m >= z_ratio[-1]:
        molar_ratio = _MOLAR_RATIO[-1]
    else:
        i = int((altitude_m - z_ratio[0]) / (z_ratio[1] - z_ratio[0]))
        frac = (altitude_m - z_ratio[i]) / (z_ratio[i + 1] - z_ratio[i])
        molar_ratio = _MOLAR_RATIO[i] + frac * (_MOLAR_RATIO[i + 1] - _MOLAR_RATIO[i])
    temperature = t_molecular * molar_ratio  # kinetic temperature, eq. 22
    return temperature, pressure, density, sound_speed


@njit
def density_and_sound_speed(altitude_m: float) -> tuple[float, float]:
    """Air density and speed of sound at one geometric altitude, for compiled loops.

    Parameters
    ----------
    altitude_m
        Geometric altitude above mean sea level, m.  Not checked: below
        -5 km layer 0 is extrapolated; NaN gives NaN.

    Returns
    -------
    density_kg_m3 : float
        Air density, kg/m³ (U.S. Standard Atmosphere 1976, eq. 42).
    speed_of_sound_mps : float
        Speed of sound, m/s (eq. 50).

    Notes
    -----
    Compiled with ``numba.njit(cache=True)``; call it from other numba code.
    It is the same kernel the public functions of this module use.
    """
    _, _, density, sound_speed = _state(altitude_m)
    return density, sound_speed


@njit
def _state_array(altitude_m: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rows T (K), p (Pa), rho (kg/m³), a (m/s) for a flat array of altitudes (m)."""
    out = np.empty((4, altitude_m.size))
    for i in range(altitude_m.size):
        t, p, rho, a = _state(altitude_m[i])
        out[0, i] = t
        out[1, i] = p
        out[2, i] = rho
        out[3, i] = a
    return out


def _evaluate(altitude_m: ArrayLike, row: int) -> float | NDArray[np.float64]:
    """One row of :func:`_state_array`, shaped like the input (float for a scalar)."""
    z = np.asarray(altitude_m, dtype=np.float64)
    if np.any(z < MIN_ALTITUDE_M):
        raise ValueError(
            f"altitude below {MIN_ALTITUDE_M:.0f} m, the bottom of the 1976 standard atmosphere"
        )
    rows = _state_array(np.ascontiguousarray(z.ravel()))
    values: NDArray[np.float64] = rows[row].reshape(z.shape)
    if z.ndim == 0:
        return float(values)
    return values


@overload
def temperature_k(altitude_m: float) -> float: ...
@overload
def temperature_k(altitude_m: NDArray[np.float64]) -> NDArray[np.float64]: ...
@overload
def temperature_k(altitude_m: ArrayLike) -> float | NDArray[np.float64]: ...


def temperature_k(altitude_m: ArrayLike) -> float | NDArray[np.float64]:
    """Kinetic air temperature of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m
        Geometric altitude above mean sea level, m; a scalar or an array,
        each element >= -5000 m.

    Returns
    -------
    float or numpy.ndarray
        Temperature, K: a float for a scalar input, else an array of the
        input's shape.  T = T_M M/M0 (eqs. 22, 23 and Table 8 of the standard).

    Raises
    ------
    ValueError
        If any altitude is below -5000 m.
    """
    return _evaluate(altitude_m, 0)


@overload
def pressure_pa(altitude_m: float) -> float: ...
@overload
def pressure_pa(altitude_m: NDArray[np.float64]) -> NDArray[np.float64]: ...
@overload
def pressure_pa(altitude_m: ArrayLike) -> float | NDArray[np.float64]: ...


def pressure_pa(altitude_m: ArrayLike) -> float | NDArray[np.float64]:
    """Static air pressure of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m
        Geometric altitude above mean sea level, m; a scalar or an array,
        each element >= -5000 m.

    Returns
    -------
    float or numpy.ndarray
        Pressure, Pa, from the hydrostatic equation integrated per layer
        (eqs. 33a and 33b of the standard).

    Raises
    ------
    ValueError
        If any altitude is below -5000 m.
    """
    return _evaluate(altitude_m, 1)


@overload
def density_kg_m3(altitude_m: float) -> float: ...
@overload
def density_kg_m3(altitude_m: NDArray[np.float64]) -> NDArray[np.float64]: ...
@overload
def density_kg_m3(altitude_m: ArrayLike) -> float | NDArray[np.float64]: ...


def density_kg_m3(altitude_m: ArrayLike) -> float | NDArray[np.float64]:
    """Air density of the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m
        Geometric altitude above mean sea level, m; a scalar or an array,
        each element >= -5000 m.

    Returns
    -------
    float or numpy.ndarray
        Density, kg/m³, rho = P M0 / (R* T_M) (eq. 42 of the standard).

    Raises
    ------
    ValueError
        If any altitude is below -5000 m.
    """
    return _evaluate(altitude_m, 2)


@overload
def speed_of_sound_mps(altitude_m: float) -> float: ...
@overload
def speed_of_sound_mps(altitude_m: NDArray[np.float64]) -> NDArray[np.float64]: ...
@overload
def speed_of_sound_mps(altitude_m: ArrayLike) -> float | NDArray[np.float64]: ...


def speed_of_sound_mps(altitude_m: ArrayLike) -> float | NDArray[np.float64]:
    """Speed of sound in the U.S. Standard Atmosphere 1976.

    Parameters
    ----------
    altitude_m
        Geometric altitude above mean sea level, m; a scalar or an array,
        each element >= -5000 m.

    Returns
    -------
    float or numpy.ndarray
        Speed of sound, m/s, C_s = sqrt(gamma R* T / M) (eq. 50 of the standard).

    Raises
    ------
    ValueError
        If any altitude is below -5000 m.
    """
    return _evaluate(altitude_m, 3)

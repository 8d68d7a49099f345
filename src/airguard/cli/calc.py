"""``airguard calc``: the calculators on the command line.

One command per calculator of the Python API — the radar range equation
(:mod:`airguard.radar`), detection probability and its inverse, the radio
horizon, a ballistic free flight (:func:`airguard.trajectory.ballistic_flight`)
and a guided intercept (:func:`airguard.guidance.intercept`).  Options mirror
the functions' parameters, with the same defaults.  A quantity is given with its
unit, as in scenario files (``--range '50 km'``, ``--pulse-width '10 us'``,
``--flight-path-angle '45 deg'``, ``--burnout-speed 'Mach 6'``), or as a bare number
in the unit of the Python parameter, which the option's second name spells out
(``--range-m 50e3``: metres; SI except for degrees and decibels).  Each command
prints one human-readable line, or with ``--json`` an object
``{"command", "inputs", "outputs"}`` on stdout (SI units, keys named as the Python
parameters and results; an unbounded value such as an unlimited acceleration is
written as ``null``).

The calculators are imported inside each command, so ``airguard --help``
stays fast.  A value a calculator refuses gives one line
``airguard: error: ...`` on stderr and exit status 2, as for scenario errors.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from airguard.cli._common import fail

__all__ = ["calc_app"]

LEGACY_NAMES: dict[str, str] = {}
"""The options' names before units were accepted, which spelt the unit of a bare number
(``range-m``), each to its name now (``range``): still understood, no longer shown."""


def _current_name(name: str) -> str:
    return LEGACY_NAMES.get(name, name)


calc_app = typer.Typer(
    help="Calculators: radar range equation, detection, horizon, ballistic flight, intercept.",
    no_args_is_help=True,
    context_settings={"token_normalize_func": _current_name},
)


T = TypeVar("T")

Vector3 = tuple[float, float, float]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print inputs and outputs as one JSON object on stdout.")
]

_DECIBEL = re.compile(r"^([-+0-9.eE]+|[-+]?inf)\s*dBi?$", re.IGNORECASE)


def _parser(option: str, dimension: str, unit: str) -> Callable[[Any], float]:
    """The parser of a quantity option: a value with its unit (``'50 km'``), converted to
    `unit`, or a bare number already in `unit`.  `dimension` names a
    :class:`airguard.units.Dimension`, or is ``"DECIBEL"`` (``'40 dB'``, ``'40 dBi'``).
    A value that cannot be read ends the command with one line naming `option`."""

    def parse(value: Any) -> float:
        if isinstance(value, int | float):  # the option's default
            return float(value)
        text = str(value).strip()
        try:
            return float(text)
        except ValueError:
            pass
        if dimension == "DECIBEL":
            m = _DECIBEL.match(text)
            if m is None:
                fail(f"{option}: expected decibels such as '40 dB' (or 40), got '{text}'")
            return float(m.group(1))
        from airguard.units import Dimension, UnitError, parse_quantity

        try:
            si = parse_quantity(text, Dimension[dimension])
        except UnitError as exc:
            fail(f"{option}: {exc}")
        return math.degrees(si) if unit == "deg" else si

    return parse


_SUFFIX = {"m²": "m2", "m/s": "mps", "m/s²": "mps2", "kg/m²": "kg-m2"}


def _quantity(name: str, unit: str, dimension: str, help_text: str) -> Any:
    """Option ``--NAME`` for a quantity (``--NAME-UNIT``, its name before units were
    accepted, is still understood); `help_text` says what it is, and the help adds the unit
    of a bare number."""
    LEGACY_NAMES[f"{name}-{_SUFFIX.get(unit, unit).lower()}"] = name
    return typer.Option(
        f"--{name}",
        help=f"{help_text} (bare number: {unit}).",
        metavar=dimension.replace("_", "-"),
        parser=_parser(f"--{name}", dimension, unit),
    )


def _run(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a calculator; its ValueError becomes one message and exit status 2."""
    try:
        return func(*args, **kwargs)
    except ValueError as exc:
        fail(str(exc))


def _jsonable(value: Any) -> Any:
    """Plain JSON values: tuples and arrays as lists, non-finite floats as null."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _emit(
    command: str, inputs: dict[str, Any], outputs: dict[str, Any], line: str, as_json: bool
) -> None:
    if as_json:
        payload = {"command": command, "inputs": inputs, "outputs": outputs}
        typer.echo(json.dumps(_jsonable(payload), indent=2))
    else:
        typer.echo(line)


def _km(distance_m: float) -> str:
    return f"{distance_m / 1000.0:,.2f} km"


# --- radar ----------------------------------------------------------------------------

PeakPower = Annotated[
    float, _quantity("peak-power", "W", "POWER", "Transmitted peak power Pt, e.g. '1 MW'")
]
Gain = Annotated[
    float, _quantity("gain", "dB", "DECIBEL", "Antenna gain G (transmit = receive), e.g. '40 dBi'")
]
Frequency = Annotated[
    float, _quantity("frequency", "Hz", "FREQUENCY", "Carrier frequency, e.g. '5.5 GHz'")
]
Rcs = Annotated[float, _quantity("rcs", "m²", "AREA", "Target radar cross-section, e.g. '0.1 m^2'")]
PulseWidth = Annotated[
    float,
    _quantity("pulse-width", "s", "TIME", "Pulse width τ (noise bandwidth 1/τ), e.g. '10 us'"),
]
SystemTemperature = Annotated[
    float,
    _quantity(
        "system-temperature", "K", "TEMPERATURE", "System noise temperature Ts, e.g. '290 K'"
    ),
]
Loss = Annotated[float, _quantity("loss", "dB", "DECIBEL", "Total system loss L, e.g. '3 dB'")]
Pfa = Annotated[float, typer.Option(help="Probability of false alarm, 0 < pfa < 1.")]
Pulses = Annotated[int, typer.Option(help="Pulses integrated non-coherently, >= 1.")]
Swerling = Annotated[
    int, typer.Option(help="Target fluctuation model: 0 (steady) or Swerling 1-4.")
]


@calc_app.command("radar-snr")
def radar_snr(
    peak_power_w: PeakPower,
    gain_db: Gain,
    frequency_hz: Frequency,
    rcs_m2: Rcs,
    range_m: Annotated[
        float, _quantity("range", "m", "LENGTH", "Range to the target, e.g. '50 km'")
    ],
    pulse_width_s: PulseWidth,
    system_temperature_k: SystemTemperature = 290.0,
    loss_db: Loss = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Single-pulse SNR from the radar range equation (airguard.radar.snr_db)."""
    from airguard.radar import snr_db

    inputs = {
        "peak_power_w": peak_power_w,
        "gain_db": gain_db,
        "frequency_hz": frequency_hz,
        "rcs_m2": rcs_m2,
        "range_m": range_m,
        "pulse_width_s": pulse_width_s,
        "system_temperature_k": system_temperature_k,
        "loss_db": loss_db,
    }
    snr = float(_run(snr_db, **inputs))
    _emit("radar-snr", inputs, {"snr_db": snr}, f"SNR {snr:.2f} dB at {_km(range_m)}", as_json)


@calc_app.command("radar-range")
def radar_range(
    peak_power_w: PeakPower,
    gain_db: Gain,
    frequency_hz: Frequency,
    rcs_m2: Rcs,
    snr_db: Annotated[
        float, _quantity("snr", "dB", "DECIBEL", "Required single-pulse SNR, e.g. '13 dB'")
    ],
    pulse_width_s: PulseWidth,
    system_temperature_k: SystemTemperature = 290.0,
    loss_db: Loss = 0.0,
    as_json: JsonOption = False,
) -> None:
    """Range at which the single-pulse SNR falls to --snr (airguard.radar.max_range_m)."""
    from airguard.radar import max_range_m

    inputs = {
        "peak_power_w": peak_power_w,
        "gain_db": gain_db,
        "frequency_hz": frequency_hz,
        "rcs_m2": rcs_m2,
        "snr_db": snr_db,
        "pulse_width_s": pulse_width_s,
        "system_temperature_k": system_temperature_k,
        "loss_db": loss_db,
    }
    rng = float(_run(max_range_m, **inputs))
    _emit(
        "radar-range",
        inputs,
        {"max_range_m": rng},
        f"range {_km(rng)} for SNR {snr_db:g} dB",
        as_json,
    )


@calc_app.command("pd")
def pd(
    snr_db: Annotated[
        float, _quantity("snr", "dB", "DECIBEL", "Average single-pulse SNR, e.g. '13 dB'")
    ],
    pfa: Pfa,
    pulses: Pulses = 1,
    swerling: Swerling = 0,
    as_json: JsonOption = False,
) -> None:
    """Probability of detection (airguard.radar.detection_probability)."""
    from airguard.radar import detection_probability

    inputs = {"snr_db": snr_db, "pfa": pfa, "pulses": pulses, "swerling": swerling}
    p = float(_run(detection_probability, **inputs))
    line = f"Pd {p:.4f} at SNR {snr_db:g} dB (Pfa {pfa:g}, {pulses} pulse(s), Swerling {swerling})"
    _emit("pd", inputs, {"detection_probability": p}, line, as_json)


@calc_app.command("required-snr")
def required_snr(
    pd: Annotated[float, typer.Option(help="Required probability of detection, pfa < pd < 1.")],
    pfa: Pfa,
    pulses: Pulses = 1,
    swerling: Swerling = 0,
    as_json: JsonOption = False,
) -> None:
    """Average single-pulse SNR needed for a detection probability (airguard.radar.required_snr_db)."""
    from airguard.radar import required_snr_db

    inputs = {"pd": pd, "pfa": pfa, "pulses": pulses, "swerling": swerling}
    snr = float(_run(required_snr_db, **inputs))
    line = f"SNR {snr:.2f} dB for Pd {pd:g} (Pfa {pfa:g}, {pulses} pulse(s), Swerling {swerling})"
    _emit("required-snr", inputs, {"snr_db": snr}, line, as_json)


@calc_app.command("horizon")
def horizon(
    antenna_height_m: Annotated[
        float,
        _quantity("antenna-height", "m", "LENGTH", "Antenna height above the surface, e.g. '30 m'"),
    ],
    target_height_m: Annotated[
        float,
        _quantity("target-height", "m", "LENGTH", "Target height above the surface, e.g. '5 km'"),
    ] = 0.0,
    k: Annotated[float, typer.Option(help="Effective-Earth-radius factor (4/3 standard).")] = (
        4.0 / 3.0
    ),
    # literals, not airguard.geo's constants, so that --help imports no numpy;
    # tests/cli/test_calc.py holds them equal to horizon_range_m's defaults
    earth_radius_m: Annotated[
        float, _quantity("earth-radius", "m", "LENGTH", "True Earth radius")
    ] = 6_371_008.8,
    as_json: JsonOption = False,
) -> None:
    """Smooth-Earth radio horizon range (airguard.radar.horizon_range_m)."""
    from airguard.radar import horizon_range_m

    inputs = {
        "antenna_height_m": antenna_height_m,
        "target_height_m": target_height_m,
        "k": k,
        "earth_radius_m": earth_radius_m,
    }
    rng = float(_run(horizon_range_m, **inputs))
    line = (
        f"radio horizon {_km(rng)} (antenna {antenna_height_m:g} m, "
        f"target {target_height_m:g} m, k {k:.4g})"
    )
    _emit("horizon", inputs, {"horizon_range_m": rng}, line, as_json)


# --- trajectories ------------------------------------------------------------------------


@calc_app.command("ballistic")
def ballistic(
    burnout_altitude_m: Annotated[
        float,
        _quantity(
            "burnout-altitude", "m", "LENGTH", "Burnout height above the surface, e.g. '100 km'"
        ),
    ],
    burnout_speed_mps: Annotated[
        float,
        _quantity(
            "burnout-speed", "m/s", "SPEED", "Burnout speed relative to the surface, e.g. '2 km/s'"
        ),
    ],
    flight_path_angle_deg: Annotated[
        float,
        _quantity(
            "flight-path-angle",
            "deg",
            "ANGLE",
            "Burnout velocity above the local horizontal, e.g. '45 deg'",
        ),
    ],
    earth: Annotated[str, typer.Option(help="Earth model: wgs84 (J2) or sphere.")] = "wgs84",
    rotating: Annotated[bool, typer.Option(help="Fly on the rotating Earth.")] = True,
    drag: Annotated[
        bool, typer.Option(help="Apply US76 drag (needs --ballistic-coefficient).")
    ] = True,
    ballistic_coefficient_kg_m2: Annotated[
        float | None,
        _quantity(
            "ballistic-coefficient",
            "kg/m²",
            "MASS_PER_AREA",
            "Ballistic coefficient m/(Cd A), e.g. '5000 kg/m^2'",
        ),
    ] = None,
    latitude_deg: Annotated[
        float, _quantity("latitude", "deg", "ANGLE", "Latitude below burnout")
    ] = 0.0,
    longitude_deg: Annotated[
        float, _quantity("longitude", "deg", "ANGLE", "Longitude below burnout")
    ] = 0.0,
    azimuth_deg: Annotated[
        float,
        _quantity("azimuth", "deg", "ANGLE", "Heading at burnout, clockwise from north"),
    ] = 90.0,
    step_s: Annotated[float, _quantity("step", "s", "TIME", "Integration and sampling step")] = 1.0,
    samples: Annotated[
        bool, typer.Option("--samples", help="With --json, include the sampled trajectory.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Free flight from burnout to impact on the engine's integrator (airguard.trajectory.ballistic_flight)."""
    if drag and ballistic_coefficient_kg_m2 is None:
        fail("--ballistic-coefficient is needed for a flight with drag (or pass --no-drag)")
    from airguard.trajectory import ballistic_flight

    inputs: dict[str, Any] = {
        "burnout_altitude_m": burnout_altitude_m,
        "burnout_speed_mps": burnout_speed_mps,
        "flight_path_angle_deg": flight_path_angle_deg,
        "earth": earth,
        "rotating": rotating,
        "drag": drag,
        "ballistic_coefficient_kg_m2": ballistic_coefficient_kg_m2,
        "latitude_deg": latitude_deg,
        "longitude_deg": longitude_deg,
        "azimuth_deg": azimuth_deg,
        "step_s": step_s,
    }
    flight = _run(ballistic_flight, **inputs)
    outputs: dict[str, Any] = {
        "ground_range_m": flight.ground_range_m,
        "apogee_altitude_m": flight.apogee_altitude_m,
        "flight_time_s": flight.flight_time_s,
    }
    if samples:
        outputs |= {
            "time_s": flight.time_s,
            "position_m": flight.position_m,
            "velocity_mps": flight.velocity_mps,
            "altitude_m": flight.altitude_m,
        }
    line = (
        f"ground range {_km(flight.ground_range_m)}, apogee {_km(flight.apogee_altitude_m)}, "
        f"flight time {flight.flight_time_s:.1f} s"
    )
    _emit("ballistic", inputs, outputs, line, as_json)


def _vector(name: str, unit: str, dimension: str, help_text: str) -> Any:
    """A three-component quantity option, each component read as by :func:`_quantity`."""
    LEGACY_NAMES[f"{name}-{_SUFFIX.get(unit, unit).lower()}"] = name
    return typer.Option(
        f"--{name}",
        help=f"{help_text} (bare numbers: {unit}).",
        metavar="X Y Z",
        parser=_parser(f"--{name}", dimension, unit),
    )


@calc_app.command("intercept")
def intercept(
    missile_position_m: Annotated[
        Vector3, _vector("missile-position", "m", "LENGTH", "Interceptor position, ECEF")
    ],
    missile_velocity_mps: Annotated[
        Vector3, _vector("missile-velocity", "m/s", "SPEED", "Interceptor velocity, ECEF")
    ],
    target_position_m: Annotated[
        Vector3, _vector("target-position", "m", "LENGTH", "Target position, ECEF")
    ],
    target_velocity_mps: Annotated[
        Vector3, _vector("target-velocity", "m/s", "SPEED", "Target velocity, ECEF")
    ],
    target_acceleration_mps2: Annotated[
        Vector3,
        _vector(
            "target-acceleration", "m/s²", "ACCELERATION", "Target acceleration, held constant"
        ),
    ] = (0.0, 0.0, 0.0),
    navigation_ratio: Annotated[float, typer.Option(help="Proportional-navigation ratio N.")] = 4.0,
    autopilot_lag_s: Annotated[
        float,
        _quantity("autopilot-lag", "s", "TIME", "First-order autopilot time constant (0: none)"),
    ] = 0.0,
    max_acceleration_mps2: Annotated[
        float,
        _quantity(
            "max-acceleration",
            "m/s²",
            "ACCELERATION",
            "Lateral acceleration limit, e.g. '30 g' (inf: none)",
        ),
    ] = math.inf,
    law: Annotated[str, typer.Option(help="Guidance law: true or augmented.")] = "true",
    motor_thrust_n: Annotated[
        float | None,
        _quantity(
            "motor-thrust", "N", "FORCE", "Motor thrust, e.g. '50 kN' (with the other --motor-*)"
        ),
    ] = None,
    motor_burn_time_s: Annotated[
        float | None, _quantity("motor-burn-time", "s", "TIME", "Motor burn time")
    ] = None,
    motor_mass0_kg: Annotated[
        float | None, _quantity("motor-mass0", "kg", "MASS", "Mass at ignition")
    ] = None,
    motor_burnout_mass_kg: Annotated[
        float | None, _quantity("motor-burnout-mass", "kg", "MASS", "Mass at burnout")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Miss distance and time of flight of a guided intercept (airguard.guidance.intercept)."""
    from airguard.guidance import Motor
    from airguard.guidance import intercept as guided_intercept

    motor_args = {
        "thrust_n": motor_thrust_n,
        "burn_time_s": motor_burn_time_s,
        "mass0_kg": motor_mass0_kg,
        "burnout_mass_kg": motor_burnout_mass_kg,
    }
    given = {k: v for k, v in motor_args.items() if v is not None}
    motor = None
    if given:
        names = {"thrust_n": "thrust", "burn_time_s": "burn-time", "mass0_kg": "mass0"}
        names["burnout_mass_kg"] = "burnout-mass"
        missing = [f"--motor-{names[k]}" for k, v in motor_args.items() if v is None]
        if missing:
            fail(f"a motor needs all four --motor-* options; missing {', '.join(missing)}")
        motor = _run(Motor, **given)

    inputs: dict[str, Any] = {
        "missile_position_m": missile_position_m,
        "missile_velocity_mps": missile_velocity_mps,
        "target_position_m": target_position_m,
        "target_velocity_mps": target_velocity_mps,
        "target_acceleration_mps2": target_acceleration_mps2,
        "navigation_ratio": navigation_ratio,
        "autopilot_lag_s": autopilot_lag_s,
        "max_acceleration_mps2": max_acceleration_mps2,
        "law": law,
    }
    if motor is not None:
        inputs["motor"] = given
    result = _run(
        guided_intercept, **{k: v for k, v in inputs.items() if k != "motor"}, motor=motor
    )
    miss = float(result.miss_distance_m)
    tof = float(result.time_of_flight_s)
    outputs = {"miss_distance_m": miss, "time_of_flight_s": tof}
    _emit("intercept", inputs, outputs, f"miss distance {miss:.2f} m after {tof:.2f} s", as_json)

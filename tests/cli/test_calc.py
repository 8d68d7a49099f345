"""`airguard calc`: each command's JSON equals its Python calculator; bad input exits 2.

Interface tests: the commands are thin wrappers, so their output is compared with
the calculator called directly.  One published number per radar command (the
cited values of tests/validation/test_radar.py) checks that the options reach
the right parameters.  The calc app is mounted on a local Typer app here; the
real CLI mounts it as ``airguard calc``.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from airguard.cli.calc import calc_app
from airguard.radar import (
    detection_probability,
    horizon_range_m,
    max_range_m,
    required_snr_db,
    snr_db,
)
from airguard.trajectory import ballistic_flight

app = typer.Typer()
app.add_typer(calc_app, name="calc")
runner = CliRunner()


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["calc", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


MW_SNR = [
    "--peak-power", "1e6", "--gain", "20", "--frequency", "1e9", "--rcs", "1",
    "--range", "50e3", "--pulse-width", "0.2e-6",
]  # fmt: skip
MW_RANGE = [
    "--peak-power", "1e6", "--gain", "20", "--frequency", "10e9", "--rcs", "1",
    "--snr", "6", "--pulse-width", "10e-6",
]  # fmt: skip


# --- radar ------------------------------------------------------------------------------


def test_radar_snr_json_equals_snr_db() -> None:
    out = _json("radar-snr", *MW_SNR, "--system-temperature", "300", "--loss", "3")
    assert out["command"] == "radar-snr"
    assert out["inputs"]["loss_db"] == 3.0
    assert out["outputs"]["snr_db"] == snr_db(1e6, 20.0, 1e9, 1.0, 50e3, 0.2e-6, 300.0, 3.0)


def test_radar_snr_mathworks_radareqsnr_example() -> None:
    """MathWorks ``radareqsnr`` example 1 prints 5.5868 dB (tolerance 0.001 dB)."""
    assert _json("radar-snr", *MW_SNR)["outputs"]["snr_db"] == pytest.approx(5.5868, abs=0.001)


def test_radar_snr_prints_one_line() -> None:
    result = runner.invoke(app, ["calc", "radar-snr", *MW_SNR])
    assert result.exit_code == 0
    assert result.stdout == "SNR 5.59 dB at 50.00 km\n"


def test_radar_range_json_equals_max_range_m() -> None:
    out = _json("radar-range", *MW_RANGE, "--loss", "3")
    assert out["outputs"]["max_range_m"] == max_range_m(
        1e6, 20.0, 10e9, 1.0, 6.0, 10e-6, 290.0, 3.0
    )


def test_radar_range_mathworks_radareqrng_example() -> None:
    """MathWorks ``radareqrng`` example 1 prints 4.1057e+04 m (tolerance 10 m)."""
    got = _json("radar-range", *MW_RANGE)["outputs"]["max_range_m"]
    assert got == pytest.approx(4.1057e4, abs=10.0)  # m


def test_pd_json_equals_detection_probability() -> None:
    out = _json("pd", "--snr", "13.5", "--pfa", "1e-6", "--pulses", "10", "--swerling", "1")
    assert out["inputs"] == {"snr_db": 13.5, "pfa": 1e-6, "pulses": 10, "swerling": 1}
    assert out["outputs"]["detection_probability"] == detection_probability(13.5, 1e-6, 10, 1)


def test_pd_sdr_min_snr_example_gives_pd_0_9() -> None:
    """``sdr.min_snr(0.9, 1e-6)`` prints 13.183490056794499 dB: at that SNR Pd is 0.9 (1e-6)."""
    out = _json("pd", "--snr", "13.183490056794499", "--pfa", "1e-6")
    assert out["outputs"]["detection_probability"] == pytest.approx(0.9, abs=1e-6)


def test_required_snr_json_equals_required_snr_db() -> None:
    out = _json("required-snr", "--pd", "0.8", "--pfa", "1e-5", "--pulses", "4", "--swerling", "3")
    assert out["outputs"]["snr_db"] == required_snr_db(0.8, 1e-5, 4, 3)


def test_required_snr_richards_steady_target() -> None:
    """Richards (2014), text after eq. 6.86: Pd 0.9, Pfa 1e-8, N 1: 14.2 dB (tolerance 0.05 dB)."""
    out = _json("required-snr", "--pd", "0.9", "--pfa", "1e-8")
    assert out["outputs"]["snr_db"] == pytest.approx(14.2, abs=0.05)  # dB


def test_horizon_json_equals_horizon_range_m() -> None:
    out = _json("horizon", "--antenna-height", "30", "--target-height", "500", "--k", "1.2")
    assert out["outputs"]["horizon_range_m"] == horizon_range_m(30.0, 500.0, 1.2)


def test_horizon_fs1037c_30_m_antenna() -> None:
    """FS-1037C: 2.23 sqrt(30) nmi = 22 621 m for a 30 m antenna (tolerance 0.5 %)."""
    out = _json("horizon", "--antenna-height", "30")
    assert out["outputs"]["horizon_range_m"] == pytest.approx(22_621.0, rel=0.005)  # m


# --- ballistic --------------------------------------------------------------------------

BALLISTIC = [
    "--burnout-altitude", "100e3", "--burnout-speed", "2000", "--flight-path-angle", "45",
]  # fmt: skip


def test_ballistic_json_equals_ballistic_flight() -> None:
    out = _json(
        "ballistic", *BALLISTIC, "--ballistic-coefficient", "5000", "--latitude", "38",
        "--azimuth", "120",
    )  # fmt: skip
    flight = ballistic_flight(
        100e3,
        2000.0,
        45.0,
        ballistic_coefficient_kg_m2=5000.0,
        latitude_deg=38.0,
        azimuth_deg=120.0,
    )
    assert out["outputs"] == {
        "ground_range_m": flight.ground_range_m,
        "apogee_altitude_m": flight.apogee_altitude_m,
        "flight_time_s": flight.flight_time_s,
    }


def test_ballistic_vacuum_sphere_options_reach_the_calculator() -> None:
    out = _json("ballistic", *BALLISTIC, "--earth", "sphere", "--no-rotating", "--no-drag")
    flight = ballistic_flight(100e3, 2000.0, 45.0, earth="sphere", rotating=False, drag=False)
    assert out["inputs"]["earth"] == "sphere"
    assert out["outputs"]["ground_range_m"] == flight.ground_range_m


def test_ballistic_samples_only_when_asked() -> None:
    base = _json("ballistic", *BALLISTIC, "--no-drag")
    assert "time_s" not in base["outputs"]
    full = _json("ballistic", *BALLISTIC, "--no-drag", "--samples")
    n = len(full["outputs"]["time_s"])
    assert len(full["outputs"]["position_m"]) == n
    assert len(full["outputs"]["position_m"][0]) == 3
    assert full["outputs"]["time_s"][-1] == full["outputs"]["flight_time_s"]


def test_ballistic_drag_without_coefficient_exits_2() -> None:
    result = runner.invoke(app, ["calc", "ballistic", *BALLISTIC])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("airguard: error: --ballistic-coefficient ")


# --- intercept ---------------------------------------------------------------------------


# Near the surface below 0 N 0 E (ECEF x up, y east, z north), so that the geometry is
# sensible whether the calculator works in ECEF or in a flat frame: an interceptor climbing
# east, a target 20 km east and 8 km up flying west at 600 m/s.
INTERCEPT = {
    "missile_position_m": (6_378_137.0, 0.0, 0.0),
    "missile_velocity_mps": (300.0, 1000.0, 0.0),
    "target_position_m": (6_386_137.0, 20_000.0, 1000.0),
    "target_velocity_mps": (0.0, -600.0, 0.0),
}


def _intercept_args() -> list[str]:
    args: list[str] = []
    for name, vector in INTERCEPT.items():
        args += ["--" + name.rsplit("_", 1)[0].replace("_", "-"), *(repr(x) for x in vector)]
    return args


def test_intercept_passes_every_option_to_the_calculator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wiring, with a stand-in for airguard.guidance: vectors as 3-tuples, names as in Python."""
    seen: dict[str, Any] = {}

    def fake_intercept(**kwargs: Any) -> Any:
        seen.update(kwargs)
        return types.SimpleNamespace(miss_distance_m=1.25, time_of_flight_s=7.5)

    monkeypatch.setitem(
        sys.modules,
        "airguard.guidance",
        types.SimpleNamespace(intercept=fake_intercept, Motor=lambda **kw: ("motor", kw)),
    )
    args = [*_intercept_args(), "--target-acceleration", "0", "0", "-30"]
    out = _json("intercept", *args, "--autopilot-lag", "0.2", "--max-acceleration", "300")
    assert seen == {
        **INTERCEPT,
        "target_acceleration_mps2": (0.0, 0.0, -30.0),
        "navigation_ratio": 4.0,
        "autopilot_lag_s": 0.2,
        "max_acceleration_mps2": 300.0,
        "law": "true",
        "motor": None,
    }
    assert out["outputs"] == {"miss_distance_m": 1.25, "time_of_flight_s": 7.5}
    motor = ["--motor-thrust", "5e4", "--motor-burn-time", "6", "--motor-mass0", "300"]
    out = _json("intercept", *args, *motor, "--motor-burnout-mass", "150", "--law", "augmented")
    assert seen["law"] == "augmented"
    expected_motor = {
        "thrust_n": 5e4,
        "burn_time_s": 6.0,
        "mass0_kg": 300.0,
        "burnout_mass_kg": 150.0,
    }
    assert seen["motor"] == ("motor", expected_motor)
    assert out["inputs"]["motor"] == expected_motor
    line = runner.invoke(app, ["calc", "intercept", *_intercept_args()])
    assert line.stdout == "miss distance 1.25 m after 7.50 s\n"


def test_intercept_json_equals_guidance_intercept() -> None:
    guidance = pytest.importorskip("airguard.guidance")
    out = _json("intercept", *_intercept_args(), "--navigation-ratio", "3")
    result = guidance.intercept(*INTERCEPT.values(), navigation_ratio=3.0)
    assert out["outputs"] == {
        "miss_distance_m": float(result.miss_distance_m),
        "time_of_flight_s": float(result.time_of_flight_s),
    }
    motor = ("--motor-thrust", "5e4", "--motor-burn-time", "6", "--motor-mass0", "300")
    out = _json("intercept", *_intercept_args(), *motor, "--motor-burnout-mass", "150")
    result = guidance.intercept(*INTERCEPT.values(), motor=guidance.Motor(5e4, 6.0, 300.0, 150.0))
    assert out["outputs"] == {
        "miss_distance_m": float(result.miss_distance_m),
        "time_of_flight_s": float(result.time_of_flight_s),
    }
    assert out["inputs"]["missile_position_m"] == list(INTERCEPT["missile_position_m"])
    assert out["inputs"]["max_acceleration_mps2"] is None  # unlimited, written as null


def test_intercept_option_defaults_are_the_calculators_defaults() -> None:
    guidance = pytest.importorskip("airguard.guidance")
    signature = inspect.signature(guidance.intercept).parameters
    for name, default in _defaults("intercept").items():
        if name.startswith("motor_"):  # the four options make one `motor` (default None)
            assert default is None
            assert signature["motor"].default is None
            continue
        expected = signature[name].default
        if isinstance(expected, tuple | list):
            assert tuple(default) == tuple(expected), name
        else:
            assert default == expected, name


# --- quantities with units --------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "bare", "with_units"),
    [
        pytest.param(
            "radar-snr",
            [*MW_SNR, "--system-temperature", "290", "--loss", "3"],
            [
                "--peak-power", "1 MW", "--gain", "20 dBi", "--frequency", "1 GHz",
                "--rcs", "1 m^2", "--range", "50 km", "--pulse-width", "0.2 us",
                "--system-temperature", "16.85 degC", "--loss", "3 dB",
            ],
            id="radar-snr",
        ),
        pytest.param(
            "horizon",
            ["--antenna-height", "30", "--target-height", "500"],
            ["--antenna-height", "30 m", "--target-height", "0.5 km"],
            id="horizon",
        ),
        pytest.param(
            "ballistic",
            [*BALLISTIC, "--ballistic-coefficient", "5000", "--azimuth", "120", "--step", "1"],
            [
                "--burnout-altitude", "100 km", "--burnout-speed", "2 km/s",
                "--flight-path-angle", "45 deg", "--ballistic-coefficient", "5 t/m^2",
                "--azimuth", "120 deg", "--step", "1 s",
            ],
            id="ballistic",
        ),
    ],
)  # fmt: skip
def test_quantities_with_units_equal_bare_numbers_in_the_named_unit(
    command: str, bare: list[str], with_units: list[str]
) -> None:
    """'50 km' is 50e3 where a bare number is in metres; '45 deg' is 45 where degrees."""
    a = _json(command, *bare)
    b = _json(command, *with_units)
    assert b["inputs"].keys() == a["inputs"].keys()
    for name, value in a["inputs"].items():  # pint's conversions round in the last digit
        if isinstance(value, float):
            assert b["inputs"][name] == pytest.approx(value, rel=1e-12), name
        else:
            assert b["inputs"][name] == value, name
    assert b["outputs"] == pytest.approx(a["outputs"], rel=1e-9)


def test_intercept_vectors_take_units_per_component() -> None:
    guidance = pytest.importorskip("airguard.guidance")
    x, y, z = INTERCEPT["target_position_m"]
    args = _intercept_args()
    i = args.index("--target-position")
    args[i + 1 : i + 4] = [f"{x / 1e3!r} km", f"{y / 1e3!r} km", f"{z!r} m"]
    out = _json("intercept", *args, "--max-acceleration", "30 g")
    assert out["inputs"]["target_position_m"] == pytest.approx(list(INTERCEPT["target_position_m"]))
    assert out["inputs"]["max_acceleration_mps2"] == pytest.approx(30 * 9.80665)
    result = guidance.intercept(*INTERCEPT.values(), max_acceleration_mps2=30 * 9.80665)
    assert out["outputs"]["miss_distance_m"] == pytest.approx(float(result.miss_distance_m))


def test_option_names_that_spell_the_unit_are_still_understood() -> None:
    """Before units were accepted the options were named for their unit (--range-m)."""
    old = [
        "--peak-power-w", "1e6", "--gain-db", "20", "--frequency-hz", "1e9", "--rcs-m2", "1",
        "--range-m", "50e3", "--pulse-width-s", "0.2e-6",
    ]  # fmt: skip
    assert _json("radar-snr", *old) == _json("radar-snr", *MW_SNR)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["horizon", "--antenna-height", "30 s"],
            "--antenna-height: wrong unit: expected a length",
        ),
        (["pd", "--snr", "13 dBm", "--pfa", "1e-6"], "--snr: expected decibels"),
        (["ballistic", *BALLISTIC[:-1], "45 m", "--no-drag"], "--flight-path-angle: wrong unit"),
    ],
)
def test_a_wrong_unit_exits_2_naming_the_option(args: list[str], says: str) -> None:
    result = runner.invoke(app, ["calc", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"airguard: error: {says}"), result.stderr
    assert result.stderr.count("\n") == 1


# --- errors and defaults --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["pd", "--snr", "13", "--pfa", "2"],
        ["required-snr", "--pd", "0.9", "--pfa", "1e-6", "--swerling", "7"],
        ["radar-snr", *MW_SNR[:-2], "--pulse-width", "-1"],
        ["horizon", "--antenna-height", "-3"],
        ["ballistic", *BALLISTIC[:-1], "95", "--no-drag"],
        ["ballistic", *BALLISTIC, "--no-drag", "--earth", "flat"],
        ["intercept", *_intercept_args(), "--motor-thrust", "5e4"],
        ["intercept", *_intercept_args(), "--law", "pure"],
        [
            "intercept",
            *_intercept_args(),
            *("--motor-thrust", "5e4", "--motor-burn-time", "6"),
            *("--motor-mass0", "300", "--motor-burnout-mass", "400"),
        ],
    ],
)
def test_calculator_value_error_exits_2_with_one_message(args: list[str]) -> None:
    result = runner.invoke(app, ["calc", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("airguard: error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_non_numeric_option_exits_2() -> None:
    result = runner.invoke(app, ["calc", "pd", "--snr", "loud", "--pfa", "1e-6"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def _defaults(command: str) -> dict[str, Any]:
    """Defaults of the command's optional options, keyed by parameter name."""
    group = typer.main.get_command(app).commands["calc"]  # type: ignore[attr-defined]
    params = group.commands[command].params
    return {p.name: p.default for p in params if not p.required and p.name not in SWITCHES}


SWITCHES = {"as_json", "samples"}  # output switches of the CLI, not calculator parameters


@pytest.mark.parametrize(
    ("command", "func"),
    [
        ("radar-snr", snr_db),
        ("radar-range", max_range_m),
        ("pd", detection_probability),
        ("required-snr", required_snr_db),
        ("horizon", horizon_range_m),
        ("ballistic", ballistic_flight),
    ],
)
def test_option_defaults_are_the_calculators_defaults(
    command: str, func: Callable[..., Any]
) -> None:
    """Every optional option has the calculator's default (4/3 to within rounding)."""
    signature = inspect.signature(func).parameters
    defaults = _defaults(command)
    assert defaults, command
    for name, default in defaults.items():
        expected = signature[name].default
        if isinstance(expected, float):
            expected = pytest.approx(expected)
        assert default == expected, name


def test_importing_the_calc_app_loads_no_calculator() -> None:
    """The CLI starts fast: no numpy, scipy or numba until a command runs."""
    code = (
        "import sys, airguard.cli.calc; "
        "print(sorted(m for m in ('numpy', 'scipy', 'numba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

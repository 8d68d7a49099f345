"""The `airguard` command line: version, help, validate, schema and catalogue.

Bad input must give one line on stderr naming the file (and the line, where
there is one), exit status 2 and no traceback.  Most tests call the Typer app
in-process; one runs the real interpreter to prove what a user's shell sees.
`airguard run` is covered elsewhere (it takes seconds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import airguard
from airguard.cli import app

FLAGSHIP = Path(__file__).parents[2] / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"

runner = CliRunner()


def _broken_flagship(tmp_path: Path, old: str, new: str) -> Path:
    text = FLAGSHIP.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the flagship scenario"
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"airguard {airguard.__version__}\n"


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "validate", "schema", "catalogue"):
        assert command in result.stdout


def test_validate_accepts_the_flagship_scenario() -> None:
    result = runner.invoke(app, ["validate", str(FLAGSHIP)])
    assert result.exit_code == 0, result.stderr
    variants = "patriot, patriot-nato, s-400, patriot-sead, patriot-nato-sead, s-400-sead"
    assert result.stdout == f"{FLAGSHIP}: valid (6 variants: {variants})\n"
    assert result.stderr == ""


def _line(text: str, *needles: str) -> int:
    """1-based line of the only line holding needles[0], then of the next holding each other."""
    lines = text.splitlines()
    first = [n for n, line in enumerate(lines) if needles[0] in line]
    assert len(first) == 1, f"{needles[0]!r} must occur on exactly one line"
    n = first[0]
    for needle in needles[1:]:
        n = next(i for i in range(n, len(lines)) if needle in lines[i])
    return n + 1


# (old, new) in the flagship scenario; where the error is in the edited text
# fmt: off
BROKEN = [
    pytest.param("seed: 2019", "sede: 2019", ("sede: 2019",), id="unknown-key"),
    pytest.param("duration: 40 min", "duration: 40 kg", ("duration: 40 kg",), id="wrong-unit"),
    pytest.param("radius: 6 km", "radius: 6000", ("radius: 6000",), id="missing-unit"),
    pytest.param(
        "    radius: 1 km\n", "", ("- &kurecik",), id="missing-field"
    ),
    pytest.param(
        "threat: iskander-m", "threat: iskander-x", ("iskander-x",), id="unknown-catalogue-id"
    ),
    pytest.param("lat: 39.9334", "lat: 95", ("lat: 95",), id="latitude-out-of-range"),
    pytest.param("seed: 2019", "seed: 2019\nseed: 2020", ("seed: 2020",), id="duplicate-key"),
    pytest.param(
        "launch_area: {lat: 36.35, lon: 37.35,", "launch_area: {lat: 33.0, lon: 40.0,",
        ("lat: 33.0, lon: 40.0", "target:"), id="raid-beyond-range",
    ),
    pytest.param(
        "lon: 38.60, alt: 300 m, radius: 10 km}", "lon: 38.60, alt: 300 m, radius: 10 km",
        ("lon: 38.60, alt: 300 m", "launch_window:"), id="broken-yaml",
    ),
]
# fmt: on


@pytest.mark.parametrize(("old", "new", "at"), BROKEN)
def test_validate_reports_bad_input_on_one_line_with_status_2(
    tmp_path: Path, old: str, new: str, at: tuple[str, ...]
) -> None:
    path = _broken_flagship(tmp_path, old, new)
    line = _line(path.read_text(encoding="utf-8"), *at)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # not an uncaught error
    assert result.stdout == ""
    assert result.stderr.startswith(f"airguard: error: {path} line {line}: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "says"),
    [
        pytest.param("", "the file is empty", id="empty-file"),
        pytest.param("- a\n- b\n", "expected a YAML mapping", id="top-level-list"),
    ],
)
def test_validate_reports_an_unusable_file_on_one_line_with_status_2(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"airguard: error: {path}")
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_validate_reports_a_missing_file_with_status_2(tmp_path: Path) -> None:
    path = tmp_path / "nosuch.yaml"
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"airguard: error: {path}: no such file\n"


def test_broken_scenario_in_a_real_process_exits_2_with_one_line_and_no_traceback(
    tmp_path: Path,
) -> None:
    path = _broken_flagship(tmp_path, "duration: 40 min", "duration: 40 kg")
    proc = subprocess.run(
        [sys.executable, "-m", "airguard.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    line = _line(path.read_text(encoding="utf-8"), "duration: 40 kg")
    assert proc.stderr.splitlines() == [
        f"airguard: error: {path} line {line}: duration: wrong unit: expected a time such as "
        "'30 s', got '40 kg' (a [mass])"
    ]
    assert "Traceback" not in proc.stderr


def test_schema_is_json_naming_the_scenario_fields() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    expected = {"assets", "units", "raids", "networks", "variants", "duration", "seed"}
    assert expected <= set(schema["properties"])


def test_schema_declares_its_json_schema_dialect() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_catalogue_list_shows_the_defence_systems() -> None:
    result = runner.invoke(app, ["catalogue", "list"])
    assert result.exit_code == 0
    assert "patriot" in result.stdout
    assert "s-400" in result.stdout


def test_catalogue_show_describes_a_system() -> None:
    result = runner.invoke(app, ["catalogue", "show", "patriot"])
    assert result.exit_code == 0
    assert "MIM-104 Patriot" in result.stdout


def test_catalogue_show_resolves_a_component_to_its_system() -> None:
    result = runner.invoke(app, ["catalogue", "show", "pac-3-mse"])
    assert result.exit_code == 0
    assert result.stdout.startswith("patriot")


def test_catalogue_show_json_gives_values_in_si() -> None:
    result = runner.invoke(app, ["catalogue", "show", "scud-b", "--json"])
    assert result.exit_code == 0
    entry = json.loads(result.stdout)
    assert entry["id"] == "scud-b"
    assert entry["max_range"]["nominal"]["value_si"] == pytest.approx(300_000.0)


def test_catalogue_show_unknown_id_exits_2_listing_the_ids() -> None:
    result = runner.invoke(app, ["catalogue", "show", "nosuch"])
    assert result.exit_code == 2
    assert result.stderr.startswith("airguard: error: no catalogue entry 'nosuch' (have: ")
    assert "patriot" in result.stderr
    assert result.stderr.count("\n") == 1

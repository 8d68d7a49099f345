"""One consistent command line: what every command means by the same option.

- `airguard --help` groups the commands, `run` first (Getting started: run, example);
- `--json` is a switch that prints JSON on stdout, in every command that has it;
- `--out` always has the short form `-o`, and is required only by `track`;
- `--workers` defaults to all cores wherever it appears;
- `catalogue show` prints figures as the catalogue file writes them;
- a misspelt field, variant or name is answered with "did you mean";
- YAML booleans are `true` and `false` only.

`calc`'s units are tested in test_calc.py, `results --format` in test_results_format.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from airguard.cli import app
from airguard.cli._common import PANELS

DATA = Path(__file__).parents[1] / "data"
FLAGSHIP = Path(__file__).parents[2] / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"

runner = CliRunner()


def _commands() -> Iterator[tuple[str, Any]]:
    """(command path, click command) of every command, subcommands included."""
    root = typer.main.get_command(app)

    def walk(prefix: str, group: Any) -> Iterator[tuple[str, Any]]:
        for name, cmd in group.commands.items():
            path = f"{prefix} {name}".strip()
            if hasattr(cmd, "commands"):
                yield from walk(path, cmd)
            else:
                yield path, cmd

    yield from walk("", root)


def _option(cmd: Any, name: str) -> Any:
    return next((p for p in cmd.params if name in getattr(p, "opts", [])), None)


# --- help ---------------------------------------------------------------------------------


def test_help_groups_every_command_with_run_first() -> None:
    result = runner.invoke(app, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    text = result.stdout
    listed = re.findall(r"^│ ([a-z][a-z-]*) ", text, flags=re.MULTILINE)
    groups = list(PANELS)
    assert [t for t in PANELS if f"─ {t} " in text] == groups  # every group shown
    assert "─ Commands " not in text  # no command left outside a group
    positions = [text.index(f"─ {t} ") for t in groups]
    assert positions == sorted(positions)
    # Getting started: `run`, then `example` (added by its own module)
    assert listed[:2] == ["run", "example"]
    assert set(listed) == {
        "run", "example", "results", "compare", "explain", "replay", "report", "serve", "export",
        "coverage", "exposure", "optimize", "envelope", "track",
        "validate", "schema", "catalogue", "calc",
    }  # fmt: skip


def test_commands_are_listed_run_first_whatever_order_they_were_added_in() -> None:
    import click

    root = typer.main.get_command(app)
    names = root.list_commands(click.Context(root))  # type: ignore[arg-type]
    assert names[:3] == ["run", "example", "results"]


# --- the same option means the same everywhere ---------------------------------------------


def test_json_is_a_switch_for_stdout_in_every_command() -> None:
    having = []
    for path, cmd in _commands():
        opt = _option(cmd, "--json")
        if opt is None:
            continue
        having.append(path)
        assert opt.is_flag, f"{path}: --json takes a value"
        assert "json" in (opt.help or "").lower(), path
    for path in ("run", "compare", "explain", "results", "replay", "envelope", "coverage",
                 "exposure", "optimize", "track", "catalogue list", "catalogue show",
                 "calc radar-range"):  # fmt: skip
        assert path in having, f"{path} has no --json"


def test_out_has_the_short_form_o_everywhere_and_is_required_only_by_track() -> None:
    having = []
    for path, cmd in _commands():
        opt = _option(cmd, "--out")
        if opt is None:
            continue
        having.append(path)
        assert "-o" in opt.opts, f"{path}: --out without -o"
        assert opt.required == (path == "track"), path
    assert {"run", "compare", "coverage", "exposure", "optimize", "envelope", "track",
            "report", "export"} <= set(having)  # fmt: skip


def test_workers_default_to_all_cores_everywhere() -> None:
    having = []
    for path, cmd in _commands():
        opt = _option(cmd, "--workers")
        if opt is None:
            continue
        having.append(path)
        assert opt.default is None, path
        assert "all cores" in (opt.help or ""), path
    assert {"run", "compare", "optimize"} <= set(having)


def test_optimize_runs_on_all_cores_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from airguard.errors import InputError
    from airguard.montecarlo import default_workers
    from airguard.studies import placement

    seen: dict[str, Any] = {}

    def stop(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        raise InputError("stopped by the test")

    monkeypatch.setattr(placement, "optimise_placement", stop)
    monkeypatch.setattr("airguard.cli.optimize.compile_kernels", lambda *a, **k: None)
    candidates = FLAGSHIP.parent / "placement.yaml"
    result = runner.invoke(
        app,
        ["optimize", str(FLAGSHIP), "--variant", "patriot", "--system", "patriot",
         "--units", "1", "--candidates", str(candidates)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "stopped by the test" in result.stderr
    assert seen["workers"] == default_workers()


# --- catalogue ----------------------------------------------------------------------------


def test_catalogue_show_prints_figures_as_the_file_writes_them() -> None:
    result = runner.invoke(app, ["catalogue", "show", "s-400"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "420 km / 500 km / 600 km" in text  # radar-91n6e reference_range, as in s-400.yaml
    assert "360 deg" in text
    assert "6.28319" not in text  # 360 deg in radians
    assert "420000" not in text


def test_catalogue_keeps_the_written_value_beside_the_si_value() -> None:
    from airguard.catalogue import default_catalogue

    radar = default_catalogue().defence("s-400").radars["radar-91n6e"]
    assert radar.reference_range.low.written == "420 km"
    assert radar.reference_range.low.value_si == 420_000.0
    assert radar.azimuth_sector.nominal.written == "360 deg"
    # for display only: equal figures stay equal however they were written
    from airguard.catalogue.figures import FigureLevel

    assert FigureLevel(1000.0, "s", None, "1 km") == FigureLevel(1000.0, "s", None, "1000 m")


def test_catalogue_show_json_stays_in_si() -> None:
    result = runner.invoke(app, ["catalogue", "show", "s-400", "--json"])
    assert result.exit_code == 0, result.stderr
    radar = json.loads(result.stdout)["radars"]["radar-91n6e"]
    assert radar["reference_range"]["low"]["value_si"] == 420_000.0


def test_catalogue_list_json_lists_every_entry() -> None:
    result = runner.invoke(app, ["catalogue", "list", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    s400 = next(r for r in rows if r["id"] == "s-400")
    assert s400["kind"] == "defence"
    assert "radar-91n6e" in s400["components"]


# --- did you mean -------------------------------------------------------------------------


def _small(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        pytest.param(
            "  - name: Base\n    position:", "  - name: Base\n    positon:",
            "line 7: assets[0].positon: unknown field; did you mean 'position'?",
            id="field",
        ),
        pytest.param(
            "seed: 7", "sede: 7", "line 4: sede: unknown field; did you mean 'seed'?", id="top",
        ),
        pytest.param(
            "    heading: 110 deg\nraids:", "    heading: 110 deg\n    headng: 1 deg\nraids:",
            "units[0].headng: unknown field; did you mean 'heading'?",
            id="field-of-a-unit",
        ),
        pytest.param(
            "threat: scud-b", "threat: scud-c",
            "raids[0].threat: unknown threat 'scud-c' (catalogue: agm-88, fateh-110, ", id="catalogue-id",
        ),
        pytest.param(
            "    target: Base\n  - name: Drones", "    target: Bsae\n  - name: Drones",
            "raids[0].target: unknown asset 'Bsae' (assets: Base); did you mean 'Base'?",
            id="asset",
        ),
    ],
)  # fmt: skip
def test_a_misspelt_name_in_a_scenario_gets_did_you_mean(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    path = _small(tmp_path, old, new)
    message = _error(["validate", str(path)])
    assert message.startswith(f"airguard: error: {path} ")
    assert says in message
    if "scud-c" in message:
        assert message.rstrip().endswith("tomahawk); did you mean 'scud-b'?")


def test_an_unknown_field_far_from_any_known_one_gets_no_guess(tmp_path: Path) -> None:
    path = _small(tmp_path, "seed: 7", "seed: 7\nwhatever: 3")
    message = _error(["validate", str(path)])
    assert "whatever: unknown field; check its spelling against `airguard schema`" in message
    assert "did you mean" not in message


def test_a_misspelt_field_in_a_variant_gets_did_you_mean(tmp_path: Path) -> None:
    path = _small(tmp_path, "        heading: 110 deg", "        haeding: 110 deg")
    message = _error(["validate", str(path)])
    assert "variants.s-400.units[0].haeding: unknown field; did you mean 'heading'?" in message


def test_a_misspelt_catalogue_field_gets_did_you_mean(tmp_path: Path) -> None:
    from airguard.catalogue import load_entry
    from airguard.errors import InputError

    source = Path(__file__).parents[2] / "src" / "airguard" / "catalogue" / "data" / "s-400.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count("    reference_range:") == 2
    with pytest.raises(InputError) as info:
        load_entry(source, text.replace("    reference_range:", "    referenceRange:", 1))
    assert info.value.message == "unknown field; did you mean 'reference_range'?"
    assert info.value.field == "radars.radar-91n6e.referenceRange"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["run", "VARIANT_FILE", "--variant", "s400"],
         "no variant 's400' (variants: patriot, s-400); did you mean 's-400'?"),
        (["validate", "UNIT_FILE"], "unknown defence system 'patriott'"),
        (["catalogue", "show", "s400"], "did you mean 's-400'?"),
        (["catalogue", "show", "pac-3-mes"], "did you mean 'pac-3-mse'?"),
        (["envelope", "pac-3-mes", "scud-b"], "did you mean 'pac-3-mse'?"),
        (["envelope", "pac-3-mse", "scud-bb"], "did you mean 'scud-b'?"),
        (["results", "RUN_DIR", "--format", "cvs"],
         "--format: expected table, csv or json, got 'cvs'; did you mean 'csv'?"),
    ],
)  # fmt: skip
def test_a_misspelt_variant_or_name_on_the_command_line_gets_did_you_mean(
    tmp_path: Path, args: list[str], says: str
) -> None:
    files = {
        "VARIANT_FILE": str(DATA / "small.yaml"),
        "UNIT_FILE": str(_small(tmp_path, "system: patriot", "system: patriott")),
        "RUN_DIR": str(tmp_path),
    }
    message = _error([files.get(a, a) for a in args])
    assert says in message
    if args[0] == "validate":
        assert message.rstrip().endswith("did you mean 'patriot'?")


# --- YAML booleans ------------------------------------------------------------------------


def test_an_asset_named_no_is_a_name(tmp_path: Path) -> None:
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(text.replace("name: Base", "name: no").replace("target: Base", "target: no"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    from airguard.scenario import load_scenario

    assert {s.body.assets[0].name for s in load_scenario(path)} == {"no"}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "1"])
def test_a_boolean_field_given_a_yaml_1_1_word_is_refused(tmp_path: Path, word: str) -> None:
    path = _small(
        tmp_path,
        "    heading: 110 deg\nraids:",
        f"    heading: 110 deg\n    in_flight_retarget: {word}\nraids:",
    )
    message = _error(["validate", str(path)])
    expected = repr(1) if word == "1" else repr(word)
    assert f"line 15: units[0].in_flight_retarget: expected true or false, got {expected}" in (
        message
    )


@pytest.mark.parametrize(("word", "value"), [("true", True), ("False", False), ("TRUE", True)])
def test_a_boolean_field_takes_true_or_false_in_any_case(
    tmp_path: Path, word: str, value: bool
) -> None:
    from airguard.scenario import load_scenario

    path = _small(
        tmp_path,
        "    heading: 110 deg\nraids:",
        f"    heading: 110 deg\n    in_flight_retarget: {word}\nraids:",
    )
    (patriot, _) = load_scenario(path)
    assert patriot.body.units[0].in_flight_retarget is value

"""`airguard example`: the shipped studies listed, and one copied out with its companion files.

Run from the repository the shipped studies are its scenarios/ folder (an installed wheel
carries the same files as airguard/_scenarios: tests/test_wheel.py).  Bad input (an unknown
name, a directory that holds files) gives one line on stderr and exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.errors import InputError
from airguard.examples import copy_example, list_examples, shipped_root

ROOT = Path(__file__).parents[2]
FLAGSHIP = "turkey-patriot-vs-s400"
FLAGSHIP_FILES = ("scenario.yaml", "exposure.yaml", "placement.yaml", "robustness.json")

runner = CliRunner()


def test_from_the_repository_the_shipped_studies_are_its_scenarios_folder() -> None:
    assert Path(str(shipped_root())) == ROOT / "scenarios"


def test_every_folder_of_scenarios_is_an_example() -> None:
    folders = sorted(p.name for p in (ROOT / "scenarios").iterdir() if p.is_dir())
    assert [e.name for e in list_examples()] == folders


def test_listing_gives_each_example_a_line_with_its_title() -> None:
    result = runner.invoke(app, ["example"])
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith(FLAGSHIP))
    assert "Turkey, Patriot vs S-400" in line
    assert "placement.yaml" in line
    assert "airguard example NAME DIR" in result.stdout


def test_copy_brings_the_scenario_and_its_companion_files(tmp_path: Path) -> None:
    target = tmp_path / "flagship"
    result = runner.invoke(app, ["example", FLAGSHIP, str(target)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in target.iterdir()) == sorted(FLAGSHIP_FILES)
    for name in FLAGSHIP_FILES:
        assert (target / name).read_bytes() == (ROOT / "scenarios" / FLAGSHIP / name).read_bytes()
    assert f"airguard validate {target / 'scenario.yaml'}" in result.stdout


def test_the_copied_scenario_validates(tmp_path: Path) -> None:
    copy_example(FLAGSHIP, tmp_path / "f")
    result = runner.invoke(app, ["validate", str(tmp_path / "f" / "scenario.yaml")])
    assert result.exit_code == 0, result.stderr
    assert "valid (6 variants" in result.stdout


def test_without_a_directory_the_copy_goes_to_a_folder_named_for_the_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["example", FLAGSHIP])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / FLAGSHIP / "scenario.yaml").is_file()


def test_an_empty_directory_is_used(tmp_path: Path) -> None:
    result = runner.invoke(app, ["example", FLAGSHIP, str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "scenario.yaml").is_file()


def test_a_misspelt_name_gets_did_you_mean_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["example", "turkey-patriot-vs-s300", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "airguard: error: no shipped example called 'turkey-patriot-vs-s300'; "
        f"did you mean '{FLAGSHIP}'? (the examples: {FLAGSHIP}; "
        "`airguard example` lists them)\n"
    )
    assert not (tmp_path / "x").exists()


def test_the_start_of_a_name_gets_did_you_mean() -> None:
    result = runner.invoke(app, ["example", "turky"])
    assert result.exit_code == 2
    assert f"did you mean '{FLAGSHIP}'?" in result.stderr


def test_a_directory_holding_files_is_refused_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["example", FLAGSHIP, str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"airguard: error: {tmp_path} is not empty; choose a new directory, or copy the "
        "example over its files with --overwrite\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_overwrite_replaces_the_examples_files_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("edited", encoding="utf-8")
    result = runner.invoke(app, ["example", FLAGSHIP, str(tmp_path), "--overwrite"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "scenario.yaml").read_bytes() == (
        ROOT / "scenarios" / FLAGSHIP / "scenario.yaml"
    ).read_bytes()


def test_a_file_given_as_the_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"f is a file; give a directory"):
        copy_example(FLAGSHIP, tmp_path / "f", overwrite=True)


def test_copy_example_from_python_returns_the_directory(tmp_path: Path) -> None:
    assert copy_example(FLAGSHIP, tmp_path / "d") == tmp_path / "d"

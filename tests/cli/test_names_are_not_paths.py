"""Names are names, never paths; a second writer deletes nothing.

A scenario's variant names become directory names only through
:func:`airguard.scenario.safe_name`: traversal, absolute, reserved, dotted and Unicode
names, separators in sweep values' units.  Nothing a scenario says is written outside the
run directory.  ``--overwrite`` replaces only the directory it writes, under its lock, so a
run of one variant keeps the other variants' results and a second writer is refused
before anything is deleted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.results.store import locked_run_dir, read_manifest
from airguard.scenario import MAX_NAME_BYTES, safe_name

runner = CliRunner()

HOSTILE = [
    "../../somewhere",
    "/an/absolute/path",
    "..",
    ".",
    "",
    ".hidden",
    "a\\b",
    "x\x00y",
    "tab\there",
    "con",
    "NUL.txt",
    "lpt1",
    "\ud800",
    "trailing. ",
    "speed=300 m/s",
    "é" * 200,
    "a" * 300,
]
PLAIN = ["patriot", "s-400", "Kürecik", "patriot-nato", "units[0].inventory.pac-3-mse=8, count=20"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_becomes_one_harmless_path_component(name: str, tmp_path: Path) -> None:
    out = safe_name(name)
    assert out not in ("", ".", "..")
    assert "/" not in out
    assert "\\" not in out
    assert "\x00" not in out
    assert not out.startswith(".")
    assert not out.endswith((".", " "))
    assert len(out.encode("utf-8")) <= MAX_NAME_BYTES + 9
    assert (tmp_path / out).resolve().parent == tmp_path.resolve()
    (tmp_path / out).mkdir()  # the file system takes it


@pytest.mark.parametrize("name", PLAIN)
def test_a_plain_name_is_kept(name: str) -> None:
    assert safe_name(name) == name


def test_names_never_share_a_directory() -> None:
    names = [*HOSTILE, *PLAIN, "a/b", "a-b", "a:b", "..x", "x.."]
    assert len({safe_name(n) for n in names}) == len(names)


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["run", *args, "--reps", "1", "--workers", "1"])


def test_variants_named_as_paths_stay_in_the_run_directory(
    small_path: Path, tmp_path: Path
) -> None:
    text = small_path.read_text(encoding="utf-8").replace(
        "  patriot: {}\n", '  "../../escaped": {}\n  "/tmp/absolute": {}\n', 1
    )
    scenario = tmp_path / "in" / "scenario.yaml"
    scenario.parent.mkdir()
    scenario.write_text(text, encoding="utf-8")
    root = tmp_path / "work" / "runs" / "r"
    before = set(tmp_path.rglob("*"))
    result = _run([str(scenario), "--variant", "../../escaped", "--out", str(root)])
    assert result.exit_code == 0, result.output
    result = _run([str(scenario), "--out", str(tmp_path / "work" / "all")])
    assert result.exit_code == 0, result.output
    made = set(tmp_path.rglob("*")) - before
    assert all(p.resolve().is_relative_to((tmp_path / "work").resolve()) for p in made)
    assert not (tmp_path / "escaped").exists()
    assert not (tmp_path / "work" / "escaped").exists()
    variants = {
        read_manifest(p)["variant"] for p in (tmp_path / "work" / "all").iterdir() if p.is_dir()
    }
    assert variants == {"../../escaped", "/tmp/absolute", "s-400"}


def test_coverage_names_its_variant_directories_as_run_does(
    small_path: Path, tmp_path: Path
) -> None:
    pytest.importorskip("rasterio")
    text = small_path.read_text(encoding="utf-8").replace(
        "  patriot: {}\n", '  "../../escaped": {}\n', 1
    )
    scenario = tmp_path / "in" / "scenario.yaml"
    scenario.parent.mkdir()
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "work" / "maps"
    before = set(tmp_path.rglob("*"))
    result = runner.invoke(
        app,
        ["coverage", str(scenario), "--out", str(out), "--resolution", "20km",
         "--bounds", "36.2,34.5,37.9,36.6"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = set(tmp_path.rglob("*")) - before - {out.parent}
    assert all(p.resolve().is_relative_to(out.resolve()) for p in made)
    assert sorted(p.name for p in out.iterdir()) == sorted([safe_name("../../escaped"), "s-400"])


def test_overwriting_one_variant_keeps_the_others(small_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "runs"
    assert _run([str(small_path), "--out", str(root)]).exit_code == 0
    s400 = read_manifest(root / "s-400")
    result = _run([str(small_path), "--variant", "patriot", "--out", str(root), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert read_manifest(root / "s-400") == s400  # untouched
    assert read_manifest(root / "patriot")["variant"] == "patriot"
    assert not (root / "manifest.json").exists()  # written where the variant's run was


def test_a_second_writer_is_refused_before_it_deletes(small_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "runs"
    assert _run([str(small_path), "--variant", "patriot", "--out", str(root)]).exit_code == 0
    files = sorted(p.relative_to(root) for p in root.rglob("*") if ".lock" not in p.name)
    with locked_run_dir(root):  # a campaign writing it
        result = _run([str(small_path), "--variant", "patriot", "--out", str(root), "--overwrite"])
    assert result.exit_code == 2
    assert "another airguard process" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.relative_to(root) for p in root.rglob("*") if ".lock" not in p.name) == files
    assert os.access(root / "manifest.json", os.R_OK)

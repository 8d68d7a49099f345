"""Resuming a killed campaign: ``airguard run FILE --resume RUN``.

A campaign killed at any moment, SIGKILL included, continues with ``--resume``
and ends with exactly the replications asked for: none lost, none twice, every
part readable, and tables identical bit for bit to those of a run that was
never interrupted.  The kills are real: ``airguard run`` runs as a subprocess
and gets SIGKILL once the run directory shows the moment we want.

The kernels are compiled (or loaded) in this process first, by the reference
run; the subprocesses inherit ``NUMBA_CACHE_DIR`` and load them from that cache.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.results.store import (
    TABLES,
    committed_batches,
    read_manifest,
    read_table,
    write_progress,
)

REPS = 200
VARIANTS = ("patriot", "s-400")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "airguard.cli", *args]


@pytest.fixture(scope="module")
def reference(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted run of both variants (default batch size), in this process."""
    out = tmp_path_factory.mktemp("reference")
    args = ["run", str(small_path), "--reps", str(REPS), "--workers", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str) -> None:
    """SIGKILL `proc` as soon as ``ready()`` is true (polling every few milliseconds)."""
    deadline = time.monotonic() + 120  # a cold numba cache means compiling first
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"airguard run ended (status {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL


def _markers(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("batches/batch-*.json"))


def _assert_complete_and_identical(run_dir: Path, reference: Path) -> None:
    """Exactly replications 0..REPS-1, once each, every part readable, same bits."""
    leftovers = [p for p in run_dir.rglob(".*") if p.is_file()]
    assert leftovers == [], "temporary files left behind"
    on_disk = {p for name in TABLES for p in (run_dir / name).glob("part-*.parquet")}
    committed = {p for b in committed_batches(run_dir) for p in b.parts.values()}
    assert on_disk == committed, "parts without a commit marker left behind"
    for part in sorted(on_disk):
        pq.read_table(part)  # every part readable
    reps = read_table(run_dir, "replications").column("replication").to_numpy()
    np.testing.assert_array_equal(np.sort(reps), np.arange(REPS))  # none lost, none twice
    for name in TABLES:
        ours = read_table(run_dir, name).sort_by("replication")
        theirs = read_table(reference, name).sort_by("replication")
        assert ours.equals(theirs), f"{name} differs from the uninterrupted run"
    ours_manifest, theirs_manifest = read_manifest(run_dir), read_manifest(reference)
    assert ours_manifest["summary"] == theirs_manifest["summary"]
    assert ours_manifest["status"] == "complete"
    assert not (run_dir / "progress.json").exists()


def test_a_run_killed_after_some_batches_resumes_to_the_uninterrupted_tables(
    small_path: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    args = ["run", str(small_path), "--reps", str(REPS), "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(
        _cli(*args, "--batch-size", "2", "--json"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_when(proc, lambda: len(_markers(out / "patriot")) >= 2, "two batches were committed")
    committed = sum(b.stop - b.first for b in committed_batches(out / "patriot"))
    assert 0 < committed < REPS
    assert not (out / "patriot" / "manifest.json").exists()

    unfinished = CliRunner().invoke(app, ["results", str(out)])
    assert unfinished.exit_code == 2
    assert "--resume" in unfinished.stderr

    resumed = subprocess.run(
        _cli("run", str(small_path), "--reps", str(REPS), "--workers", "1", "--resume", str(out)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"patriot: resumed: {committed} replications were committed" in resumed.stdout
    for variant in VARIANTS:
        _assert_complete_and_identical(out / variant, reference / variant)
    assert read_manifest(out / "patriot")["resumed_from"] == committed


def test_a_run_killed_in_its_first_batch_resumes_from_nothing(
    small_path: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    args = ["run", str(small_path), "--variant", "patriot", "--reps", str(REPS)]
    # one batch of all the replications: the kill lands inside it
    proc = subprocess.Popen(
        _cli(*args, "--workers", "1", "--batch-size", str(REPS), "--out", str(out), "--json"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _kill_when(proc, (out / "progress.json").is_file, "the run recorded its start")
    assert _markers(out) == [], "the first batch was committed before the kill"
    progress = json.loads((out / "progress.json").read_text())
    assert (progress["status"], progress["seed"], progress["replications"]) == (
        "in-progress",
        7,
        REPS,
    )

    resumed = subprocess.run(
        _cli(*args, "--workers", "1", "--resume", str(out)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    _assert_complete_and_identical(out, reference / "patriot")


def test_resume_discards_parts_without_a_commit_marker(small_path: Path, tmp_path: Path) -> None:
    """What a kill in the middle of writing a batch leaves: some parts, a temporary file."""
    out = tmp_path / "run"
    args = ["run", str(small_path), "--variant", "patriot", "--reps", "6", "--workers", "1"]
    assert CliRunner().invoke(app, [*args, "--batch-size", "2", "--out", str(out)]).exit_code == 0
    reference = read_table(out, "threats")
    manifest = read_manifest(out)
    (out / "manifest.json").unlink()
    keys = (
        "airguard_version",
        "scenario_sha256",
        "world_sha256",
        "code_sha256",
        "seed",
        "replications",
    )
    write_progress(out, {k: manifest[k] for k in keys})
    committed_batches(out)[-1].marker.unlink()  # batch 2 was written but never committed
    (out / "threats" / ".part-00003.parquet.x1y2.tmp").write_bytes(b"PAR1 half a file")
    (out / "replications" / "part-00003.parquet").write_bytes(
        b"an orphan of a batch never committed"
    )

    result = CliRunner().invoke(app, [*args, "--batch-size", "1", "--resume", str(out)])
    assert result.exit_code == 0, result.output
    assert "resumed: 4 replications were committed, ran the other 2" in result.stdout
    assert not (out / "threats" / ".part-00003.parquet.x1y2.tmp").exists()
    assert [(b.first, b.stop) for b in committed_batches(out)] == [(0, 2), (2, 4), (4, 5), (5, 6)]
    assert read_table(out, "threats").equals(reference)


@pytest.fixture(scope="module")
def finished(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("finished")
    args = ["run", str(small_path), "--variant", "patriot", "--reps", "4", "--workers", "1"]
    assert CliRunner().invoke(app, [*args, "--out", str(out)]).exit_code == 0
    return out


def test_a_finished_run_resumed_again_does_nothing_and_says_so(
    small_path: Path, finished: Path
) -> None:
    before = {p: p.stat().st_mtime_ns for p in finished.rglob("*")}
    args = [
        "run",
        str(small_path),
        "--variant",
        "patriot",
        "--reps",
        "4",
        "--resume",
        str(finished),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "patriot: already complete (4 replications); nothing to run" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in finished.rglob("*")} == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param(
            ["--reps", "5"],
            "was run for 4 replications, asked for 5; resume with --reps 4",
            id="reps",
        ),
        pytest.param(
            ["--reps", "4", "--seed", "8"],
            "was run with seed 7, asked for seed 8; resume with --seed 7",
            id="seed",
        ),
    ],
)
def test_resume_refuses_another_seed_or_count_on_one_line(
    small_path: Path, finished: Path, extra: list[str], message: str
) -> None:
    args = ["run", str(small_path), "--variant", "patriot", "--resume", str(finished), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == f"airguard: error: {finished}: {message}\n"


def test_resume_refuses_a_changed_scenario_on_one_line(
    small_path: Path, finished: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "small.yaml"
    changed.write_text(small_path.read_text().replace("count: 4", "count: 5"))
    args = ["run", str(changed), "--variant", "patriot", "--reps", "4", "--resume", str(finished)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"airguard: error: {finished}: was run from another scenario")
    assert len(result.stderr.splitlines()) == 1


def test_a_run_directory_being_written_is_not_resumed_at_the_same_time(
    small_path: Path, finished: Path
) -> None:
    from airguard.montecarlo.campaign import RunDirError, simulate
    from airguard.results.store import locked_run_dir
    from airguard.scenario import load_scenario

    (sc,) = load_scenario(small_path, variant="patriot")
    with (
        locked_run_dir(finished),  # as a live `airguard run` holds it
        pytest.raises(RunDirError, match="another airguard process is writing"),
    ):
        simulate(sc, 4, workers=1, out=finished, resume=True)


def test_resume_refuses_changed_catalogue_figures(small_path: Path, finished: Path) -> None:
    """The scenario file is the same, but a catalogue figure it uses is not (issue 20: 20
    replications at one Pk resumed with 20 at another stored a mix of two models)."""
    from airguard.catalogue import default_catalogue
    from airguard.catalogue.edit import figure_at, find_figure, with_figure
    from airguard.montecarlo.campaign import RunDirError, simulate
    from airguard.scenario import load_scenario

    cat = default_catalogue()
    eid, path = find_figure(cat, "pac-3-mse max_range")
    figure = figure_at(cat.entries[eid], path)
    shorter = dataclasses.replace(
        figure, nominal=dataclasses.replace(figure.nominal, value_si=50_000.0)
    )
    (sc,) = load_scenario(
        small_path, variant="patriot", catalogue=with_figure(cat, eid, path, shorter)
    )
    before = {p: p.stat().st_mtime_ns for p in finished.rglob("*")}
    with pytest.raises(RunDirError, match="other catalogue figures") as info:
        simulate(sc, 4, workers=1, out=finished, resume=True)
    assert "\n" not in str(info.value)
    assert {p: p.stat().st_mtime_ns for p in finished.rglob("*")} == before


def test_resume_refuses_other_engine_code(
    small_path: Path, finished: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import airguard.montecarlo.campaign as campaign

    monkeypatch.setattr(campaign, "code_digest", lambda: "0" * 64)
    args = [
        "run",
        str(small_path),
        "--variant",
        "patriot",
        "--reps",
        "4",
        "--resume",
        str(finished),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "was run by other airguard code" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("damage", ["flip-bytes", "lose-part", "lose-marker"])
def test_a_damaged_finished_run_is_refused_by_readers_and_healed_by_resume(
    small_path: Path, tmp_path: Path, damage: str
) -> None:
    """A part altered in place (same size), a part lost or a commit marker lost: every
    reader refuses the run on one line instead of reading 4 of 6 replications as if whole,
    and ``--resume`` re-runs the damaged batch to the very tables of the undamaged run."""
    from airguard.results.store import RunDamagedError, query

    out = tmp_path / "run"
    args = ["run", str(small_path), "--variant", "patriot", "--reps", "6", "--workers", "1"]
    assert CliRunner().invoke(app, [*args, "--batch-size", "2", "--out", str(out)]).exit_code == 0
    reference = {name: read_table(out, name) for name in TABLES}
    batch = committed_batches(out)[1]
    part = batch.parts["threats"]
    if damage == "flip-bytes":
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.write_bytes(bytes(data))
    elif damage == "lose-part":
        part.unlink()
    else:
        batch.marker.unlink()
    for read in (lambda: read_table(out, "threats"), lambda: query(out, "SELECT 1")):
        with pytest.raises(RunDamagedError, match="damaged"):
            read()
    result = CliRunner().invoke(app, ["results", str(out), "--sql", "SELECT count(*) FROM threats"])
    assert result.exit_code == 2
    assert "the run's results are damaged" in result.stderr
    assert len(result.stderr.splitlines()) == 1

    healed = CliRunner().invoke(app, [*args, "--resume", str(out)])
    assert healed.exit_code == 0, healed.output
    assert "resumed: 4 replications were committed, ran the other 2" in healed.stdout
    for name in TABLES:
        assert read_table(out, name).equals(reference[name]), name

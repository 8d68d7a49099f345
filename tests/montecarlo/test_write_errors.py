"""A campaign whose writes fail (a full disk) stops with one line and a resumable directory.

Two ways of making the disk full: a real one (a 1 MiB tmpfs mounted for the test, where
mounting is allowed) and an injected ``OSError(ENOSPC)`` from Parquet's writer at a chosen
file (everywhere).  Either way ``airguard run`` ends with exit status 2 and one line saying
what could not be written, how many replications are kept and how to continue; no
temporary file is left behind; and once there is space ``--resume`` completes the run
with tables equal bit for bit to a run that never failed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.results.store import TABLES, committed_batches, read_table

REPS = 12
BATCH = 2  # six batches of five tables each
ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _run(scenario: Path, out: Path, *, resume: bool = False) -> Any:
    args = ["run", str(scenario), "--variant", "patriot", "--reps", str(REPS)]
    args += ["--workers", "1", "--batch-size", str(BATCH)]
    args += ["--resume", str(out)] if resume else ["--out", str(out)]
    return CliRunner().invoke(app, args)


@pytest.fixture(scope="module")
def reference(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "run"
    result = _run(small_path, out)
    assert result.exit_code == 0, result.output
    return out


def _same_tables(run: Path, reference: Path) -> None:
    for name in TABLES:
        assert read_table(run, name).equals(read_table(reference, name)), name


def _stopped_cleanly(result: Any, out: Path) -> str:
    """The failed run's message, after checking the contract: exit 2, one line, no
    traceback, no temporary file left."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if line.startswith("airguard:")]
    assert len(errors) == 1, result.stderr
    message = errors[0]
    assert result.stderr.strip().endswith(message), "the error is not the last line"
    assert "Traceback" not in result.output
    assert "No space left on device" in message
    assert not list(out.rglob("*.tmp")), "a temporary file was left behind"
    return message


@contextlib.contextmanager
def _failing_parquet_write(monkeypatch: pytest.MonkeyPatch, at: int) -> Iterator[None]:
    """Parquet's writer raises ENOSPC at its `at`-th call (1-based) and after."""
    real: Callable[..., Any] = pq.write_table
    calls = 0

    def write_table(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls >= at:
            raise ENOSPC
        return real(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(pq, "write_table", write_table)
        yield


def test_a_write_error_mid_run_stops_it_and_resume_completes_it(
    small_path: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    # batches 0 and 1 committed (5 tables each); batch 2 fails on its second table
    with _failing_parquet_write(monkeypatch, at=2 * len(TABLES) + 2):
        result = _run(small_path, out)
    message = _stopped_cleanly(result, out)
    assert f"{out}/assets/part-00002.parquet: cannot be written" in message
    assert f"4 of {REPS} replications committed" in message
    assert f"--resume {out}" in message
    assert [(b.first, b.stop) for b in committed_batches(out)] == [(0, 2), (2, 4)]
    assert not (out / "manifest.json").exists()
    result = _run(small_path, out, resume=True)
    assert result.exit_code == 0, result.output
    _same_tables(out, reference)


def test_a_write_error_before_the_first_batch_says_nothing_was_run(
    small_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    import airguard.results.store as store

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise ENOSPC

    with monkeypatch.context() as m:
        m.setattr(store.tempfile, "mkstemp", no_space)
        result = _run(small_path, out)
    message = _stopped_cleanly(result, out)
    assert "progress.json: cannot be written" in message
    assert "nothing was run" in message


def test_a_write_error_on_the_manifest_keeps_every_batch(
    small_path: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    import airguard.results.store as store

    real = store._write_json_atomic

    def manifest_fails(path: Path, data: dict[str, Any]) -> None:
        if path.name == "manifest.json":
            raise store.RunWriteError(f"cannot be written: {ENOSPC.strerror}", file=path)
        real(path, data)

    with monkeypatch.context() as m:
        m.setattr(store, "_write_json_atomic", manifest_fails)
        result = _run(small_path, out)
    message = _stopped_cleanly(result, out)
    assert "manifest.json: cannot be written" in message
    assert f"{REPS} of {REPS} replications committed" in message
    result = _run(small_path, out, resume=True)
    assert result.exit_code == 0, result.output
    _same_tables(out, reference)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of 1 MiB mounted for the test (skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace')}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill `disk` so that about `leave` bytes stay free."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    filler.write_bytes(b"\0" * max(free - leave, 0))
    return filler


def test_a_real_full_disk_stops_the_run_and_resume_completes_it(
    small_path: Path, reference: Path, small_disk: Path
) -> None:
    out = small_disk / "run"
    part_bytes = sum(p.stat().st_size for p in reference.rglob("part-00000.parquet"))
    # room for the progress record and about two batches, not for twelve replications
    filler = _fill(small_disk, leave=2 * part_bytes + 32 * 1024)
    result = _run(small_path, out)
    message = _stopped_cleanly(result, out)
    kept = sum(b.stop - b.first for b in committed_batches(out))
    assert 0 < kept < REPS, message
    assert f"{kept} of {REPS} replications committed" in message
    filler.unlink()  # space again
    result = _run(small_path, out, resume=True)
    assert result.exit_code == 0, result.output
    _same_tables(out, reference)


def test_any_command_meets_a_full_disk_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A command other than run (a report, an export, a study) that meets a full disk ends
    with one line naming the file and exit status 2, not a traceback."""
    import importlib

    cli_main = importlib.import_module("airguard.cli.main")  # the module, not its main()

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "runs/flagship/report.html")

    monkeypatch.setattr(cli_main, "app", full)
    with pytest.raises(SystemExit) as info:
        cli_main.main()
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "airguard: error: runs/flagship/report.html: No space left on device\n"
    )

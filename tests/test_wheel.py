"""The wheel is the product: built from this tree and installed into a fresh virtual
environment outside the repository, it carries the shipped studies, the licence and the
project's addresses, and runs the README's first steps there (`airguard example`,
`validate`, a short `run`, `report`).  The README itself, the package index's page, links
only to absolute addresses on the project's one base URL.

Offline: the wheel is built without build isolation (hatchling is in the test extras) and
installed ``--no-deps``; the fresh environment reaches this environment's dependencies
(numpy, numba ...) through a ``.pth`` line, but the airguard it imports is the wheel's.

numba keys a cached kernel by the absolute path of its source file and checks the file's
modification time, so an environment at a new path on every run would compile the
simulator's kernels afresh each time (minutes).  The fresh environment is therefore made
anew at one fixed place outside the repository (``~/.cache/airguard/wheel-test``, beside
the kernel cache), and the installed files take the wheel's own timestamps: a run after
the first loads the kernels the first compiled, until the engine's sources change.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FLAGSHIP = "turkey-patriot-vs-s400"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
BASE = PROJECT["urls"]["Homepage"]


def _shipped_files() -> list[str]:
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "scenarios").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


# -- the README: the package index's page --------------------------------------------------


def _readme_links() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"\]\(([^)\s]+)\)", text)


def test_every_project_url_lies_on_the_one_base_url() -> None:
    assert set(PROJECT["urls"]) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    for name, url in PROJECT["urls"].items():
        assert url.startswith(BASE), name


def test_the_readme_links_only_to_absolute_addresses() -> None:
    links = _readme_links()
    assert links
    relative = [x for x in links if not re.match(r"https?://|#", x)]
    assert relative == []


def test_the_readmes_links_on_the_base_url_name_files_of_the_repository() -> None:
    missing = []
    for link in _readme_links():
        m = re.fullmatch(re.escape(BASE) + r"/(?:blob|tree)/main/([^#]+)(?:#.*)?", link)
        if link.startswith(BASE):
            assert m, f"{link}: expected {BASE}/blob/main/PATH or {BASE}/tree/main/PATH"
            if not (ROOT / m.group(1)).exists():
                missing.append(link)
    assert missing == []


def test_the_readmes_tour_starts_by_copying_a_shipped_example() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"airguard example {FLAGSHIP} flagship" in text
    assert (ROOT / "scenarios" / FLAGSHIP / "scenario.yaml").is_file()


# -- the built distributions ----------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (built,) = out.glob("airguard-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_the_shipped_studies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for path in _shipped_files():
            packaged = "airguard/_" + path
            assert packaged in names, packaged
            assert z.read(packaged) == (ROOT / path).read_bytes(), path
    for name in ("scenario.yaml", "placement.yaml", "exposure.yaml", "robustness.json"):
        assert f"airguard/_scenarios/{FLAGSHIP}/{name}" in names


@pytest.mark.slow
def test_the_wheel_carries_the_licence_and_the_addresses(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        (licence,) = [n for n in z.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert z.read(licence) == (ROOT / "LICENSE").read_bytes()
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = z.read(meta).decode()
    assert "License-Expression: Apache-2.0" in metadata
    for name, url in PROJECT["urls"].items():
        assert f"Project-URL: {name}, {url}\n" in metadata
    assert "extra == 'terrain'" not in metadata  # rasterio is a core dependency
    assert "Requires-Dist: rasterio" in metadata


@pytest.mark.slow
def test_the_sdist_carries_the_licence_and_the_shipped_studies(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "--target", "sdist",
         "--directory", str(tmp_path)],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    (sdist,) = tmp_path.glob("airguard-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"LICENSE", "README.md", "pyproject.toml", *_shipped_files()} <= names
    assert not [n for n in names if n.startswith((".hypothesis", ".import_linter_cache"))]


# -- installed in a fresh environment outside the repository -------------------------------


def _cache_root() -> Path:
    """Where airguard caches compiled kernels (as airguard._jit.configure_cache)."""
    root = os.environ.get("AIRGUARD_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "airguard"
    )
    return Path(root)


@pytest.fixture(scope="module")
def fresh_env(wheel: Path) -> Iterator[Path]:
    """A virtual environment made anew, outside the repository, with the wheel installed."""
    root = _cache_root() / "wheel-test"
    assert not root.resolve().is_relative_to(ROOT.resolve())
    root.mkdir(parents=True, exist_ok=True)
    with open(root.parent / "wheel-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one test run at a time uses the fixed place
        shutil.rmtree(root)
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(root)],
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        python = root / "bin" / "python"
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
             "--no-index", "--no-compile", "--quiet", str(wheel)],
            check=True, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        site = Path(
            subprocess.run(
                [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                check=True, capture_output=True, text=True, timeout=60,
            ).stdout.strip()
        )  # fmt: skip
        # this environment's dependencies, reached without installing them again
        (site / "_airguard_test_dependencies.pth").write_text(
            sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
        )
        # the wheel's timestamps, so that numba's cached kernels stay valid from run to run
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if info.filename.startswith("airguard/") and not info.is_dir():
                    stamp = time.mktime((*info.date_time, 0, 0, -1))
                    os.utime(site / info.filename, (stamp, stamp))
        yield root


def _airguard(env: Path, cwd: Path, *args: str, timeout: float = 300) -> str:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMBA_CACHE_DIR", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    }
    environ["PATH"] = f"{env / 'bin'}{os.pathsep}{environ.get('PATH', '')}"
    done = subprocess.run(
        [str(env / "bin" / "airguard"), *args],
        cwd=cwd, env=environ, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, f"airguard {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_installed_wheel_runs_the_readmes_first_steps(fresh_env: Path, tmp_path: Path) -> None:
    work = tmp_path / "user"
    work.mkdir()
    assert not work.resolve().is_relative_to(ROOT.resolve())

    where = subprocess.run(
        [str(fresh_env / "bin" / "python"), "-c",
         "import airguard, airguard.examples as e; print(airguard.__file__); "
         "print(e.shipped_root())"],
        cwd=work, check=True, capture_output=True, text=True, timeout=120,
    ).stdout.split("\n")  # fmt: skip
    assert Path(where[0]).is_relative_to(fresh_env), where[0]
    assert Path(where[1]).is_relative_to(fresh_env), where[1]

    listing = _airguard(fresh_env, work, "example")
    assert listing.startswith(FLAGSHIP)

    _airguard(fresh_env, work, "example", FLAGSHIP, "flagship")
    copied = sorted(p.name for p in (work / "flagship").iterdir())
    assert copied == ["exposure.yaml", "placement.yaml", "robustness.json", "scenario.yaml"]

    valid = _airguard(fresh_env, work, "validate", "flagship/scenario.yaml")
    variants = "patriot, patriot-nato, s-400, patriot-sead, patriot-nato-sead, s-400-sead"
    assert valid == f"flagship/scenario.yaml: valid (6 variants: {variants})\n"

    # the first run after a change to the engine compiles the kernels (minutes), then cached
    _airguard(
        fresh_env, work, "run", "flagship/scenario.yaml", "--variant", "patriot",
        "--reps", "4", "--workers", "1", "--out", "runs/flagship", timeout=1800,
    )  # fmt: skip
    assert (work / "runs" / "flagship" / "manifest.json").is_file()  # one variant: no subfolder

    _airguard(
        fresh_env, work, "report", "runs/flagship", "--robustness", "flagship/robustness.json",
        "--out", "report.html",
    )  # fmt: skip
    html = (work / "report.html").read_text(encoding="utf-8")
    assert "Turkey, Patriot vs S-400" in html

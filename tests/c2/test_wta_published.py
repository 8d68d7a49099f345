"""The WTA solver against the best published solutions (benchmarks/wta_published.py).

Instances and best known objectives: A. C. Andersen, K. Pavlikov & T. A. M.
Toffolo, "Weapon-target assignment problem: exact and approximate solution
algorithms", Annals of Operations Research (2022),
doi:10.1007/s10479-022-04525-6; https://github.com/tuliotoffolo/wta, files
data/wta_*.txt and logs/results.csv.  Target from the WTA issue: within 1 % of
the best published objective in under a second on 50 × 100 and 100 × 200.

The instance files are not in this repository (theirs states no licence), so
the comparison runs only where AIRGUARD_WTA_DATA names a folder holding them;
the file reader is tested on a small file written here.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).parents[2]


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "wta_published", ROOT / "benchmarks" / "wta_published.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


wta_published = _benchmark()

DATA = os.environ.get(wta_published.DATA_ENV)
NOT_SHIPPED = (
    f"{wta_published.DATA_ENV} is not set: the published WTA instances "
    "(github.com/tuliotoffolo/wta, Andersen, Pavlikov & Toffolo 2022) carry no licence, "
    "so airguard does not ship them; clone that repository and set "
    f"{wta_published.DATA_ENV}=<clone>/data to run this comparison"
)
TARGETED = [f"wta_{w}x{t}x{mu}" for w, t in ((50, 100), (100, 200)) for mu in (1, 2, 3)]
GAP = 0.01  # the target: within 1 % of the best published objective,
TIME_S = 1.0  # in under a second (from a warm start: kernels compiled, HiGHS loaded)


def test_reader_takes_header_values_and_probabilities_in_any_order(tmp_path: Path) -> None:
    # Same layout as data/wta_50x100x1.txt, shrunk to W=2, T=3, mu=2; the pairs are
    # shuffled and one probability is in exponent form, as 6.35597670195e-05 is there.
    path = tmp_path / "wta_2x3x2.txt"
    path.write_text(
        "2 3 2\n13\n60\n71\n"
        "1 2 0.25\n0 0 0.409311426086\n0 1 6.35597670195e-05\n"
        "1 0 0.5\n0 2 0.99\n1 1 0.125\n"
    )
    instance = wta_published.read_instance(path)
    assert instance.name == "wta_2x3x2"
    assert instance.capacity == 2
    np.testing.assert_array_equal(instance.values, [13.0, 60.0, 71.0])
    np.testing.assert_array_equal(
        instance.kill_probability,
        [[0.409311426086, 6.35597670195e-05, 0.99], [0.5, 0.125, 0.25]],
    )


def test_reader_names_the_file_and_line_of_a_repeated_pair(tmp_path: Path) -> None:
    path = tmp_path / "wta_1x2x1.txt"
    path.write_text("1 2 1\n5\n7\n0 1 0.5\n0 1 0.25\n")
    with pytest.raises(ValueError, match=r"wta_1x2x1\.txt line 5: a second probability"):
        wta_published.read_instance(path)


def test_reader_counts_the_lines_a_header_promises(tmp_path: Path) -> None:
    path = tmp_path / "wta_2x2x1.txt"
    path.write_text("2 2 1\n5\n7\n0 0 0.5\n0 1 0.5\n1 0 0.5\n")
    with pytest.raises(ValueError, match=r"expected 7 non-empty lines .* got 6"):
        wta_published.read_instance(path)


@pytest.fixture(scope="module")
def warmed_up() -> None:
    wta_published.warm_up()


@pytest.mark.slow
@pytest.mark.skipif(not DATA, reason=NOT_SHIPPED)
@pytest.mark.parametrize("name", TARGETED)
def test_within_one_percent_of_best_published_in_under_a_second(name: str, warmed_up: None) -> None:
    path = Path(str(DATA)) / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    result = wta_published.compare(wta_published.read_instance(path), method="auto")
    assert result.gap <= GAP, (
        f"{name}: objective {result.objective:.6f} is {100 * result.gap:.2f} % above the "
        f"best published {result.best_published:.6f}"
    )
    assert result.seconds < TIME_S, f"{name}: {result.seconds:.3f} s"

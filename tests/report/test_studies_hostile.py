"""Hostile flights in the report's exposure section: a table of their own and their reach.

The exposure study of ``tests/studies/test_exposure_hostile.py`` (an S-400 battalion, two
hostile F-16 raids and a friendly flight on one of their routes) written by
``airguard exposure --out`` and read back by the report: each side's rows under its own
heading, and the hostile flights' time in reach, detected and engageable as the study's
``exposure.json`` gives it. A study without hostile flights keeps the section it had.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from airguard.report.studies import exposure_block, load_exposure
from airguard.studies.exposure import exposure_analysis, write_outputs
from tests.studies.test_exposure import SCENARIO
from tests.studies.test_exposure_hostile import FLIGHTS


@pytest.fixture(scope="module")
def study_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile-report")
    path = tmp / "hostile.yaml"
    path.write_text(SCENARIO.split("flights:")[0] + FLIGHTS, encoding="utf-8")
    out = tmp / "exposure"
    write_outputs(exposure_analysis(path, step_s=5.0), out)
    return out


def _cells(html: str, attrs: str) -> list[str]:
    m = re.search(rf"<tr {attrs}[^>]*>(.*?)</tr>", html, re.S)
    assert m, attrs
    return re.findall(r"<td[^>]*>(.*?)</td>", m.group(1), re.S)


def _table(html: str, table_id: str) -> str:
    m = re.search(rf'<table [^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
    assert m, table_id
    return m.group(1)


def test_friendly_and_hostile_flights_are_tabled_apart(study_dir: Path) -> None:
    html, _ = exposure_block(load_exposure(study_dir), 0)
    assert html.index("<h4>Friendly flights</h4>") < html.index("<h4>Hostile flights</h4>")
    friendly = _table(html, "exposure-table-0")
    hostile = _table(html, "exposure-hostile-table-0")
    assert 'data-flight="own"' in friendly
    assert 'data-flight="raid"' not in friendly
    assert 'data-flight="raid"' in hostile
    assert 'data-flight="raid-far"' in hostile
    assert 'data-flight="own"' not in hostile


def test_reach_table_shows_the_study_figures(study_dir: Path) -> None:
    data = json.loads((study_dir / "exposure.json").read_text(encoding="utf-8"))
    html, _ = exposure_block(load_exposure(study_dir), 0)
    reach = _table(html, "exposure-reach-table-0")
    assert reach.count("<tr data-flight=") == len(data["reach"]) == 2
    for r in data["reach"]:
        cells = _cells(reach, f'data-flight="{r["flight"]}" data-unit="{r["unit"]}"')
        span = (
            "—"
            if r["first_engageable_s"] is None
            else f"{r['first_engageable_s']:.0f}–{r['last_engageable_s']:.0f}"
        )
        assert cells == [
            r["flight"],
            r["unit"],
            r["rcs_level"],
            f"{r['reach_s'] / 60:.1f}",
            f"{r['detected_s'] / 60:.1f}",
            f"{r['engageable_s'] / 60:.1f}",
            span,
        ]


def test_a_study_without_hostile_flights_keeps_its_section(study_dir: Path, tmp_path: Path) -> None:
    # the same study with only its friendly flight, and again without the "side" keys a study
    # written before hostile flights lacks: one section, the same, without headings
    data = json.loads((study_dir / "exposure.json").read_text(encoding="utf-8"))
    data["flights"] = [f for f in data["flights"] if f["side"] == "friendly"]
    data["results"] = [r for r in data["results"] if r["flight"] == "own"]
    data["reach"] = []
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data), encoding="utf-8")
    for f in data["flights"]:
        del f["side"]
    del data["reach"], data["reach_rule"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    html_new, _ = exposure_block(load_exposure(new), 0)
    html_old, _ = exposure_block(load_exposure(old), 0)
    assert html_new.replace(str(new), "X") == html_old.replace(str(old), "X")
    assert "<h4>" not in html_new
    assert "exposure-reach-table" not in html_new


def test_a_malformed_reach_row_is_named(study_dir: Path, tmp_path: Path) -> None:
    from airguard.errors import InputError

    data = json.loads((study_dir / "exposure.json").read_text(encoding="utf-8"))
    data["reach"][1]["engageable_s"] = "long"
    bad = tmp_path / "exposure.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"reach\[1\]\.engageable_s: expected a number"):
        load_exposure(bad)

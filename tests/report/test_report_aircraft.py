"""Hostile aircraft, weapons never released, ARMs and emission control in the report and
in ``explain``.

Two small runs built here:

- **carrier** (the "engaged" case of ``tests/engine/test_hostile_aircraft.py``): the small
  scenario's Patriot battery, its Scud and drone raids, and a hostile F-16 carrying two
  Kh-101s that it releases at its third route point (about t = 590 s); the battery shoots
  it down first in most replications, so the Kh-101s are never released. The **spared**
  case is the same with no round for aircraft (GEM-T 0): the F-16 always releases them.
- **silent** (``tests/engine/test_arm_emcon.py``): a Patriot battery that cannot shoot, at
  a radar site, silent from 0 to 600 s (the whole 10 min), against two AGM-88s: every ARM
  loses its emitter, and each replication counts its whole length as silence (it ends
  once the ARMs have landed, nothing being left to engage).

The report's figures are checked against the run's own tables (means and Wilson intervals
computed here), and by construction: silence from t = 0 to each replication's end, two ARMs lost
per replication, threats counted without the aircraft and the unreleased weapons.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from airguard.montecarlo.campaign import simulate
from airguard.report.charts import TIMELINE_COLOURS
from airguard.report.html import _replication_summary, build_report
from airguard.report.outcomes import run_figures
from airguard.results.explain import Cause, Explained, _sentence, explain_runs
from airguard.scenario import load_scenario
from tests.engine.test_arm_emcon import BASE as ARM_BASE
from tests.engine.test_hostile_aircraft import CARRIER, RELEASED

REPS = 6
SEED = 11
DATA = Path(__file__).parents[1] / "data"
UNARMED = (
    "    inventory: {pac-3-mse: 16, pac-2-gem-t: 0}\n"
    "    doctrine: {aircraft: {interceptors: [pac-2-gem-t]}}\n"
)


def _carrier_text(unit_extra: str = "") -> str:
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    text = text.replace("duration: 10 min", "duration: 30 min")
    text = text.replace(
        "    heading: 110 deg\nraids:", f"    heading: 110 deg\n{unit_extra}raids:", 1
    )
    return text.replace(
        "variants:", RELEASED + "iff_reliability: 1.0\nflights:\n" + CARRIER + "variants:", 1
    )


def _run(tmp: Path, name: str, text: str, variant: str | None = "patriot") -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    (scenario,) = load_scenario(path, variant=variant)
    out = tmp / name
    simulate(scenario, REPS, seed=SEED, workers=1, out=out)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("aircraft-report")
    emcon = "    emcon: {silent: [{start: 0 s, end: 600 s}]}\n"
    return {
        "carrier": _run(tmp, "carrier", _carrier_text()),
        "spared": _run(tmp, "spared", _carrier_text(UNARMED)),
        "silent": _run(tmp, "silent", ARM_BASE.format(emcon=emcon), None),
    }


@pytest.fixture(scope="module")
def carrier_page(runs: dict[str, Path]) -> str:
    html, _ = build_report([runs["carrier"]], tracks=False)
    return html


def _table(run: Path, name: str):  # type: ignore[no-untyped-def]
    return pq.read_table(run / name).to_pandas()


def _cells(page: str, key: str) -> list[str]:
    m = re.search(rf'<tr data-figure="{re.escape(key)}"><td>[^<]*</td>(.*?)</tr>', page, re.S)
    assert m, key
    return re.findall(r"<td>(.*?)</td>", m.group(1), re.S)


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    # E. B. Wilson, JASA 22 (1927): (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    p = k / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - h) / (1 + z * z / n), (c + h) / (1 + z * z / n)


def test_the_runs_have_what_the_report_must_show(runs: dict[str, Path]) -> None:
    reps = _table(runs["carrier"], "replications")
    assert (reps["aircraft"] == 1).all()
    assert reps["aircraft_killed"].sum() > 0
    assert reps["unreleased"].sum() > 0
    silent = _table(runs["silent"], "replications")
    # silent by the schedule from t = 0 until the replication ended (nothing left to engage
    # once the ARMs landed: well before the schedule's 600 s)
    assert (silent["radar_silent_s"] == silent["ended"]).all()
    assert _table(runs["silent"], "threats")["arm_lost"].sum() == 2 * REPS


def test_hostile_aircraft_shot_down_and_unreleased_weapons_in_the_outcomes(
    runs: dict[str, Path], carrier_page: str
) -> None:
    reps = _table(runs["carrier"], "replications")
    down = reps["aircraft_killed"].to_numpy()
    cells = _cells(carrier_page, "aircraft_killed_per_raid")
    assert cells[0].startswith(f"{down.mean():.2f} ")
    k = int((down > 0).sum())
    lo, hi = _wilson(k, REPS)
    (p,) = _cells(carrier_page, "p_aircraft_killed")
    assert p == f'{k / REPS:.3f} <span class="ci">[{lo:.3f}, {hi:.3f}]</span>'
    (never,) = _cells(carrier_page, "unreleased_per_raid")
    assert never.startswith(f"{reps['unreleased'].mean():.2f} ")
    # no ARM, no silence in this run: no rows for them
    assert 'data-figure="arm_lost_per_raid"' not in carrier_page
    assert 'data-figure="radar_silent_s_per_raid"' not in carrier_page
    # the aircraft is no leaker type
    assert 'data-figure="leakers_per_raid/f-16"' not in carrier_page
    assert "f-16" not in run_figures(runs["carrier"]).leakers_by_type


def test_arms_lost_and_radar_silence_in_the_outcomes(runs: dict[str, Path]) -> None:
    reps = _table(runs["silent"], "replications")
    page, _ = build_report([runs["silent"]], tracks=False)
    # every replication: both ARMs lost (no spread)
    (lost,) = _cells(page, "arm_lost_per_raid")
    assert lost == '2.00 <span class="ci">[2.00, 2.00]</span>'
    # silent from t = 0 to each replication's end: the mean of the ends
    (quiet,) = _cells(page, "radar_silent_s_per_raid")
    assert quiet.startswith(f"{reps['ended'].mean():.2f} ")
    assert 'data-figure="aircraft_killed_per_raid"' not in page
    assert "ARMs lost their emitter" in page


def test_a_run_without_them_has_none_of_these_rows(runs: dict[str, Path], tmp_path: Path) -> None:
    # side by side with a run that has them, the other run's cells say "—"
    page, _ = build_report([runs["silent"], runs["carrier"]], tracks=False)
    assert _cells(page, "arm_lost_per_raid")[1] == "—"
    assert _cells(page, "aircraft_killed_per_raid")[0] == "—"


def test_the_timeline_draws_hostile_aircraft_and_unreleased_weapons_apart(
    runs: dict[str, Path], carrier_page: str
) -> None:
    colour = TIMELINE_COLOURS["hostile aircraft"]
    assert colour not in (TIMELINE_COLOURS["aircraft"], "#555")
    svg = carrier_page[carrier_page.index('data-chart="timeline-0"') :]
    svg = svg[: svg.index("</svg>")]
    thr = _table(runs["carrier"], "threats")
    m = re.search(r'data-replication="(\d+)"', carrier_page)
    assert m
    rep = thr[thr["replication"] == int(m.group(1))]
    (plane,) = rep.loc[rep["aircraft"], "threat"].tolist()
    row = re.search(rf'<g class="threat-row" data-threat="{plane}">(.*?)</g>', svg, re.S)
    assert row
    assert f'stroke="{colour}"' in row.group(1)
    assert ">hostile aircraft</text>" in svg
    if rep["unreleased"].any():
        assert 'class="mark-unreleased"' in svg
        assert ">never released</text>" in svg


def test_the_summary_line_counts_aircraft_and_unreleased_weapons_apart() -> None:
    def t(i: int, **kw: object) -> dict[str, object]:
        return {"threat": i, "threat_type": "x", **kw}

    threats = [
        t(0, killed=True),
        t(1, leaked=True, threat_type="scud-b"),
        t(2, aircraft=True, killed=True, threat_type="f-16"),
        t(3, unreleased=True, threat_type="kh-101"),
        t(4, unreleased=True, threat_type="kh-101"),
        t(5, friendly=True),
        t(6, leaked=True, arm_lost=True, threat_type="agm-88"),
    ]
    line = _replication_summary(threats, [])
    assert line == (
        "3 threats: 1 killed, 2 leaked (1 scud-b, 1 agm-88), 1 ARMs lost their emitter "
        "(radar silence); 1 hostile aircraft: 1 shot down; 2 weapons never released "
        "(carrier shot down first); no interceptor fired."
    )


def test_the_funnel_leaves_unreleased_weapons_out(runs: dict[str, Path], carrier_page: str) -> None:
    from airguard.report.chain import run_funnel

    thr = _table(runs["carrier"], "threats")
    released = thr[(thr["threat_type"] == "kh-101") & ~thr["unreleased"]]
    funnel = run_funnel(runs["carrier"])
    assert funnel is not None
    types = {x["threat_type"]: x for x in funnel["types"]}
    if released.empty:  # every carrier shot down first (this seed): no kh-101 ever flew
        assert "kh-101" not in types
    else:
        assert types["kh-101"]["threats"]["mean"] == pytest.approx(len(released) / REPS, abs=1e-12)
    # the report's kill-chain section is the run's funnel
    chain = carrier_page.split('<section id="kill-chain">')[1].split("</section>")[0]
    assert ("kh-101" in chain) == ("kh-101" in types)
    assert "f-16" in chain  # the aircraft's own chain: detected, tracked, engaged, shot down


def test_explain_names_the_carrier_shot_down_not_a_stage_of_the_weapon() -> None:
    cause = Cause("kh-101", "a", "missed", "miss-distance", "unreleased", -0.5, None)
    o = Explained(
        "leakers_per_raid/kh-101", "leakers per raid: kh-101", "count", -0.5, None, (cause,)
    )
    line = _sentence(o, "spared", "engaged", True)
    assert "kh-101 that spared missed (first round passed beyond the lethal radius)" in line
    assert "and engaged shot their carrier down before release" in line
    assert "never released" not in line


def test_explain_pairs_the_runs_and_leaves_the_aircraft_out(runs: dict[str, Path]) -> None:
    ex = explain_runs(runs["spared"], runs["carrier"])
    assert ex.paired  # same seed, replications and raid, unreleased weapons included
    for o in ex.outcomes:
        assert all(c.threat_type != "f-16" for c in o.causes)
        # a weapon never released is never the run's own leaker or hit
        assert all(c.fate != "unreleased" for c in o.causes)
        assert sum(c.share for c in o.causes) == pytest.approx(o.difference, abs=1e-9)
        for c in o.causes:
            if c.other_fate == "unreleased":
                assert "shot their carrier down before release" in " ".join(ex.sentences())


def test_the_run_summary_table_shows_hostile_aircraft_shot_down(runs: dict[str, Path]) -> None:
    from rich.console import Console

    from airguard.report.table import summary_table_from_json
    from airguard.results.store import read_manifest

    def text(*names: str) -> str:
        summaries = [read_manifest(runs[n])["summary"] for n in names]
        console = Console(width=200, record=True)
        console.print(summary_table_from_json(summaries))
        return console.export_text()

    down = _table(runs["carrier"], "replications")["aircraft_killed"]
    k = int((down > 0).sum())
    lo, hi = _wilson(k, REPS)
    line = next(x for x in text("carrier").splitlines() if "P(a hostile aircraft shot" in x)
    assert f"{100 * k / REPS:.1f} % [{100 * lo:.1f}, {100 * hi:.1f}]" in line
    assert "hostile aircraft" not in text("silent")


def test_the_maps_draw_hostile_aircraft_in_the_timelines_colour() -> None:
    from airguard.scene.web import web_asset

    colour = TIMELINE_COLOURS["hostile aircraft"]
    assert f'"hostile aircraft": "{colour}"' in web_asset("map.js")


def test_a_variant_is_explained_against_the_one_its_name_extends() -> None:
    from airguard.report.html import extended_run

    labels = ["patriot", "patriot-nato", "s-400", "patriot-sead", "patriot-nato-sead", "s-400-sead"]
    assert [extended_run(labels, i) for i in range(len(labels))] == [None, 0, None, 0, 1, 2]
    assert extended_run(["s", "s-400"], 1) == 0  # a whole word before the dash only
    assert extended_run(["s-4", "s-400"], 1) is None


def test_the_report_adds_the_explanation_against_the_extended_run(runs: dict[str, Path]) -> None:
    from types import SimpleNamespace

    from airguard.report.html import _explanations

    # s-400 first; patriot-escort extends patriot: explained against s-400 and patriot
    fake = [
        SimpleNamespace(label="s-400", run_dir=runs["silent"]),
        SimpleNamespace(label="patriot", run_dir=runs["spared"]),
        SimpleNamespace(label="patriot-escort", run_dir=runs["carrier"]),
    ]
    notes: list[str] = []
    out = _explanations(fake, notes)  # type: ignore[arg-type]
    direct = explain_runs(runs["spared"], runs["carrier"])
    assert len(out) + len(notes) == 3  # two against the first (or a note each), one more
    assert out[-1].sentences() == direct.sentences()
    assert out[-1].paired

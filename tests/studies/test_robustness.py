"""`airguard compare A B --uncertainty`: which conclusions hold over the plausible worlds.

Known by construction: a battery against no battery at all wins on the base's survival in
every plausible world (the conclusion holds: the undefended base is hit by its one Scud in
every replication, and the battery saves it in at least one of four in each world, even
where the figures are harsh — with three Scuds and two replications a world, since the
radar time budgets of session 15 joined the design, 3 of 8 worlds saw both replications
fail); and, on synthetic world values, a conclusion
that is true exactly when one figure is at its high level flips, on that figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.studies.robustness import HOLDS, RobustComparison, _verdict
from airguard.studies.uncertainty import UncertainFigure

runner = CliRunner()

SCENARIO = """
name: Robustness by construction
duration: 10 min
seed: 11
assets:
  - {name: Base, position: {lat: 37.0, lon: 35.4, alt: 50 m}, radius: 1.5 km}
units:
  - name: A
    system: patriot
    position: {lat: 37.0, lon: 35.42, alt: 50 m}
    heading: 100 deg
raids:
  - name: Scuds
    threat: scud-b
    count: 1
    launch_area: {lat: 36.6, lon: 37.6, alt: 400 m, radius: 5 km}
    launch_window: {start: 0 s, end: 30 s}
    target: Base
variants:
  defended: {}
  undefended:
    units: []
"""


def _synthetic(d_when_high: float, d_otherwise: float, worlds: int = 64) -> RobustComparison:
    """Three figures; B − A (P undamaged) is `d_when_high` in the worlds where figure 1 is
    at its high level, `d_otherwise` elsewhere."""
    rng = np.random.default_rng(5)
    levels = rng.choice(3, size=(worlds, 3), p=[0.25, 0.5, 0.25])
    a = np.full((worlds, 1), 0.5)
    b = a + np.where(levels[:, [1]] == 2, d_when_high, d_otherwise)
    figs = [UncertainFigure(f"thing-{k}", ("x",), 1.0, 2.0, 3.0) for k in range(3)]
    return RobustComparison(
        a="A", b="B", scenario="s", worlds=worlds, replications_per_world=1000, seed=1,
        figures=figs, levels=levels, outcomes=["P(Base undamaged)"], values_a=a, values_b=b,
    )  # fmt: skip


def test_a_conclusion_true_in_every_world_holds():
    v = _verdict(_synthetic(0.2, 0.1), 0, higher_is_better=True, proportion=True)
    assert v.p_b_better == 1.0
    assert v.holds == "b"
    assert v.sentence.startswith("HOLDS: B is better")


def test_a_conclusion_that_turns_on_one_figure_flips_on_it():
    rc = _synthetic(0.2, -0.1)
    v = _verdict(rc, 0, higher_is_better=True, proportion=True)
    share_high = float(np.mean(rc.levels[:, 1] == 2))
    assert v.p_b_better == pytest.approx(share_high)
    assert v.holds is None
    assert v.p_b_better < HOLDS
    top = v.deciding[0]
    assert top["figure"] == "thing-1 x"
    assert top["p_b_better"] == {"low": 0.0, "nominal": 0.0, "high": 1.0}
    assert (
        "it turns on thing-1 x (B better in 0 % at its low, 0 % at its nominal, 100 % at its high)"
        in v.sentence
    )


def test_lower_is_better_for_leakers_and_cost():
    rc = _synthetic(0.2, 0.1)  # B has more: worse, for a count
    v = _verdict(rc, 0, higher_is_better=False, proportion=False)
    assert v.p_b_better == 0.0
    assert v.holds == "a"


def test_a_battery_beats_none_in_every_plausible_world(tmp_path: Path):
    path = tmp_path / "robust.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "compare", f"{path}#undefended", f"{path}#defended", "--uncertainty",
            "--worlds", "8", "--reps-per-world", "4", "--workers", "1", "--json", "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload == json.loads((out / "robustness.json").read_text())
    base = next(v for v in payload["verdicts"] if v["outcome"] == "P(Base undamaged)")
    assert base["holds"] == "b"
    assert base["p_b_better"] == 1.0
    assert payload["sentences"][0].startswith("HOLDS: defended is better on P(Base undamaged)")
    assert len(payload["levels"]) == 8
    # every figure appears at its levels in about their proportions (Latin hypercube)
    levels = np.array(payload["levels"])
    assert (np.abs((levels == 1).mean(axis=0) - 0.5) <= 1 / 8 + 1e-9).all()


def test_run_directories_are_refused_with_uncertainty(tmp_path: Path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("{}")
    result = runner.invoke(app, ["compare", str(run), str(run), "--uncertainty"])
    assert result.exit_code == 2
    assert "give FILE.yaml#VARIANT" in result.output


FLAGSHIP_ROBUSTNESS = Path(__file__).resolve().parents[2] / (
    "scenarios/turkey-patriot-vs-s400/robustness.json"
)


def test_the_flagships_statement_ships_and_reads_back_the_same():
    """The shipped study (s-400 against patriot, 64 worlds × 16 replications) reads back,
    and its verdicts made again from its stored world values are the ones it states."""
    data = json.loads(FLAGSHIP_ROBUSTNESS.read_text())
    rc = RobustComparison.from_json(data)
    assert rc.sentences() == data["sentences"]
    verdict = {v.outcome: v for v in rc.verdicts}
    assert verdict["interceptor cost per raid (USD)"].holds == "a"  # the S-400 is cheaper
    assert verdict["P(Incirlik Air Base undamaged)"].p_b_better > 0.5


def test_the_report_opens_with_the_conclusions():
    from airguard.report.chain import robustness_html
    from airguard.report.html import _robustness_docs

    docs = _robustness_docs([FLAGSHIP_ROBUSTNESS], [])
    html = robustness_html(docs)
    assert html.index("HOLDS") < html.index("FLIPS")
    assert "patriot against s-400" in html


def test_a_malformed_robustness_file_is_named(tmp_path: Path):
    from airguard.errors import InputError
    from airguard.report.html import _robustness_docs

    bad = tmp_path / "robustness.json"
    bad.write_text('{"a": 1}')
    with pytest.raises(InputError, match="as airguard compare --uncertainty --out writes"):
        _robustness_docs([bad], [])

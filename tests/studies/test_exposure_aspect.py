"""RCS by aspect in the exposure study: the catalogue's ``rcs_aspect`` table against hand calculations.

A test aircraft (the F-16 entry under another id) carries a table with a flat frontal sector
(factor 1 to 150°), a jump to 2.0736 = 1.2⁴ between 160° and 180°, and nothing else; the
shipped F-16 carries its own (notional) table, 1 nose-on and 10 at the beam.  The radar is the
S-400's 91N6E of tests/studies/test_exposure.py (reference 500 km for 4 m² at P_D 0.5, P_fa 1e-6).

Hand calculations (Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61, the range
equation SNR = K σ / R⁴ with K from the reference range):

* at one range, σ scaled by a factor f changes the SNR by exactly 10 log10 f dB;
* the P_D = 0.5 range is R_ref (σ/σ_ref)^¼, so a factor f moves it by f^¼: 1.2 for f = 1.2⁴.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.catalogue import load_catalogue
from airguard.catalogue.models import RcsAspect
from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.studies.exposure import Exposure, exposure_analysis
from tests.studies.test_exposure import REF_RANGE_M, REF_RCS_M2, SCENARIO, SPEED, STEP, SURV

DATA = Path(__file__).resolve().parents[2] / "src" / "airguard" / "catalogue" / "data"
TAIL_FACTOR = 1.2**4  # 2.0736: moves the P_D = 0.5 range by exactly 1.2

TEST_JET_TABLE = f"""\
rcs_aspect:
  aspect_deg: [0, 150, 160, 180]
  factor: [1, 1, {TAIL_FACTOR}, {TAIL_FACTOR}]
  notional: "test table"
"""

FLIGHTS = """\
flights:
  - name: inbound
    aircraft: test-jet
    route: [{lat: 42.9, lon: 33.0, alt: 12 km}, {lat: 39.3, lon: 33.0}]
    start: 0 s
    speed: 250 m/s
  - name: outbound
    aircraft: test-jet
    route: [{lat: 39.3, lon: 33.0, alt: 12 km}, {lat: 42.9, lon: 33.0}]
    start: 0 s
    speed: 250 m/s
  - name: pass
    aircraft: f-16
    route: [{lat: 38.5, lon: 33.5, alt: 8 km}, {lat: 39.5, lon: 33.5}]
    start: 100 s
    speed: 250 m/s
"""


def _catalogue_dir(root: Path, table: str) -> Path:
    text = (DATA / "f-16.yaml").read_text(encoding="utf-8")
    start = text.index("rcs_aspect:")
    end = text.index("swerling:")
    body = text[:start] + table + text[end:]
    body = body.replace("id: f-16", "id: test-jet", 1)
    d = root / "catalogue"
    d.mkdir(exist_ok=True)
    (d / "test-jet.yaml").write_text(body, encoding="utf-8")
    return d


def _write_scenario(root: Path, table: str = TEST_JET_TABLE) -> Path:
    """The scenario of tests/studies/test_exposure.py with these flights; returns the catalogue dir."""
    cat_dir = _catalogue_dir(root, table)
    path = root / "scenario.yaml"
    path.write_text(SCENARIO.split("flights:")[0] + FLIGHTS, encoding="utf-8")
    return cat_dir


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Exposure, Exposure]:
    root = tmp_path_factory.mktemp("aspect")
    cat_dir = _write_scenario(root)
    (sc,) = load_scenario(root / "scenario.yaml", catalogue=load_catalogue([cat_dir]))
    levels = ("low", "nominal")
    return (
        exposure_analysis(sc, levels=levels),
        exposure_analysis(sc, levels=levels, aspect_rcs=False),
    )


def _fr(exp: Exposure, flight: str) -> tuple[int, int]:
    return [f.name for f in exp.flights].index(flight), exp.radar_names.index(SURV)


def test_shipped_f16_and_f35_tables_are_notional_and_frontal() -> None:
    cat = load_catalogue()
    for ac in ("f-16", "f-35"):
        table = cat.threat(ac).rcs_aspect  # type: ignore[union-attr]
        assert table is not None
        assert table.notional  # no public source: illustrative
        assert table.source is None
        assert table.factor_at(0.0) == 1.0  # the `rcs` figure is the frontal one


def test_factor_is_joined_linearly_and_symmetric() -> None:
    t = RcsAspect(aspect_deg=[0, 90, 180], factor=[1, 10, 4], notional="x")
    # halfway between the points: the mean of the factors (linear in the factor, not in dB)
    assert t.factor_at(45.0) == pytest.approx(5.5, abs=1e-12)
    assert t.factor_at(135.0) == pytest.approx(7.0, abs=1e-12)
    # left/right symmetric: -45° and 315° are 45°
    assert np.allclose(t.factor_at([-45.0, 315.0]), 5.5, atol=1e-12)


def test_snr_changes_by_ten_log_of_the_factor_at_the_same_range(
    pair: tuple[Exposure, Exposure],
) -> None:
    with_table, scalar = pair
    f, r = _fr(with_table, "pass")
    look = with_table.looks[f][r]
    view = look.in_view
    assert view.sum() > 100
    table = with_table.flights[f].rcs_aspect
    assert table is not None
    diff = with_table.snr_db[f]["nominal"][r, view] - scalar.snr_db[f]["nominal"][r, view]
    want = 10.0 * np.log10(table.factor_at(look.aspect_deg[view]))
    assert np.allclose(diff, want, atol=1e-9)
    # beam-on at the closest approach (aspect 90° within 0.25°, tests/studies/test_exposure.py): the
    # F-16 table's beam factor 10 against 1 nose-on, so 10 dB, within the table's slope of
    # 5/15 per degree over 0.25° (0.036 dB)
    k = int(np.argmin(look.range_m))
    assert diff[np.flatnonzero(view).tolist().index(k)] == pytest.approx(10.0, abs=0.04)


def test_nose_on_sector_keeps_the_frontal_snr(pair: tuple[Exposure, Exposure]) -> None:
    with_table, scalar = pair
    f, r = _fr(with_table, "inbound")
    look = with_table.looks[f][r]
    assert look.aspect_deg[look.in_view].max() < 150.0  # inside the flat frontal sector
    a = with_table.snr_db[f]["low"][r, look.in_view]
    b = scalar.snr_db[f]["low"][r, look.in_view]
    assert np.array_equal(a, b)


def test_pd_half_range_scales_with_the_fourth_root_of_the_factor(
    pair: tuple[Exposure, Exposure],
) -> None:
    with_table, scalar = pair
    # low level, 1 m²: P_D = 0.5 at R_ref (σ/σ_ref)^¼ = 353.6 km nose-on; tail-on (factor 1.2⁴)
    # 1.2 times that, 424.3 km, still inside the 461 km horizon of a 12 km flyer
    r50_nose = REF_RANGE_M * (1.0 / REF_RCS_M2) ** 0.25
    r50_tail = r50_nose * TAIL_FACTOR**0.25
    assert r50_tail == pytest.approx(1.2 * r50_nose, rel=1e-12)

    f, r = _fr(with_table, "inbound")
    row = next(
        x for x in with_table.rows if (x.flight, x.radar, x.rcs_level) == ("inbound", SURV, "low")
    )
    assert row.first_exposed_s is not None
    k = int(np.searchsorted(with_table.flights[f].time_s, row.first_exposed_s))
    rng = with_table.looks[f][r].range_m
    assert r50_nose - SPEED * STEP - 1.0 <= rng[k] <= r50_nose + 1.0

    f, r = _fr(with_table, "outbound")
    look = with_table.looks[f][r]
    row = next(
        x for x in with_table.rows if (x.flight, x.radar, x.rcs_level) == ("outbound", SURV, "low")
    )
    assert row.last_exposed_s is not None
    k = int(np.searchsorted(with_table.flights[f].time_s, row.last_exposed_s))
    assert look.aspect_deg[k] > 160.0  # tail-on, in the table's flat 2.0736 sector
    # the last sample inside the P_D = 0.5 range, the next beyond it
    assert r50_tail - SPEED * STEP - 1.0 <= look.range_m[k] <= r50_tail + 1.0
    assert with_table.pd[f]["low"][r, k] >= 0.5 > with_table.pd[f]["low"][r, k + 1]
    # without the table the outbound flight is lost at the frontal range
    row0 = next(
        x for x in scalar.rows if (x.flight, x.radar, x.rcs_level) == ("outbound", SURV, "low")
    )
    assert row0.last_exposed_s is not None
    k0 = int(np.searchsorted(scalar.flights[f].time_s, row0.last_exposed_s))
    assert r50_nose - SPEED * STEP - 1.0 <= scalar.looks[f][r].range_m[k0] <= r50_nose + 1.0


def test_json_names_the_table_it_used(pair: tuple[Exposure, Exposure]) -> None:
    from airguard.studies.exposure import to_json

    with_table, scalar = pair
    flights = {f["name"]: f for f in to_json(with_table)["flights"]}
    assert flights["outbound"]["rcs_aspect"]["factor"][-1] == pytest.approx(TAIL_FACTOR)
    assert flights["outbound"]["rcs_aspect"]["notional"] == "test table"
    assert all(f["rcs_aspect"] is None for f in to_json(scalar)["flights"])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "  aspect_deg: [0, 90, 170]\n  factor: [1, 2, 3]\n  notional: x\n",
            "run from 0 (nose-on) to 180",
        ),
        (
            "  aspect_deg: [0, 90, 90, 180]\n  factor: [1, 2, 2, 3]\n  notional: x\n",
            "must increase",
        ),
        ("  aspect_deg: [0, 180]\n  factor: [2, 3]\n  notional: x\n", "factor at 0 deg must be 1"),
        (
            "  aspect_deg: [0, 90, 180]\n  factor: [1, 2]\n  notional: x\n",
            "3 aspect angles but 2 factors",
        ),
        ("  aspect_deg: [0, 180]\n  factor: [1, 0]\n  notional: x\n", "greater than 0"),
        ("  aspect_deg: [0, 180]\n  factor: [1, 2]\n", "exactly one of 'source'"),
        (
            "  aspect_deg: [0, 180]\n  factor: [1, 2]\n  source: nowhere\n",
            "not a key of this file's",
        ),
    ],
)
def test_bad_table_is_refused_naming_file_and_field(
    tmp_path: Path, table: str, message: str
) -> None:
    d = _catalogue_dir(tmp_path, "rcs_aspect:\n" + table)
    with pytest.raises(InputError) as err:
        load_catalogue([d])
    text = str(err.value)
    assert "test-jet.yaml" in text
    assert "rcs_aspect" in text
    assert message in text


def test_absent_table_keeps_the_scalar_rcs(tmp_path: Path) -> None:
    d = _catalogue_dir(tmp_path, "")
    cat = load_catalogue([d])
    assert cat.threat("test-jet").rcs_aspect is None  # type: ignore[union-attr]

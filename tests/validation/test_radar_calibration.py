"""Each catalogue radar, compiled into the engine, meets its own reference statement.

The catalogue calibrates a radar the open-analysis way: "detects a target of RCS
sigma_ref at range R_ref with probability Pd_ref at false-alarm probability Pfa_ref"
(Swerling 1, one look).  The engine's look at a Swerling 1 target of RCS sigma_ref
placed at R_ref must then detect with probability Pd_ref, and at R_ref / 2^(1/4)
(twice the signal, +3.01 dB) with the closed form Pd = Pfa^(1/(1 + 2 SNR_ref))
(Mahafza & Elsherbeni, *MATLAB Simulations for Radar Systems Design*, 2004, eq. 2.75),
where SNR_ref = ln Pfa / ln Pd_ref - 1 from the same equation.  The independent numbers
are the catalogue's own reference statement and the closed form; tolerances are four
binomial standard deviations.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from airguard.catalogue import DefenceSystem, default_catalogue
from airguard.world import Radars
from tests.validation.test_detection_sim import _detected, _threats

N = 20_000


def _radar_rows() -> list[tuple[str, object]]:
    rows = []
    for entry in default_catalogue():
        if isinstance(entry, DefenceSystem):
            rows.extend((rid, spec) for rid, spec in entry.radars.items())
    return rows


def _compiled_radar(spec) -> Radars:  # type: ignore[no-untyped-def]
    """The radar row `world.compile_world` builds, for a unit on the equator at sea level."""
    from airguard.scenario import Unit
    from airguard.world import radar_row

    unit = Unit.model_validate(
        {"name": "u", "system": "any", "position": {"lat": 0.0, "lon": 0.0}, "heading": "0 deg"}
    )
    row = radar_row(spec, unit, 0)
    # open every limit but the one tested: the reference range may exceed the instrumented one
    row.update(
        max_range_m=1e9, az_half_rad=math.pi, el_min_rad=-0.5 * math.pi, el_max_rad=0.5 * math.pi
    )
    row.update(sigma_range_m=0.0, sigma_az_rad=0.0, sigma_el_rad=0.0)
    # the whole sector in one look, no false alarms: the target's own draw is tested
    row.update(n_sectors=1, false_alarms_per_scan=0.0)
    return Radars(
        **{
            name: np.asarray(
                [row[name]],
                dtype=np.int64 if name in ("unit", "n_sectors", "jam_carrier") else np.float64,
            )
            for name in Radars._fields
        }
    )


@pytest.mark.parametrize(("radar_id", "spec"), _radar_rows(), ids=[r[0] for r in _radar_rows()])
def test_radar_detects_its_reference_target_at_its_reference_range(radar_id, spec):
    radar = _compiled_radar(spec)
    r_ref = spec.reference_range.value
    pd_ref = spec.reference_pd.value
    pfa = spec.reference_pfa.value
    snr_ref = math.log(pfa) / math.log(pd_ref) - 1.0
    for range_m, expected in (
        (r_ref, pd_ref),
        (r_ref / 2**0.25, pfa ** (1.0 / (1.0 + 2.0 * snr_ref))),
    ):
        # straight up from the radar, so that no horizon or sector plays a part
        enu = np.tile([0.0, 0.0, range_m], (N, 1))
        thr = _threats(radar, enu, np.full(N, range_m), spec.reference_rcs.value, 1)
        got = _detected(radar, thr, seed=zlib.crc32(radar_id.encode())).mean()
        sd = math.sqrt(expected * (1 - expected) / N)
        assert abs(got - expected) < 4 * sd, (radar_id, range_m, got, expected)

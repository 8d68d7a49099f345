"""The engine's contract: reproducible replications and consistent outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from airguard.engine import OUTCOME_NAMES, run_replication
from airguard.montecarlo import iter_batches
from airguard.results.store import TABLES


def _same(a: object, b: object) -> None:
    for name in a.__dataclass_fields__:  # type: ignore[attr-defined]
        x, y = getattr(a, name), getattr(b, name)
        if hasattr(x, "_fields"):
            for f in x._fields:
                np.testing.assert_array_equal(getattr(x, f), getattr(y, f), err_msg=f"{name}.{f}")
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)


def test_a_replication_rerun_alone_gives_the_same_bits(small_worlds):
    world = small_worlds["patriot"]
    first = run_replication(world, 11, 5)
    run_replication(world, 11, 6)  # other work in between changes nothing
    _same(first, run_replication(world, 11, 5))


def test_replications_and_seeds_draw_different_raids(small_worlds):
    world = small_worlds["patriot"]
    a = run_replication(world, 11, 0)
    b = run_replication(world, 11, 1)
    c = run_replication(world, 12, 0)
    assert not np.array_equal(a.threats.t_launch, b.threats.t_launch)
    assert not np.array_equal(a.threats.t_launch, c.threats.t_launch)


@pytest.mark.slow
def test_outcomes_do_not_depend_on_workers_or_batch_size(small_worlds):
    world = small_worlds["s-400"]

    def collect(**kw):  # type: ignore[no-untyped-def]
        import pyarrow as pa

        parts = list(iter_batches(world, 3, 12, **kw))
        return {t: pa.concat_tables([p[t] for p in parts]) for t in TABLES}

    one = collect(workers=1, batch_size=12)
    for kw in ({"workers": 1, "batch_size": 5}, {"workers": 2, "batch_size": 4}):
        other = collect(**kw)
        for t in TABLES:
            assert one[t].column_names == other[t].column_names
            for col in one[t].column_names:
                a = one[t].column(col).to_numpy(zero_copy_only=False)
                b = other[t].column(col).to_numpy(zero_copy_only=False)
                np.testing.assert_array_equal(a, b, err_msg=f"{t}.{col} with {kw}")


def test_threats_fly_from_launch_to_their_aim_within_cep_scale(small_worlds):
    world = small_worlds["patriot"]
    r = run_replication(world, 1, 0)
    thr = r.threats
    assert np.all(thr.t_impact > thr.t_launch)
    # every impact lies within 5 CEP of its aimed asset (a circular normal exceeds
    # 5 CEP = 4.25 sigma with probability exp(-4.25^2/2) ~ 1e-4)
    cep = world.threat_types.cep_m[thr.ttype]
    miss = np.linalg.norm(thr.impact_pos - world.asset_pos_ecef_m[thr.target], axis=1)
    assert np.all(miss < 5 * cep + 50.0)


def test_every_threat_is_killed_or_leaks_or_is_still_flying(small_worlds):
    world = small_worlds["patriot"]
    for k in range(5):
        r = run_replication(world, 2, k)
        killed = np.isfinite(r.killed_at)
        assert not np.any(killed & r.impacted)
        flying = ~killed & ~r.impacted
        assert np.all(r.threats.t_impact[flying] > world.duration_s)
        # a kill happens before the threat would have landed
        assert np.all(r.killed_at[killed] <= r.threats.t_impact[killed])


def test_interceptors_are_accounted_for(small_worlds):
    world = small_worlds["patriot"]
    r = run_replication(world, 3, 0)
    assert r.outcome.size > 0
    assert set(np.unique(r.outcome)) <= set(range(len(OUTCOME_NAMES)))
    assert np.all(r.end_time >= r.launch_time)
    # each kill is credited to exactly one interceptor, at the kill time
    kills = r.outcome == OUTCOME_NAMES.index("kill")
    assert np.array_equal(
        np.sort(r.interceptor_target[kills]), np.sort(np.nonzero(np.isfinite(r.killed_at))[0])
    )
    np.testing.assert_allclose(r.end_time[kills], r.killed_at[r.interceptor_target[kills]])
    # a kill needs the miss inside the lethal radius
    lethal = world.interceptors.lethal_radius_m[r.interceptor_type[kills]]
    assert np.all(r.miss_distance[kills] <= lethal)
    # inventory is never exceeded
    for u in range(world.units.rounds.shape[0]):
        for i in range(world.units.rounds.shape[1]):
            fired = np.sum((r.interceptor_unit == u) & (r.interceptor_type == i))
            assert fired <= world.units.rounds[u, i]


def test_no_defence_means_every_threat_lands(small_path, tmp_path):
    from airguard.scenario import load_scenario
    from airguard.world import compile_world

    text = (
        small_path.read_text().split("units:")[0]
        + "raids:"
        + small_path.read_text().split("raids:")[1].split("variants:")[0]
    )
    p = tmp_path / "undefended.yaml"
    p.write_text(text)
    (sc,) = load_scenario(p)
    world = compile_world(sc)
    r = run_replication(world, 1, 0)
    assert r.outcome.size == 0
    assert r.impacted.all()
    assert np.isinf(r.killed_at).all()

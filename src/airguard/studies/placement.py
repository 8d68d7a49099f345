"""Placement optimisation: where N fire units of one system best protect a scenario's assets.

Three steps, the usual split between a cheap screening model and the full simulation:

1. **Screening.**  The options (candidate sites, each at one or more sector headings) of
   one site become the units of a world compiled from the scenario (no networks: each
   stands alone); :func:`airguard.studies.coverage.coverage_grid` maps each option's detection
   and engagement footprints against each threat type on one grid shared by all sites
   (the engine's envelopes, reach tables and radar geometry).  A few replications' threat
   trajectories are drawn with :func:`airguard.engine.draw_threats` and looked up in the
   footprints: option *u* can engage threat *n* of sample *s* when any point of the
   threat's path before impact lies in its footprint (ballistic threats only on the
   descending leg, below twice the altitude they are mapped at — where terminal defence
   happens) *in time*: from the unit's first detection of the threat (a ballistic threat
   once inside a radar's instrumented range and sector and past its apogee — the engine engages
   ballistic threats only in descent —, a low one where the detection map at its height
   sees it) to the point, there is time for the unit's reaction and a fly-out at
   the interceptor's mean speed (catalogue maximum range / maximum flight time) — a
   timing test the static maps leave out.  Cruise missiles and drones are mapped at their
   raid's flight height (above the ellipsoid: the engine flies routes above the target's
   ground) less each candidate site's height.  One engagement kills with the salvo's
   probability ``p = 1 - (1 - P_k)^salvo`` (the unit's first doctrine interceptor for the threat's
   class), scaled down by ``rounds / (salvo × threats it can engage)`` when the unit
   cannot fire at them all (a crude inventory limit); the unit has
   ``m = min(max(floor(t / SHOT_CYCLE_S), 1), MAX_SHOTS)`` engagements at a threat that
   spends t seconds in its footprint, so it kills it with ``1 - (1 - p)^m``.  For a
   placement (a set of options), threat *n* leaks with ``Π_u (1 - P_k,un)``; a leaker damages its asset with
   ``1 - 2^{-(r / CEP)^2}`` (circular normal miss, *r* the asset's damage radius: the
   definition of CEP); an asset survives when no threat aimed at it does damage, and the
   **screening score** is the value-weighted expected fraction of assets that survive,
   averaged over the samples.  Evaluating a placement is a few array products.

2. **Optimiser.**  :func:`scipy.optimize.differential_evolution` over N integer
   variables (each an option index, ``integrality``), maximising the screening score
   (Storn & Price, "Differential evolution", *J. Global Optimization* 11, 1997; SciPy's
   mixed-integer handling after Lampinen & Zelinka, 1999).  Every placement it evaluates
   is remembered, so that the best few distinct ones can be confirmed.

3. **Confirmation.**  The scenario with its units replaced by the chosen ones (same
   network as its first unit) runs by full Monte Carlo
   (:func:`airguard.montecarlo.iter_batches`), as do the scenario's given sites: the
   value-weighted survival with a 95 % interval (mean of the per-replication value
   surviving, CLT) and per-asset P(undamaged) with Wilson intervals (:func:`airguard.results.store.wilson_interval`).

Costs (:func:`unit_cost_usd`) are the catalogue's nominal figures: the fire unit's
``composition.unit_cost_usd`` plus its initial interceptor load (launchers × load ×
interceptor ``unit_cost_usd``).  :func:`budget_comparison` places, for each system, as
many units as a budget buys and confirms them.

The screening model ranks; it does not predict.  Its figures and the Monte Carlo's differ
(docs/placement.md), and the placements it ties (often the same sites at headings it
cannot tell apart) are told apart only by the confirmation, which is why several are run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from airguard._jit import njit
from airguard.errors import InputError
from airguard.geo import MEAN_EARTH_RADIUS_M
from airguard.scenario import Position, Scenario, ScenarioBody, Unit
from airguard.sensing import IN_VIEW, range_and_sector

if TYPE_CHECKING:
    from airguard.world import Interceptors, Units, World

__all__ = [
    "Confirmation",
    "Placement",
    "PlacementStudy",
    "Screen",
    "Site",
    "budget_comparison",
    "build_screen",
    "candidate_options",
    "confirm",
    "load_candidates",
    "optimise",
    "optimise_placement",
    "parse_polygon",
    "placed_scenario",
    "region_candidates",
    "study_json",
    "unit_cost_usd",
]

Float = NDArray[np.float64]
Objective = Literal["survival", "cost"]

DEFAULT_HEADINGS = 8
"""Sector headings tried at a candidate site that names none (every 45 deg)."""

SHOT_CYCLE_S = 30.0
"""Screening only, notional: seconds a unit needs per engagement of one threat (reaction,
fly-out, kill assessment), so that a threat in a footprint for t seconds can be engaged
``min(max(floor(t / SHOT_CYCLE_S), 1), MAX_SHOTS)`` times."""

MAX_SHOTS = 3
"""Screening only, notional: most engagements counted against one threat by one unit."""


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Site:
    """A candidate site (and heading) for one fire unit."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    heading_deg: float | None = None

    @property
    def label(self) -> str:
        h = "" if self.heading_deg is None else f" @ {self.heading_deg:.0f}°"
        return f"{self.name}{h}"


def load_candidates(path: str | Path) -> list[Site]:
    """Candidate sites from a YAML file.

    The file holds ``candidates:``, a list of ``{name, position: {lat, lon, alt},
    heading}`` (``alt`` and ``heading`` with units, both optional; a site without a
    heading is tried at :data:`DEFAULT_HEADINGS` headings).

    Raises
    ------
    InputError
        With file, line and field of the first bad entry.
    """
    from pydantic import Field

    from airguard._yamlio import load_yaml, validate
    from airguard.scenario import Angle, _Strict

    class _Candidate(_Strict):
        name: str = Field(min_length=1)
        position: Position
        heading: Angle | None = None

    class _Candidates(_Strict):
        candidates: list[_Candidate] = Field(min_length=1)

    located = load_yaml(path)
    parsed = validate(_Candidates, located)
    names = [c.name for c in parsed.candidates]
    for k, name in enumerate(names):
        if names.index(name) != k:
            raise located.error(("candidates", k, "name"), f"duplicate candidate name '{name}'")
    return [
        Site(
            c.name,
            c.position.lat,
            c.position.lon,
            c.position.alt,
            None if c.heading is None else math.degrees(c.heading),
        )
        for c in parsed.candidates
    ]


def parse_polygon(text: str) -> Float:
    """A polygon ``"lat lon; lat lon; ..."`` (degrees, at least three vertices) as (P, 2).

    Raises
    ------
    InputError
        Naming ``--region`` and what was wrong.
    """
    vertices = []
    for k, part in enumerate(p for p in text.replace(",", " ").split(";") if p.strip()):
        bits = part.split()
        try:
            lat, lon = (float(b) for b in bits)
        except ValueError:
            raise InputError(
                f"vertex {k + 1}: expected 'lat lon' in degrees, got '{part.strip()}'",
                field="--region",
            ) from None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise InputError(
                f"vertex {k + 1}: latitude or longitude out of range ({lat}, {lon})",
                field="--region",
            )
        vertices.append((lat, lon))
    if len(vertices) < 3:
        raise InputError(
            f"expected at least three vertices 'lat lon; lat lon; lat lon', got {len(vertices)}",
            field="--region",
        )
    return np.asarray(vertices, dtype=np.float64)


def _inside(poly: Float, lat: Float, lon: Float) -> NDArray[np.bool_]:
    """Even-odd rule point-in-polygon test in the lat/lon plane (ray cast along +lon)."""
    inside = np.zeros(lat.shape, dtype=np.bool_)
    n = poly.shape[0]
    for k in range(n):
        (ya, xa), (yb, xb) = poly[k], poly[(k + 1) % n]
        crosses = (ya > lat) != (yb > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = xa + (lat - ya) * (xb - xa) / (yb - ya)
        inside ^= crosses & (lon < x_at)
    return inside


def region_candidates(polygon_deg: Float, spacing_m: float, alt_m: float = 0.0) -> list[Site]:
    """Candidate sites on a regular grid, `spacing_m` apart, inside a polygon (P, 2) lat/lon."""
    if not spacing_m > 0.0:
        raise InputError(f"expected a positive spacing, got {spacing_m} m", field="--spacing")
    lat0, lon0 = polygon_deg.min(axis=0)
    lat1, lon1 = polygon_deg.max(axis=0)
    dlat = math.degrees(spacing_m / MEAN_EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(0.5 * (lat0 + lat1))), 1e-6)
    lats = np.arange(lat0 + 0.5 * dlat, lat1, dlat)
    lons = np.arange(lon0 + 0.5 * dlon, lon1, dlon)
    glat, glon = (a.ravel() for a in np.meshgrid(lats, lons, indexing="ij"))
    keep = _inside(polygon_deg, glat, glon)
    sites = [
        Site(f"r{k + 1}", round(float(a), 4), round(float(b), 4), alt_m)
        for k, (a, b) in enumerate(zip(glat[keep], glon[keep], strict=True))
    ]
    if not sites:
        raise InputError(
            f"no candidate site inside the polygon at {spacing_m / 1000:g} km spacing; "
            "use a larger polygon or a smaller --spacing",
            field="--region",
        )
    return sites


def candidate_options(sites: Sequence[Site], headings: int = DEFAULT_HEADINGS) -> list[Site]:
    """Sites with a heading each: a site without one is repeated at `headings` headings."""
    out = []
    for s in sites:
        if s.heading_deg is not None:
            out.append(s)
        else:
            out += [
                Site(s.name, s.lat_deg, s.lon_deg, s.alt_m, 360.0 * k / headings)
                for k in range(headings)
            ]
    return out


# ---------------------------------------------------------------- scenarios with new units


def _network_of(body: ScenarioBody, system: str) -> str:
    same = [u for u in body.units if u.system == system] or list(body.units)
    return same[0].network if same else "none"


def placed_scenario(
    scenario: Scenario, system: str, sites: Sequence[Site], *, network: str | None = None
) -> Scenario:
    """`scenario` with its fire units replaced by one unit of `system` at each site.

    The new units join `network` (default: that of the scenario's first unit of the system,
    else of its first unit, else none), with the system's default launchers and load.
    """
    import hashlib
    import json

    net = _network_of(scenario.body, system) if network is None else network
    units = [
        Unit(
            name=f"{system} {k + 1} ({s.name})",
            system=system,
            # quantities go through the scenario's own parsing, units and all
            position=Position(lat=s.lat_deg, lon=s.lon_deg, alt=f"{float(s.alt_m)!r} m"),
            heading=None if s.heading_deg is None else f"{float(s.heading_deg)!r} deg",
            network=net,
        )
        for k, s in enumerate(sites)
    ]
    body = scenario.body.model_copy(update={"units": units})
    digest = hashlib.sha256(
        json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    return Scenario(
        body=body,
        catalogue=scenario.catalogue,
        file=scenario.file,
        variant=scenario.variant,
        digest=digest,
        source=scenario.source,
    )


# ---------------------------------------------------------------- screening


@dataclass
class Screen:
    """The screening model over C options, S threat samples and N threats: a view over arrays.

    Attributes
    ----------
    options
        (C,) candidate options (sites with headings).
    pk
        (C, S, N) float64 kill probability option c has against threat n of sample s
        (0 where it cannot engage it).
    p_damage
        (N,) probability that a leaker damages the asset it is aimed at.
    target
        (N,) int64 asset index each threat is aimed at.
    asset_value
        (A,) float64 asset values.
    """

    options: list[Site]
    pk: Float
    p_damage: Float
    target: NDArray[np.int64]
    asset_value: Float
    asset_names: list[str]
    seconds: float = 0.0

    def score(self, chosen: Sequence[int]) -> float:
        """Value-weighted expected fraction of assets surviving with units at `chosen` options."""
        idx = np.asarray(chosen, dtype=np.int64)
        leak = np.prod(1.0 - self.pk[idx], axis=0) if idx.size else np.ones(self.pk.shape[1:])
        log_safe = np.log(np.clip(1.0 - leak * self.p_damage, 1e-300, 1.0))  # (S, N)
        aimed = self.target[:, None] == np.arange(self.asset_value.shape[0])[None, :]  # (N, A)
        survive = np.exp(log_safe @ aimed).mean(axis=0)  # (A,)
        return float((self.asset_value * survive).sum() / self.asset_value.sum())


def _p_damage(radius_m: Float, cep_m: Float) -> Float:
    """P(miss distance < radius) for a circular normal miss of the given CEP: 1 - 2^-(r/CEP)^2."""
    with np.errstate(divide="ignore"):
        ratio = np.where(cep_m > 0.0, radius_m / np.maximum(cep_m, 1e-9), np.inf)
    return np.asarray(1.0 - np.power(2.0, -np.square(ratio)), dtype=np.float64)


def build_screen(
    scenario: Scenario,
    system: str,
    options: Sequence[Site],
    *,
    samples: int = 3,
    resolution_m: float = 5000.0,
    seed: int | None = None,
) -> Screen:
    """Precompute, per option, which sampled threats it can engage and with what P_k.

    Parameters
    ----------
    scenario
        The scenario (its assets and raids; its units are replaced).
    system
        Catalogue id of the defence system to place.
    options
        Candidate sites with headings (:func:`candidate_options`).
    samples
        Replications of threat trajectories drawn (replications 0..samples-1 of `seed`).
    resolution_m
        Cell size of the coverage grid the footprints are looked up in, m.
    seed
        Seed of the threat samples; default the scenario's.
    """
    from airguard.studies.coverage import coverage_grid
    from airguard.world import FLIGHT_BALLISTIC, GRID_DT_S, compile_world

    started = time.perf_counter()
    # one unit of the system: its doctrine, load and P_k are every option's
    cand = placed_scenario(scenario, system, options[:1], network="none")
    body = cand.body.model_copy(update=_screening_only(cand.body))
    cand = Scenario(body, cand.catalogue, cand.file, cand.variant, cand.digest, cand.source)
    world = compile_world(cand)
    seed = scenario.body.seed if seed is None else seed
    # the threats: neither friendly flights nor decoys (which threaten nothing)
    hostile = ~np.repeat(
        world.raids.friendly.astype(np.bool_) | (world.raids.parent >= 0), world.raids.size
    )

    paths, bounds = _sample_paths(world, hostile, samples, seed)
    n_opt, n_thr = len(options), int(hostile.sum())
    ttype_all = np.repeat(world.raids.ttype, world.raids.size)
    raid_all = np.repeat(np.arange(world.raids.size.shape[0]), world.raids.size)
    ttype = ttype_all[hostile]
    tcls = world.threat_types.cls[ttype]
    ballistic = world.threat_types.flight == FLIGHT_BALLISTIC
    tcls_all = world.threat_types.cls[ttype_all]
    units, itc = world.units, world.interceptors
    reaction_s = float(units.reaction_s[0])
    # mean fly-out speed of the first doctrine interceptor per class: max range / max time
    mean_speed = np.full(4, np.inf)
    for c in range(4):
        first = [int(i) for i in units.prefs[0, c] if i >= 0 and units.rounds[0, i] > 0]
        if first:
            mean_speed[c] = float(itc.max_range_m[first[0]] / itc.max_time_s[first[0]])

    levels, level_of_raid, n_levels = _route_levels(world, paths, ttype_all, raid_all, ballistic)

    groups: dict[tuple[float, float, float], list[int]] = {}
    for u, o in enumerate(options):
        groups.setdefault((o.lat_deg, o.lon_deg, o.alt_m), []).append(u)
    dwell_s = np.zeros((n_opt, samples, n_thr))
    for (_, _, site_alt), members in groups.items():
        sub = placed_scenario(scenario, system, [options[u] for u in members], network="none")
        sub_body = sub.body.model_copy(update=_screening_only(sub.body))
        sub_world = compile_world(
            Scenario(sub_body, sub.catalogue, sub.file, sub.variant, sub.digest, sub.source)
        )
        covs = []
        for level in range(n_levels):
            alt_map = {
                world.threat_names[t]: max(hs[min(level, len(hs) - 1)] - site_alt, 0.0)
                for t, hs in levels.items()
            }
            covs.append(
                coverage_grid(
                    sub_world, bounds=bounds, resolution_m=resolution_m, altitude_m=alt_map
                )
            )
        cov = covs[0]
        site_ecef = sub_world.units.pos_ecef_m[0]
        col = {name: k for k, name in enumerate(cov.threat_names)}
        dlat, dlon = cov.cell_deg
        lat0, lon0 = cov.bounds_deg[0], cov.bounds_deg[1]
        ny, nx = cov.shape
        for s, rows in enumerate(paths):
            for m, (n, lat, lon, h, pos) in enumerate(rows):
                t = int(ttype_all[n])
                c = col[world.threat_names[t]]
                slant_m = np.linalg.norm(pos - site_ecef, axis=1)
                if ballistic[t]:
                    # the descending leg, up to twice the mapped altitude (terminal defence)
                    descending = np.append(np.diff(h) < 0.0, True)
                    keep = descending & (h <= 2.0 * cov.altitude_m[c] + site_alt)
                    level_cov = cov
                else:
                    level = level_of_raid[int(raid_all[n])]
                    if levels[t][level] < site_alt:
                        continue  # flies below the site: the engine's altitude test fails
                    keep = np.ones(lat.shape, dtype=np.bool_)
                    level_cov = covs[level]
                i = np.floor((lat - lat0) / dlat).astype(np.int64)
                j = np.floor((lon - lon0) / dlon).astype(np.int64)
                ok = (i >= 0) & (i < ny) & (j >= 0) & (j < nx)
                if not (ok & keep).any():
                    continue
                n_pts, n_members = lat.shape[0], len(members)
                # first detection: a ballistic threat high above the horizon once inside the
                # radars' instrumented range; a low one where the map at its height sees it
                seen = np.zeros((n_members, n_pts), dtype=np.bool_)
                if ballistic[t]:
                    for g in range(n_members):
                        seen[g] = _in_radar_view(sub_world, g, pos)
                else:
                    seen[:, ok] = level_cov.pd[:, c, i[ok], j[ok]] >= level_cov.pd_min
                first = np.where(seen.any(axis=1), seen.argmax(axis=1), n_pts)
                if ballistic[t]:  # the engine engages ballistic threats only in descent
                    first = np.maximum(first, int(np.argmax(h)))
                # in time: from first detection to the point, the reaction and a fly-out at
                # the interceptor's mean speed (the static maps have no timing)
                since_s = (np.arange(n_pts)[None, :] - first[:, None]) * GRID_DT_S
                flyout_s = reaction_s + slant_m / mean_speed[int(tcls_all[n])]
                timely = since_s >= flyout_s[None, :]
                reach = np.zeros((n_members, n_pts), dtype=np.bool_)
                reach[:, ok] = level_cov.engageable[:, c, i[ok], j[ok]]
                # path samples are GRID_DT_S apart: time inside each option's footprint
                inside = (reach & timely & keep[None, :]).sum(axis=1)
                dwell_s[members, s, m] = inside * GRID_DT_S
    engage = dwell_s > 0.0
    # engagements a unit can fire at one threat: one per shot cycle it spends in the footprint
    shots = np.clip(np.floor(dwell_s / SHOT_CYCLE_S), 1, MAX_SHOTS)

    pk = _screen_pk(units, itc, engage, shots, tcls)

    target = np.repeat(world.raids.target, world.raids.size)[hostile].astype(np.int64)
    p_dmg = _p_damage(world.asset_radius_m[target], world.threat_types.cep_m[ttype])
    return Screen(
        options=list(options),
        pk=pk,
        p_damage=p_dmg,
        target=target,
        asset_value=np.asarray(world.asset_value, dtype=np.float64),
        asset_names=list(world.asset_names),
        seconds=time.perf_counter() - started,
    )


def _sample_paths(
    world: World, hostile: NDArray[np.bool_], samples: int, seed: int
) -> tuple[list[list[tuple[int, Float, Float, Float, Float]]], tuple[float, float, float, float]]:
    """Hostile threat paths of replications 0..samples-1 of `seed`, as (threat, lat (deg),
    lon (deg), height (m), ECEF position (m)) per threat, and a box around them all
    (south, west, north, east, degrees, padded 0.1°)."""
    from airguard.engine import draw_threats
    from airguard.geo import ecef2geodetic

    # threat paths of a few replications, as geodetic points
    paths: list[list[tuple[int, Float, Float, Float, Float]]] = []
    lat_all, lon_all = [], []
    for s in range(samples):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(s,)))
        thr = draw_threats(world, rng)
        rows: list[tuple[int, Float, Float, Float, Float]] = []
        for n in np.flatnonzero(hostile).tolist():
            k0, k1 = int(thr.k_first[n]), int(thr.k_last[n])
            lat, lon, _ = ecef2geodetic(thr.pos[n, k0 : k1 + 1])
            h = np.asarray(thr.h[n, k0 : k1 + 1], dtype=np.float64)
            pos = np.asarray(thr.pos[n, k0 : k1 + 1], dtype=np.float64)
            rows.append((int(n), np.asarray(lat), np.asarray(lon), h, pos))
            lat_all.append(lat)
            lon_all.append(lon)
        paths.append(rows)
    lat_cat, lon_cat = np.concatenate(lat_all), np.concatenate(lon_all)
    pad = 0.1
    bounds = (
        float(lat_cat.min()) - pad,
        float(lon_cat.min()) - pad,
        float(lat_cat.max()) + pad,
        float(lon_cat.max()) + pad,
    )
    return paths, bounds


def _route_levels(
    world: World,
    paths: list[list[tuple[int, Float, Float, Float, Float]]],
    ttype_all: NDArray[np.int64],
    raid_all: NDArray[np.int64],
    ballistic: NDArray[np.bool_],
) -> tuple[dict[int, list[float]], dict[int, int], int]:
    """The heights each route threat type is mapped at: per type its raids' distinct
    heights (m), each raid's index into its type's list, and the most heights of a type."""
    # Cruise missiles and drones fly at a height above their target's ground, not above
    # a unit's site: each route raid is mapped at its own height (the median of its
    # sampled path, above the ellipsoid), as a height above each candidate site.
    raid_heights: dict[int, list[Float]] = {}
    for rows in paths:
        for n, _, _, h, _ in rows:
            if not ballistic[ttype_all[n]]:
                raid_heights.setdefault(int(raid_all[n]), []).append(h)
    levels: dict[int, list[float]] = {}  # threat type -> distinct raid heights, m
    level_of_raid: dict[int, int] = {}
    for q, hs in sorted(raid_heights.items()):
        hq = round(float(np.median(np.concatenate(hs))), -1)
        of_type = levels.setdefault(int(world.raids.ttype[q]), [])
        if hq not in of_type:
            of_type.append(hq)
        level_of_raid[q] = of_type.index(hq)
    return levels, level_of_raid, max((len(v) for v in levels.values()), default=1)


def _screen_pk(
    units: Units,
    itc: Interceptors,
    engage: NDArray[np.bool_],
    shots: Float,
    tcls: NDArray[np.int64],
) -> Float:
    """(options, samples, threats) kill probability of each option against each sampled
    threat: the first doctrine interceptor's salvo P_k, per shot cycle in the footprint,
    scaled down where the option's rounds cannot cover the raid's demand."""
    n_opt, samples, n_thr = engage.shape
    pk = np.zeros((n_opt, samples, n_thr))
    pk_cls = np.zeros(4)
    for c in range(4):
        prefs = [int(i) for i in units.prefs[0, c] if i >= 0 and units.rounds[0, i] > 0]
        if prefs:
            pk_cls[c] = 1.0 - (1.0 - itc.pk[prefs[0], c]) ** int(units.salvo[0, c])
    salvo = units.salvo[0, tcls]
    rounds = float(units.rounds[0].sum())
    for u in range(n_opt):
        for s in range(samples):
            demand = float((salvo * engage[u, s]).sum())
            scale = min(1.0, rounds / demand) if demand > 0 else 1.0
            p_engagement = pk_cls[tcls] * scale
            pk[u, s] = np.where(engage[u, s], 1.0 - (1.0 - p_engagement) ** shots[u, s], 0.0)
    return pk


def _in_radar_view(world: World, unit: int, pos_m: Float) -> NDArray[np.bool_]:
    """(P,) whether points (P, 3) ECEF are inside the instrumented range and azimuth sector
    of one of the unit's radars (:func:`airguard.sensing.range_and_sector`, the range and
    sector tests of the engine's look; the high threats this is used for are well above
    the horizon)."""
    radars = world.radars
    out = np.zeros(pos_m.shape[0], dtype=np.bool_)
    points = np.ascontiguousarray(pos_m, dtype=np.float64)
    for r in np.flatnonzero(radars.unit == unit):
        out |= _range_and_sector_view(
            radars.pos_ecef_m[r],
            radars.enu_basis[r],
            float(radars.max_range_m[r]),
            float(radars.az_center_rad[r]),
            float(radars.az_half_rad[r]),
            points,
        )
    return out


@njit
def _range_and_sector_view(
    radar_pos: Float,
    basis: Float,
    max_range: float,
    az_center: float,
    az_half: float,
    points: Float,
) -> NDArray[np.bool_]:
    out = np.empty(points.shape[0], dtype=np.bool_)
    for p in range(points.shape[0]):
        code = range_and_sector(
            radar_pos, basis, max_range, az_center, az_half, points[p, 0], points[p, 1],
            points[p, 2],
        )  # fmt: skip
        out[p] = code == IN_VIEW
    return out


@dataclass(frozen=True)
class Placement:
    """N chosen options and their screening score."""

    options: tuple[int, ...]
    score: float


def optimise(
    screen: Screen, n_units: int, *, top: int = 3, seed: int = 0, maxiter: int = 200
) -> list[Placement]:
    """The best distinct placements of `n_units` units found by differential evolution.

    Integer variables, one option index per unit, at most one unit per site, started from
    the greedy placement; returns up to `top` distinct placements (as sorted option
    tuples), best first.
    """
    from scipy.optimize import differential_evolution

    if n_units < 1:
        raise ValueError("n_units must be at least 1")
    n_opt = len(screen.options)
    seen: dict[tuple[int, ...], float] = {}

    site_of = [(s.name, s.lat_deg, s.lon_deg) for s in screen.options]
    if len(set(site_of)) < n_units:
        raise InputError(
            f"{n_units} units need at least {n_units} candidate sites, got {len(set(site_of))}",
            field="--units",
        )

    def negative(x: Float) -> float:
        key = tuple(sorted(int(round(v)) for v in x))
        kept: dict[tuple[str, float, float], int] = {}
        for k in key:
            kept.setdefault(site_of[k], k)
        if len(kept) < len(key):
            # a second unit at a site adds nothing (one unit per site), and a little less
            # than nothing, so that distinct sites win ties; not a placement to return
            return -screen.score(tuple(kept.values())) + 1e-9 * (len(key) - len(kept))
        if key not in seen:
            seen[key] = screen.score(key)
        return -seen[key]

    # a greedy start (best marginal option at a new site, unit by unit): the classic
    # approximation for maximum coverage (Nemhauser, Wolsey & Fisher, Math. Prog. 14, 1978)
    greedy: list[int] = []
    for _ in range(n_units):
        used = {site_of[k] for k in greedy}
        free = [k for k in range(n_opt) if site_of[k] not in used]
        greedy.append(max(free, key=lambda k: (screen.score([*greedy, k]), -k)))
    negative(np.asarray(greedy, dtype=np.float64))
    if n_opt > 1:
        differential_evolution(
            negative,
            bounds=[(0, n_opt - 1)] * n_units,
            integrality=[True] * n_units,
            seed=seed,
            maxiter=maxiter,
            popsize=max(15, 2 * n_opt // n_units),
            tol=1e-8,
            polish=False,
            init="sobol" if n_units > 1 else "latinhypercube",
            x0=np.asarray(greedy, dtype=np.float64),
        )
    best = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [Placement(options=k, score=v) for k, v in best]


# ---------------------------------------------------------------- Monte Carlo confirmation


@dataclass
class Confirmation:
    """Monte Carlo outcome of one placement."""

    label: str
    sites: list[str]
    replications: int
    value_surviving: float
    """Value-weighted mean fraction of assets undamaged."""
    value_ci95: tuple[float, float]
    assets: list[dict[str, Any]]
    screening: float | None = None
    seconds: float = 0.0
    units: list[dict[str, Any]] = field(default_factory=list)
    """The fire units confirmed: ``name``, ``system``, ``lat_deg``, ``lon_deg``, ``alt_m``,
    ``heading_deg`` (None: the system's default), ``sector_deg`` (widest radar sector)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "sites": self.sites,
            "units": self.units,
            "replications": self.replications,
            "screening_value_surviving": self.screening,
            "value_surviving": self.value_surviving,
            "value_ci95": list(self.value_ci95),
            "assets": self.assets,
            "seconds": round(self.seconds, 3),
        }


def confirm(
    scenario: Scenario,
    replications: int,
    *,
    label: str,
    sites: Sequence[str] = (),
    seed: int | None = None,
    workers: int = 1,
    screening: float | None = None,
) -> Confirmation:
    """Run `scenario` by Monte Carlo; value-weighted survival (CLT 95 %) and per-asset Wilson."""
    from airguard.montecarlo import iter_batches
    from airguard.results.store import mean_interval, wilson_interval
    from airguard.world import compile_world

    started = time.perf_counter()
    world = compile_world(scenario)
    seed = scenario.body.seed if seed is None else seed
    workers = max(1, min(workers, replications))
    value = np.asarray(world.asset_value, dtype=np.float64)
    undamaged = np.zeros((replications, len(world.asset_names)), dtype=np.bool_)
    index = {name: a for a, name in enumerate(world.asset_names)}
    for tables in iter_batches(world, seed, replications, workers=workers):
        t = tables["assets"]
        rep = t.column("replication").to_numpy()
        asset = np.array([index[a] for a in t.column("asset").to_pylist()], dtype=np.int64)
        damaged = t.column("damaged").to_numpy(zero_copy_only=False).astype(np.bool_)
        undamaged[rep, asset] = ~damaged
    per_rep = (undamaged * value).sum(axis=1) / value.sum()
    units = [
        {
            "name": u.name,
            "system": u.system,
            "lat_deg": u.position.lat,
            "lon_deg": u.position.lon,
            "alt_m": u.position.alt,
            "heading_deg": None if u.heading is None else round(math.degrees(u.heading), 3),
            "sector_deg": _sector_deg(scenario, u.system),
        }
        for u in scenario.body.units
    ]
    mean, lo, hi = mean_interval(per_rep, lower_bound=0.0)
    assets = []
    for a, name in enumerate(world.asset_names):
        k = int(undamaged[:, a].sum())
        lo_a, hi_a = wilson_interval(k, replications)
        assets.append({"name": name, "p_undamaged": k / replications, "ci95": [lo_a, hi_a]})
    return Confirmation(
        label=label,
        sites=list(sites),
        replications=replications,
        value_surviving=mean,
        value_ci95=(lo, min(hi, 1.0)),
        assets=assets,
        screening=screening,
        seconds=time.perf_counter() - started,
        units=units,
    )


def _sector_deg(scenario: Scenario, system: str) -> float:
    """The widest azimuth sector (full width, deg) of the system's radars (360: all round)."""
    spec = scenario.catalogue.defence(system)
    sectors = [math.degrees(r.azimuth_sector.value) for r in spec.radars.values()]
    return round(max(sectors, default=360.0), 3)


# ---------------------------------------------------------------- studies


def unit_cost_usd(scenario: Scenario, system: str) -> tuple[float, float]:
    """(fire unit, initial interceptor load) nominal costs of one unit of `system`, USD."""
    spec = scenario.catalogue.defence(system)
    comp = spec.composition
    load = 0.0
    for launcher, rounds in comp.load.items():
        n_launchers = comp.launchers[launcher].value
        for interceptor, count in rounds.items():
            load += n_launchers * count.value * spec.interceptors[interceptor].unit_cost_usd.value
    return float(comp.unit_cost_usd.value), float(load)


@dataclass
class PlacementStudy:
    """An optimised placement of one system, and its confirmation against the given sites."""

    system: str
    n_units: int
    options: int
    screen_seconds: float
    optimise_seconds: float
    placements: list[Confirmation]
    given: Confirmation | None
    unit_cost_usd: float
    load_cost_usd: float
    target: float | None = None
    notes: list[str] = field(default_factory=list)
    candidates: list[Site] = field(default_factory=list)

    @property
    def total_cost_usd(self) -> float:
        return self.n_units * (self.unit_cost_usd + self.load_cost_usd)

    def to_json(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "units": self.n_units,
            "options": self.options,
            "unit_cost_usd": self.unit_cost_usd,
            "load_cost_usd": self.load_cost_usd,
            "total_cost_usd": self.total_cost_usd,
            "target": self.target,
            "screen_seconds": round(self.screen_seconds, 3),
            "optimise_seconds": round(self.optimise_seconds, 3),
            "placements": [p.to_json() for p in self.placements],
            "given": None if self.given is None else self.given.to_json(),
            "notes": self.notes,
            "candidates": [
                {
                    "name": s.name,
                    "lat_deg": s.lat_deg,
                    "lon_deg": s.lon_deg,
                    "alt_m": s.alt_m,
                    "heading_deg": s.heading_deg,
                }
                for s in self.candidates
            ],
        }


def _check_system(scenario: Scenario, system: str) -> None:
    if system not in scenario.catalogue.ids("defence"):
        known = ", ".join(scenario.catalogue.ids("defence"))
        raise InputError(f"no defence system '{system}' (catalogue: {known})", field="--system")


def optimise_placement(
    scenario: Scenario,
    system: str,
    sites: Sequence[Site],
    n_units: int,
    *,
    objective: Objective = "survival",
    target: float = 0.9,
    max_units: int = 12,
    headings: int = DEFAULT_HEADINGS,
    replications: int = 200,
    top: int = 3,
    samples: int = 3,
    resolution_m: float = 5000.0,
    workers: int = 1,
    compare_given: bool = True,
    seed: int = 0,
    screen: Screen | None = None,
    progress: Callable[[str], Any] | None = None,
) -> PlacementStudy:
    """Place `n_units` units of `system` at the best of `sites`, and confirm by Monte Carlo.

    With ``objective="cost"`` the number of units is the smallest (up to `max_units`)
    whose screened placement reaches `target` (value-weighted survival fraction);
    `n_units` is then ignored.  The top `top` placements and (if `compare_given`) the
    scenario's given units run `replications` replications each.
    """
    _check_system(scenario, system)
    n_sites = len({(s.name, s.lat_deg, s.lon_deg) for s in sites})
    if objective == "survival" and n_units > n_sites:
        raise InputError(
            f"{n_units} units need at least {n_units} candidate sites, got {n_sites}",
            field="--units",
        )
    say = progress or (lambda _msg: None)
    if screen is None:
        opts = candidate_options(sites, headings)
        say(f"screening {len(opts)} options ({len(sites)} sites) of {system}")
        screen = build_screen(scenario, system, opts, samples=samples, resolution_m=resolution_m)
    started = time.perf_counter()
    notes: list[str] = []
    if objective == "cost":
        found = None
        max_units = min(max_units, len({(o.name, o.lat_deg, o.lon_deg) for o in screen.options}))
        for n in range(1, max_units + 1):
            best = optimise(screen, n, top=top, seed=seed)
            if best[0].score >= target:
                found = (n, best)
                break
        if found is None:
            notes.append(
                f"no placement of up to {max_units} units reaches a screened value "
                f"surviving of {target:g}; showing {max_units}"
            )
            found = (max_units, best)
        n_units, placements = found
    else:
        placements = optimise(screen, n_units, top=top, seed=seed)
    optimise_seconds = time.perf_counter() - started
    confirmed = []
    for rank, pl in enumerate(placements, start=1):
        chosen = [screen.options[k] for k in pl.options]
        say(f"confirming placement {rank} by Monte Carlo ({replications} replications)")
        confirmed.append(
            confirm(
                placed_scenario(scenario, system, chosen),
                replications,
                label=f"optimised #{rank}",
                sites=[s.label for s in chosen],
                workers=workers,
                screening=pl.score,
            )
        )
    confirmed.sort(key=lambda c: -c.value_surviving)
    given = None
    if compare_given and scenario.body.units:
        say(f"confirming the given sites by Monte Carlo ({replications} replications)")
        given_sites = [
            Site(
                u.name,
                u.position.lat,
                u.position.lon,
                u.position.alt,
                None if u.heading is None else math.degrees(u.heading),
            )
            for u in scenario.body.units
        ]
        given_system = {u.system for u in scenario.body.units}
        given_score = None
        if given_system == {system}:
            given_screen = build_screen(
                scenario, system, given_sites, samples=samples, resolution_m=resolution_m
            )
            given_score = given_screen.score(range(len(given_sites)))
        given = confirm(
            scenario,
            replications,
            label="given sites",
            sites=[f"{u.name} ({u.system})" for u in scenario.body.units],
            workers=workers,
            screening=given_score,
        )
    unit_cost, load_cost = unit_cost_usd(scenario, system)
    return PlacementStudy(
        system=system,
        n_units=n_units,
        options=len(screen.options),
        screen_seconds=screen.seconds,
        optimise_seconds=optimise_seconds,
        placements=confirmed,
        given=given,
        unit_cost_usd=unit_cost,
        load_cost_usd=load_cost,
        target=target if objective == "cost" else None,
        notes=notes,
        candidates=list(sites),
    )


def units_for_budget(scenario: Scenario, system: str, budget_usd: float) -> int:
    """How many units of `system` (with their initial load) `budget_usd` buys."""
    unit, load = unit_cost_usd(scenario, system)
    return int(math.floor(budget_usd / (unit + load) + 1e-9))


def budget_comparison(
    scenario: Scenario,
    systems: Sequence[str],
    sites: Sequence[Site],
    budget_usd: float,
    **kwargs: Any,
) -> list[PlacementStudy]:
    """For each system: as many units as `budget_usd` buys, placed and confirmed.

    A system the budget cannot buy one unit of gets a study with no placements and a note.
    Keyword arguments go to :func:`optimise_placement` (``objective`` is survival).
    """
    out = []
    for system in systems:
        _check_system(scenario, system)
        n = units_for_budget(scenario, system, budget_usd)
        if n < 1:
            unit, load = unit_cost_usd(scenario, system)
            out.append(
                PlacementStudy(
                    system=system,
                    n_units=0,
                    options=0,
                    screen_seconds=0.0,
                    optimise_seconds=0.0,
                    placements=[],
                    given=None,
                    unit_cost_usd=unit,
                    load_cost_usd=load,
                    notes=[f"the budget buys no unit (one costs {unit + load:,.0f} USD)"],
                )
            )
            continue
        out.append(optimise_placement(scenario, system, sites, n, **kwargs))
    return out


def study_json(
    scenario: Scenario, studies: Sequence[PlacementStudy], budget_usd: float | None = None
) -> dict[str, Any]:
    """The JSON document ``airguard optimize --out FILE`` writes and ``--json`` prints
    (read by ``airguard report --placement``): the studies, and the scenario's assets and
    threat axes for a map.

    Positions are degrees and metres above the ellipsoid; ``raids[].axis`` is
    ``[[lon, lat], ...]`` from the launch area through the waypoints to the aim point.
    """
    from airguard.catalogue import ThreatSystem

    body = scenario.body
    by_name = {a.name: a for a in body.assets}
    raids = []
    for r in body.raids:
        threat = scenario.catalogue[r.threat]
        target = by_name.get(r.target)
        axis = [[r.area.lon, r.area.lat]] + [[w.lon, w.lat] for w in r.waypoints]
        if target is not None:
            axis.append([target.position.lon, target.position.lat])
        raids.append(
            {
                "name": r.name,
                "threat": r.threat,
                "threat_class": threat.threat_class
                if isinstance(threat, ThreatSystem)
                else "unknown",
                "count": r.count,
                "target": r.target,
                "axis": axis,
            }
        )
    return {
        "kind": "placement",
        "scenario": scenario.name,
        "scenario_file": scenario.file,
        "variant": scenario.variant,
        "seed": body.seed,
        "budget_usd": budget_usd,
        "assets": [
            {
                "name": a.name,
                "lat_deg": a.position.lat,
                "lon_deg": a.position.lon,
                "alt_m": a.position.alt,
                "radius_m": a.radius,
                "value": a.value,
            }
            for a in body.assets
        ],
        "raids": raids,
        "studies": [s.to_json() for s in studies],
    }


def _screening_only(body: ScenarioBody) -> dict[str, Any]:
    """What the screening leaves out of a body: networks, sensors, flights (friendly or
    hostile) and so the weapons hostile flights release (``launch_from``): it scores the
    raids launched from the ground only; the Monte Carlo confirmation runs them all."""
    return {
        "networks": [],
        "sensors": [],
        "flights": [],
        "raids": [r for r in body.raids if r.launch_from is None],
    }

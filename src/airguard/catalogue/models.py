"""Pydantic schema of catalogue files (one YAML file per system).

The format is documented in docs/catalogue.md.  Every number is a
:class:`~airguard.catalogue.figures.Figure` with its public source.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from airguard._yamlio import Boolean
from airguard.catalogue.figures import Figure, figure
from airguard.units import Dimension

__all__ = [
    "SEEKER_NOISE_SAMPLE_S",
    "Aircraft",
    "Composition",
    "Decoys",
    "DefenceSystem",
    "DoctrineRule",
    "DragCurve",
    "Evasion",
    "FirePolicy",
    "InterceptorSpec",
    "Jammer",
    "LauncherSpec",
    "RadarSpec",
    "RadiationHoming",
    "RcsAspect",
    "SensorSystem",
    "Source",
    "ThreatSystem",
]

ThreatClass = Literal["ballistic", "cruise", "drone", "aircraft"]
THREAT_CLASSES: tuple[ThreatClass, ...] = ("ballistic", "cruise", "drone", "aircraft")

Length = Annotated[Figure, figure(Dimension.LENGTH, minimum=0.0)]
Time = Annotated[Figure, figure(Dimension.TIME, minimum=0.0)]
Angle = Annotated[Figure, figure(Dimension.ANGLE)]
Speed = Annotated[Figure, figure(Dimension.SPEED, minimum=0.0)]
Accel = Annotated[Figure, figure(Dimension.ACCELERATION, minimum=0.0)]
Area = Annotated[Figure, figure(Dimension.AREA, minimum=0.0)]
Mass = Annotated[Figure, figure(Dimension.MASS, minimum=0.0)]
Force = Annotated[Figure, figure(Dimension.FORCE, minimum=0.0)]
Frequency = Annotated[Figure, figure(Dimension.FREQUENCY, minimum=0.0)]
Number = Annotated[Figure, figure(None)]
Count = Annotated[Figure, figure(None, integer=True, minimum=0.0)]
Cost = Annotated[Figure, figure(None, minimum=0.0)]
Id = str

SEEKER_NOISE_SAMPLE_S = 0.01
"""A seeker's angle noise (``seeker_angle_noise``) is the 1-sigma of samples this far apart:
its spectral density is σ² × this (rad²/Hz)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Source(_Strict):
    """A public source: title and a URL or publication reference."""

    title: str
    url: str | None = None
    publication: str | None = None
    accessed: str | None = None

    @model_validator(mode="after")
    def _where(self) -> Source:
        if not self.url and not self.publication:
            raise ValueError("a source needs a url or a publication")
        return self


class DragCurve(_Strict):
    """Drag coefficient against Mach number, joined linearly (constant beyond the ends).

    It replaces the constant ``drag_coefficient`` in flight; the reference
    area is the body's cross-section, π d²/4.
    """

    mach: list[Annotated[float, Field(ge=0.0)]] = Field(min_length=2, max_length=8)
    cd: list[Annotated[float, Field(gt=0.0)]] = Field(min_length=2, max_length=8)
    source: str | None = None
    notional: str | None = None

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        sources = (info.context or {}).get("sources")
        if value is not None and sources is not None and value not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise ValueError(
                f"source '{value}' is not a key of this file's `sources` (known: {known})"
            )
        return value

    @model_validator(mode="after")
    def _table(self) -> DragCurve:
        if len(self.mach) != len(self.cd):
            raise ValueError(f"{len(self.mach)} Mach numbers but {len(self.cd)} values of cd")
        if any(b <= a for a, b in zip(self.mach, self.mach[1:], strict=False)):
            raise ValueError("Mach numbers must increase")
        if (self.source is None) == (self.notional is None):
            raise ValueError(
                "a drag curve needs exactly one of 'source' (a key of `sources`) "
                "or 'notional' (a reason)"
            )
        return self

    @staticmethod
    def table(curve: DragCurve | None, area_m2: float) -> tuple[list[float], list[float]]:
        """Mach numbers and CdA (m²) for :func:`airguard.dynamics.body_params` (none: empty)."""
        if curve is None:
            return [], []
        return list(curve.mach), [c * area_m2 for c in curve.cd]


class RcsAspect(_Strict):
    """Radar cross section against aspect angle: a factor on the entry's ``rcs``.

    ``aspect_deg`` runs from 0 (nose-on) to 180 (tail-on) and is the same on either side
    (left/right symmetric); ``factor`` multiplies each level (low, nominal, high) of the
    entry's ``rcs``, which is the frontal figure, so the factor at 0° is 1.  Points are
    joined linearly in the factor (not in dB); at most 13 (every 15°).  Used by the
    exposure study (:mod:`airguard.studies.exposure`) and the engine's looks
    (:func:`airguard.sensing.rcs_aspect_factor`).
    """

    aspect_deg: list[Annotated[float, Field(ge=0.0, le=180.0)]] = Field(min_length=2, max_length=13)
    factor: list[Annotated[float, Field(gt=0.0)]] = Field(min_length=2, max_length=13)
    source: str | None = None
    notional: str | None = None

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        return DragCurve._known_source(value, info)

    @model_validator(mode="after")
    def _table(self) -> RcsAspect:
        a = self.aspect_deg
        if len(a) != len(self.factor):
            raise ValueError(f"{len(a)} aspect angles but {len(self.factor)} factors")
        if any(y <= x for x, y in itertools.pairwise(a)):
            raise ValueError(f"aspect_deg must increase, got {a}")
        if a[0] != 0.0 or a[-1] != 180.0:
            raise ValueError(
                f"aspect_deg must run from 0 (nose-on) to 180 (tail-on), got {a[0]:g} to {a[-1]:g}"
            )
        if self.factor[0] != 1.0:
            raise ValueError(
                f"the factor at 0 deg must be 1 (rcs is the frontal figure), got {self.factor[0]:g}"
            )
        if (self.source is None) == (self.notional is None):
            raise ValueError(
                "an rcs_aspect table needs exactly one of 'source' (a key of `sources`) "
                "or 'notional' (a reason)"
            )
        return self

    def factor_at(self, aspect_deg: ArrayLike) -> NDArray[np.float64]:
        """The factor at `aspect_deg` (any shape, deg; folded into 0-180), joined linearly."""
        x = np.abs(np.asarray(aspect_deg, dtype=np.float64)) % 360.0
        x = np.where(x > 180.0, 360.0 - x, x)
        return np.interp(x, self.aspect_deg, self.factor).astype(np.float64)


class RadarSpec(_Strict):
    """A radar, calibrated the open-analysis way from a reference detection range."""

    name: str
    role: Literal["surveillance", "fire-control", "multifunction"]
    frequency: Frequency
    reference_range: Length
    reference_rcs: Area
    reference_pd: Number
    reference_pfa: Number
    max_range: Length
    azimuth_sector: Angle
    min_elevation: Angle
    max_elevation: Angle
    antenna_height: Length
    scan_period: Time
    range_accuracy: Length
    azimuth_accuracy: Angle
    elevation_accuracy: Angle
    search: Literal["electronic", "rotating"] = Field(
        default="electronic",
        description="'electronic': the whole sector is searched each scan period (a phased "
        "array); 'rotating': the beam sweeps the sector once per period, so each azimuth is "
        "looked at in its turn",
    )
    range_resolution: Length | None = Field(
        default=None, description="size of a range cell; with the beamwidths, sets false alarms"
    )
    azimuth_beamwidth: Angle | None = None
    elevation_beamwidth: Angle | None = None
    range_rate_accuracy: Speed | None = Field(
        default=None, description="set for a radar that measures range rate (Doppler)"
    )
    noise_figure: Number | None = Field(
        default=None,
        description="receiver noise figure, dB: the system noise temperature is 290 K times "
        "it (needed, with the beamwidths and range resolution, when a jammer is present)",
    )
    sidelobe_level: Number | None = Field(
        default=None,
        description="mean sidelobe level of the receive pattern relative to the mainlobe "
        "peak, dB (negative): the gain a jammer outside the beam meets",
    )
    sidelobe_cancellation: Number | None = Field(
        default=None,
        description="how far the radar's sidelobe canceller lowers noise jamming that enters "
        "through the sidelobes, dB (0: none); with sidelobe_canceller_channels",
    )
    sidelobe_canceller_channels: Number | None = Field(
        default=None,
        description="the canceller's auxiliary channels: it cancels the jamming when the "
        "scenario has at most this many jammers in the radar's band, and none when more",
    )

    track_load: Number | None = Field(
        default=None,
        description="share of the radar's time one confirmed track takes (a multifunction "
        "radar's time budget; with guidance_load and min_search_share)",
    )
    guidance_load: Number | None = Field(
        default=None, description="share of the radar's time guiding one round takes"
    )
    min_search_share: Number | None = Field(
        default=None, description="the least share of its time the radar keeps for search"
    )

    @model_validator(mode="after")
    def _budget(self) -> RadarSpec:
        budget = (self.track_load, self.guidance_load, self.min_search_share)
        if any(f is not None for f in budget) and not all(f is not None for f in budget):
            raise ValueError(
                "track_load, guidance_load and min_search_share go together (the radar's "
                "time budget)"
            )
        for name, f in zip(
            ("track_load", "guidance_load", "min_search_share"), budget, strict=True
        ):
            if f is not None and not 0.0 <= f.low.value_si <= f.high.value_si <= 1.0:
                raise ValueError(f"{name}: expected a share between 0 and 1")
        if self.min_search_share is not None and self.min_search_share.low.value_si <= 0.0:
            raise ValueError("min_search_share: expected more than 0 (search never stops)")
        return self

    @model_validator(mode="after")
    def _sidelobes(self) -> RadarSpec:
        if self.sidelobe_level is not None and self.sidelobe_level.value > 0.0:
            raise ValueError("sidelobe_level: expected at most 0 dB (relative to the mainlobe)")
        slc = (self.sidelobe_cancellation, self.sidelobe_canceller_channels)
        if (slc[0] is None) != (slc[1] is None):
            raise ValueError(
                "sidelobe_cancellation and sidelobe_canceller_channels go together (the "
                "radar's sidelobe canceller)"
            )
        if slc[0] is not None and slc[0].low.value_si < 0.0:
            raise ValueError("sidelobe_cancellation: expected at least 0 dB (0: no canceller)")
        if slc[1] is not None:
            levels = (slc[1].low.value_si, slc[1].nominal.value_si, slc[1].high.value_si)
            if any(v < 1.0 or v != round(v) for v in levels):
                raise ValueError("sidelobe_canceller_channels: expected a whole number, at least 1")
        return self

    @model_validator(mode="after")
    def _cells(self) -> RadarSpec:
        given = [
            f is not None
            for f in (self.range_resolution, self.azimuth_beamwidth, self.elevation_beamwidth)
        ]
        if any(given) and not all(given):
            raise ValueError(
                "range_resolution, azimuth_beamwidth and elevation_beamwidth go together "
                "(they count the resolution cells that false alarms arise in)"
            )
        return self


PkTable = dict[ThreatClass, Number]


class InterceptorSpec(_Strict):
    """A surface-to-air interceptor: motor, airframe, envelope limits and (notional) Pk."""

    name: str
    kill_mechanism: Literal["hit-to-kill", "blast-fragmentation"]
    launch_mass: Mass
    burnout_mass: Mass
    diameter: Length
    burn_time: Time
    burnout_speed: Speed
    drag_coefficient: Number
    max_acceleration: Accel = Field(
        description="structural limit on the lateral acceleration (the airframe's load limit); "
        "the aerodynamic limit q S CN_max / m lies below it where the air is thin"
    )
    max_normal_force_coefficient: Number | None = Field(
        default=None,
        description="largest normal-force coefficient the airframe reaches (body, wings and "
        "tails at the largest usable angle of attack), on the reference area π d²/4; unset: "
        "no aerodynamic limit (the structural limit at every height)",
    )
    divert_acceleration: Accel | None = Field(
        default=None,
        description="lateral acceleration of divert or attitude-control thrusters (PAC-3's "
        "attitude-control motors), added to the aerodynamic limit once the seeker has "
        "acquired, while the thrusters' velocity budget lasts",
    )
    divert_delta_v: Speed | None = Field(
        default=None, description="the thrusters' total lateral velocity budget"
    )
    drag_curve: DragCurve | None = None
    navigation_ratio: Number
    autopilot_lag: Time
    max_flight_time: Time
    max_range: Length
    min_range: Length
    max_altitude: Length
    min_altitude: Length
    lethal_radius: Length
    seeker_range: Length | None = Field(
        default=None,
        description="range to the target at which the interceptor's own seeker takes over "
        "from the unit's track; unset: guided on the track to the end",
    )
    seeker_field_of_view: Angle | None = Field(
        default=None, description="full angle the seeker searches at acquisition"
    )
    seeker_angle_noise: Angle | None = Field(
        default=None,
        description="1-sigma noise of the seeker's line-of-sight angle, white, sampled every "
        "10 ms (spectral density σ² × 0.01 s; Zarchan's range-independent noise); unset: a "
        "noiseless seeker",
    )
    single_shot_pk: PkTable
    unit_cost_usd: Cost

    @model_validator(mode="after")
    def _masses(self) -> InterceptorSpec:
        if (self.seeker_range is None) != (self.seeker_field_of_view is None):
            raise ValueError("seeker_range and seeker_field_of_view go together")
        if (self.divert_acceleration is None) != (self.divert_delta_v is None):
            raise ValueError("divert_acceleration and divert_delta_v go together")
        cn = self.max_normal_force_coefficient
        if cn is not None and not cn.low.value_si > 0.0:
            raise ValueError("max_normal_force_coefficient must be positive")
        if self.burnout_mass.value >= self.launch_mass.value:
            raise ValueError("burnout_mass must be less than launch_mass")
        for cls, pk in self.single_shot_pk.items():
            if not 0.0 <= pk.low.value_si <= pk.high.value_si <= 1.0:
                raise ValueError(f"single_shot_pk.{cls} must lie in [0, 1]")
        return self


class LauncherSpec(_Strict):
    name: str
    capacity: dict[Id, Count]
    reload_time: Time
    launch_interval: Time


FirePolicy = Literal["shoot-shoot", "shoot-look-shoot"]
"""How a unit fires at one threat: a whole salvo, or one round at a time with a look between."""


class DoctrineRule(_Strict):
    """How a unit engages one threat class.

    ``shoot-shoot`` fires `salvo` rounds at once; ``shoot-look-shoot`` fires one
    round.  Either way the unit (and its network) fires again at the threat
    only after the rounds in flight have ended and the kill-assessment time
    has passed.
    """

    interceptors: list[Id] = Field(min_length=1)
    salvo: int = Field(ge=1, le=8)
    policy: FirePolicy = "shoot-shoot"


class Composition(_Strict):
    """One fire unit: a Patriot battery, an S-400 battalion."""

    unit_name: str
    radars: list[Id] = Field(min_length=1)
    launchers: dict[Id, Count]
    load: dict[Id, dict[Id, Count]]
    fire_channels: Count
    reaction_time: Time
    kill_assessment_time: Time
    in_flight_retarget: Boolean = Field(
        default=False,
        description="interceptors whose target dies are redirected to another threat "
        "(true) or destroyed (false)",
    )
    unit_cost_usd: Cost
    doctrine: dict[ThreatClass, DoctrineRule]


class _Entry(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    country: str
    summary: str
    sources: dict[str, Source]


class DefenceSystem(_Entry):
    kind: Literal["defence"]
    radars: dict[Id, RadarSpec]
    interceptors: dict[Id, InterceptorSpec]
    launchers: dict[Id, LauncherSpec]
    composition: Composition

    def reference_errors(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Cross-references that do not resolve, as (field path, message) pairs.

        Checked after validation by the loader, so that each error names the
        line of the field it is about.
        """
        out: list[tuple[tuple[str | int, ...], str]] = []
        comp = self.composition
        for k, r in enumerate(comp.radars):
            if r not in self.radars:
                out.append(
                    (
                        ("composition", "radars", k),
                        f"unknown radar '{r}' (have {sorted(self.radars)})",
                    )
                )
        for lid in comp.launchers:
            if lid not in self.launchers:
                out.append((("composition", "launchers", lid), f"unknown launcher '{lid}'"))
        for lid, load in comp.load.items():
            if lid not in self.launchers:
                out.append((("composition", "load", lid), f"unknown launcher '{lid}'"))
                continue
            cap = self.launchers[lid].capacity
            for iid in load:
                if iid not in cap:
                    out.append(
                        (("composition", "load", lid, iid), f"launcher cannot carry '{iid}'")
                    )
        for lid, spec in self.launchers.items():
            for iid in spec.capacity:
                if iid not in self.interceptors:
                    out.append(
                        (("launchers", lid, "capacity", iid), f"unknown interceptor '{iid}'")
                    )
        for cls, rule in comp.doctrine.items():
            for k, iid in enumerate(rule.interceptors):
                if iid not in self.interceptors:
                    out.append(
                        (
                            ("composition", "doctrine", cls, "interceptors", k),
                            f"composition.doctrine.{cls}: unknown interceptor '{iid}' "
                            f"(have {sorted(self.interceptors)})",
                        )
                    )
        return out


class SensorSystem(_Entry):
    """A sensor with no weapons: an early-warning or surveillance radar site.

    In a scenario it joins a network (``sensors:``) and shares its pictures
    with the network's fire units.
    """

    kind: Literal["sensor"]
    radars: dict[Id, RadarSpec] = Field(min_length=1)
    unit_cost_usd: Cost | None = None


class TerminalManoeuvre(_Strict):
    """A scripted terminal manoeuvre of a quasi-ballistic missile: a sinusoidal weave."""

    acceleration: Accel
    period: Time
    start_altitude: Length
    max_normal_force_coefficient: Number | None = Field(
        default=None,
        description="largest normal-force coefficient of the missile's body and fins, on "
        "the reference area π d²/4: the weave's acceleration is at most q S CN_max / m, so "
        "it grows as the missile descends into denser air; unset: the full acceleration at "
        "any height",
    )


class Decoys(_Strict):
    """Decoys a ballistic missile releases at its apogee: light bodies that radars see
    like the missile (its cross section, or the decoy's own) until the air slows them.

    Each flies its own free flight from the missile's apogee state plus a separation
    speed in a random direction across the flight path; its ballistic coefficient
    m / (Cd π d²/4) is far below the missile's, so below some 30 km the air slows it and
    it falls behind (atmospheric filtering, a result of the flight, not a rule)."""

    count: Count
    rcs: Area
    mass: Mass
    diameter: Length
    drag_coefficient: Number
    separation_speed: Speed


class RadiationHoming(_Strict):
    """The passive seeker of an anti-radiation missile: it homes on the radars standing at
    its target (units and sensors whose ``site`` is the asset it is aimed at).

    If none of them emits at any time in the last `terminal_time` before impact (all shut
    down, or destroyed, by then and still at impact), the missile flies on to the last
    position it heard and misses it by a distance drawn from a Rayleigh law of scale
    `memory_miss` in a random direction; otherwise it hits as its ``cep`` says."""

    terminal_time: Time = Field(
        description="time before impact in which the seeker must still hear an emitter"
    )
    memory_miss: Length = Field(
        description="scale of the miss when the emitters fell silent in time (the Rayleigh "
        "law's sigma: the median miss is 1.18 sigma)"
    )

    @model_validator(mode="after")
    def _positive(self) -> RadiationHoming:
        if self.terminal_time.value <= 0.0:
            raise ValueError("terminal_time must be positive")
        return self


class ThreatSystem(_Entry):
    kind: Literal["threat"]
    threat_class: Literal["ballistic", "cruise", "drone"]
    flight_model: Literal["ballistic", "quasi-ballistic", "cruise", "drone"]
    max_range: Length
    min_range: Length
    cep: Length
    warhead_mass: Mass
    rcs: Area
    rcs_aspect: RcsAspect | None = None
    swerling: Count
    unit_cost_usd: Cost
    # ballistic and quasi-ballistic
    launch_mass: Mass | None = None
    burnout_mass: Mass | None = None
    thrust: Force | None = None
    burn_time: Time | None = None
    diameter: Length | None = None
    drag_coefficient: Number | None = None
    drag_curve: DragCurve | None = None
    launch_elevation: Angle | None = None
    apogee: Length | None = None
    terminal_manoeuvre: TerminalManoeuvre | None = None
    decoys: Decoys | None = None
    # cruise and drone
    cruise_speed: Speed | None = None
    cruise_altitude: Length | None = None
    radiation_homing: RadiationHoming | None = Field(
        default=None, description="an anti-radiation missile's passive seeker"
    )

    @property
    def is_ballistic(self) -> bool:
        return self.flight_model in ("ballistic", "quasi-ballistic")

    @model_validator(mode="after")
    def _flight_fields(self) -> ThreatSystem:
        ballistic = (
            "launch_mass",
            "burnout_mass",
            "thrust",
            "burn_time",
            "diameter",
            "drag_coefficient",
            "launch_elevation",
        )
        air = ("cruise_speed", "cruise_altitude")
        need = ballistic if self.is_ballistic else air
        for name in need:
            if getattr(self, name) is None:
                raise ValueError(f"flight_model {self.flight_model} needs '{name}'")
        if self.terminal_manoeuvre is not None and self.flight_model != "quasi-ballistic":
            raise ValueError("only a quasi-ballistic flight_model has a terminal_manoeuvre")
        if self.radiation_homing is not None and self.is_ballistic:
            raise ValueError("only a cruise flight_model has radiation_homing")
        if self.decoys is not None and not self.is_ballistic:
            raise ValueError("only a ballistic or quasi-ballistic flight_model has decoys")
        if self.decoys is not None and (
            self.decoys.mass.value <= 0.0 or self.decoys.diameter.value <= 0.0
        ):
            raise ValueError("decoys need a positive mass and diameter")
        if self.is_ballistic:
            assert self.burnout_mass is not None and self.launch_mass is not None
            if self.burnout_mass.value >= self.launch_mass.value:
                raise ValueError("burnout_mass must be less than launch_mass")
        if not 0 <= self.swerling.value <= 4:
            raise ValueError("swerling must be a case from 0 to 4")
        if self.min_range.value > self.max_range.value:
            raise ValueError("min_range exceeds max_range")
        return self


class Jammer(_Entry):
    """A barrage noise jammer: the emitter a stand-off platform points at one radar.

    Its noise covers ``bandwidth`` at once, anywhere within ``band_low`` to
    ``band_high``; a radar whose frequency lies outside that band is not jammed.
    """

    kind: Literal["jammer"]
    platform: str = Field(description="what carries it, e.g. 'EA-18G Growler'")
    power: Number = Field(description="transmitter power into the antenna, dBW")
    antenna_gain: Number = Field(description="antenna gain toward the radar, dBi")
    bandwidth: Frequency = Field(description="the noise's bandwidth (barrage), Hz")
    band_low: Frequency
    band_high: Frequency
    losses: Number | None = Field(default=None, description="transmit losses, dB")

    @model_validator(mode="after")
    def _band(self) -> Jammer:
        if self.band_high.value <= self.band_low.value:
            raise ValueError("band_high: expected above band_low")
        if self.bandwidth.value <= 0.0:
            raise ValueError("bandwidth: expected more than 0 Hz")
        return self


class Evasion(_Strict):
    """How a hostile aircraft evades a round launched at it (notional; a scenario flight
    opts in with ``evade: true``; docs/aircraft-evasion.md).

    At the first round's launch plus `reaction_time` (a radar-warning or missile-approach
    warning and the crew's reaction) it breaks: a coordinated turn at load factor
    `load_factor` (turn rate g·√(n²−1)/V) that puts the round's launch point on its beam,
    descending at `dive_angle` down to `floor_height`; it holds the beam for `hold_time`
    from the break, then flies direct to its next route point and on along its route.
    """

    reaction_time: Time = Field(description="from the round's launch to the break, s")
    load_factor: Number = Field(description="sustained load factor of the break turn, g")
    dive_angle: Angle = Field(description="flight-path angle of the descent (below level)")
    floor_height: Length = Field(description="lowest height it descends to, m")
    hold_time: Time = Field(description="from the break to its turn back toward its route")

    @model_validator(mode="after")
    def _figures(self) -> Evasion:
        if self.load_factor.value <= 1.0:
            raise ValueError("load_factor: expected more than 1 g (a level turn needs n > 1)")
        if not 0.0 <= self.dive_angle.value < math.pi / 2.0:
            raise ValueError("dive_angle: expected from 0 to less than 90 deg")
        return self


class Aircraft(_Entry):
    kind: Literal["aircraft"]
    role: str
    rcs: Area
    rcs_aspect: RcsAspect | None = None
    evasion: Evasion | None = None
    swerling: Count
    cruise_speed: Speed
    max_speed: Speed
    service_ceiling: Length
    unit_cost_usd: Cost


__all__ += ["THREAT_CLASSES", "Figure", "ThreatClass"]

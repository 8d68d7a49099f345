"""Scenario files: the pydantic schema, loading and validation.

A scenario is a YAML file (see docs/scenario-format.md and
``scenarios/turkey-patriot-vs-s400/scenario.yaml``).  Quantities carry units
(``160 km``, ``45 deg``, ``Mach 2``) and are converted to SI at load; every
error names the file, the line and the field path.

A scenario may declare ``variants``: named replacements of top-level fields
(typically ``units``) that share everything else, so that "the same raid
against Patriot, then against S-400 at the same sites" is one file.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)

from airguard._suggest import did_you_mean
from airguard._yamlio import Boolean, LocatedData, load_yaml, validate
from airguard.catalogue import (
    Aircraft,
    Catalogue,
    DefenceSystem,
    Jammer,
    SensorSystem,
    ThreatSystem,
    default_catalogue,
)
from airguard.catalogue.edit import figure_spec, find_figure, with_figure
from airguard.catalogue.figures import Figure
from airguard.catalogue.models import FirePolicy, ThreatClass
from airguard.errors import InputError
from airguard.units import Dimension, UnitError, parse_quantity

__all__ = [
    "Asset",
    "JammerPlatform",
    "Network",
    "Position",
    "Raid",
    "Scenario",
    "ScenarioFile",
    "Tracking",
    "Unit",
    "load_scenario",
    "scenario_json_schema",
]


QUANTITY_LIMITS: dict[Dimension, tuple[float, str]] = {
    Dimension.TIME: (86_400.0, "1 day"),
    Dimension.LENGTH: (1.0e7, "10,000 km"),
    Dimension.SPEED: (2.0e4, "20 km/s"),
    Dimension.ACCELERATION: (1.0e4, "10,000 m/s^2"),
    Dimension.ANGLE: (4.0 * math.pi, "720 deg"),
}
"""The largest magnitude a scenario's quantity of each dimension may have (SI, and as
said in messages): beyond them a file describes no air defence fight, and the work of
simulating it (grids over the duration, loops over the fire-control cycles) would have
no bound."""
MAX_ROUNDS = 10_000
"""The largest inventory of one interceptor type a unit may hold."""
MIN_TIME_STEP_S = 0.1
"""The shortest fire-control cycle (s)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """Pydantic metadata of a quantity field: ``Annotated[float, Quantity(Dimension.LENGTH)]``.

    Accepts a string with a unit and validates to a float in SI.
    """

    dim: Dimension
    minimum: float | None = None
    positive: bool = False

    def check(self, raw: Any) -> float:
        try:
            value = parse_quantity(raw, self.dim)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        limit = QUANTITY_LIMITS.get(self.dim)
        if limit is not None and abs(value) > limit[0]:
            raise ValueError(f"expected at most {limit[1]} in magnitude, got '{raw}'")
        if self.positive and value <= 0.0:
            raise ValueError(f"expected a positive {self.dim.name.lower()}, got '{raw}'")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"expected at least {self.minimum:g} {self.dim.value}, got '{raw}'")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        example = {
            Dimension.LENGTH: "160 km",
            Dimension.TIME: "30 s",
            Dimension.ANGLE: "45 deg",
            Dimension.SPEED: "Mach 2",
        }.get(self.dim, "")
        return {
            "type": "string",
            "description": f"{self.dim.name.lower()} with a unit",
            "examples": [example],
        }


Length = Annotated[float, Quantity(Dimension.LENGTH)]
PositiveLength = Annotated[float, Quantity(Dimension.LENGTH, positive=True)]
Time = Annotated[float, Quantity(Dimension.TIME)]
PositiveTime = Annotated[float, Quantity(Dimension.TIME, positive=True)]
NonNegativeTime = Annotated[float, Quantity(Dimension.TIME, minimum=0.0)]
Angle = Annotated[float, Quantity(Dimension.ANGLE)]
PositiveSpeed = Annotated[float, Quantity(Dimension.SPEED, positive=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Position(_Strict):
    """Geodetic position: latitude and longitude in degrees (WGS84), altitude with a unit."""

    lat: float = Field(ge=-90.0, le=90.0, description="geodetic latitude, degrees north")
    lon: float = Field(ge=-180.0, le=180.0, description="longitude, degrees east")
    alt: Length = Field(default=0.0, description="height above the WGS84 ellipsoid, e.g. '850 m'")


class Area(Position):
    """A circular area: centre and radius."""

    radius: Length = Field(default=0.0, description="radius of the area, e.g. '20 km'")


class Asset(_Strict):
    """A defended asset: scored as damaged when a threat lands within its radius."""

    name: str = Field(min_length=1)
    position: Position
    value: float = Field(default=1.0, gt=0.0, description="relative value, for priorities")
    radius: PositiveLength = Field(description="damage radius around the aim point, e.g. '1.5 km'")


class DoctrineOverride(_Strict):
    """A unit's change to its system's doctrine for one threat class (unset: the catalogue's)."""

    interceptors: list[str] | None = Field(default=None, min_length=1)
    salvo: int | None = Field(default=None, ge=1, le=8)
    policy: FirePolicy | None = None


class Unit(_Strict):
    """A defending fire unit (battery, battalion) of a catalogue system."""

    name: str = Field(min_length=1)
    system: str = Field(description="catalogue id of a defence system, e.g. 'patriot'")
    position: Position
    heading: Angle | None = Field(
        default=None, description="boresight azimuth of sector radars, clockwise from north"
    )
    launchers: int | None = Field(default=None, ge=1, le=32, description="number of launchers")
    inventory: dict[str, int] | None = Field(
        default=None, description="interceptors by catalogue id; default: the system's load"
    )
    network: str = Field(default="none", description="name of a network, or 'none'")
    doctrine: dict[ThreatClass, DoctrineOverride] = Field(
        default_factory=dict,
        description="per threat class: interceptors, salvo, policy (shoot-shoot or "
        "shoot-look-shoot) replacing the system's doctrine",
    )
    kill_assessment_time: NonNegativeTime | None = Field(
        default=None, description="replaces the system's kill-assessment time, e.g. '8 s'"
    )
    in_flight_retarget: Boolean | None = Field(
        default=None,
        description="redirect interceptors whose target dies (true) or destroy them (false); "
        "default: the system's",
    )
    site: str | None = Field(
        default=None,
        description="name of the asset the unit stands at: a threat that damages the asset "
        "destroys the unit (its radars stop, it fires no more)",
    )
    emcon: Emcon | None = Field(
        default=None, description="emission control: when its radars fall silent"
    )

    @model_validator(mode="after")
    def _inventory(self) -> Unit:
        for key, n in (self.inventory or {}).items():
            if n < 0:
                raise ValueError(f"inventory.{key}: expected a count of at least 0, got {n}")
            if n > MAX_ROUNDS:
                raise ValueError(
                    f"inventory.{key}: expected at most {MAX_ROUNDS:,} rounds, got {n}"
                )
        return self


class Window(_Strict):
    start: Time
    end: Time

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Emcon(_Strict):
    """Emission control: when a unit's (or sensor's) radars stop emitting.

    While silent its radars look at nothing (its tracks get no measurement; the tracker
    drops the stale ones at its first look after), it takes no new
    engagement and guides no round in flight (they fly on their last command); an
    anti-radiation missile aimed at its site that hears nothing in its last seconds misses
    (catalogue ``radiation_homing``)."""

    silent: list[Window] = Field(
        default_factory=list,
        description="scheduled periods of silence, e.g. {start: 0 s, end: 90 s}",
    )
    on_arm: PositiveTime | None = Field(
        default=None,
        description="silent for this long from its first firm track of each anti-radiation "
        "missile, e.g. '60 s'; default: it keeps emitting",
    )


class Release(_Strict):
    """Where a raid's weapons leave their carrier: a hostile flight, at one of its route
    points. They are released there, all at once, when the flight passes it; if the flight
    is shot down before, they are never released."""

    flight: str = Field(min_length=1, description="name of a hostile flight of `flights`")
    point: int = Field(ge=1, description="the route point it releases at (1: the first)")


class Raid(_Strict):
    """A group of threats of one catalogue type launched from one area at one asset, or
    released by a hostile flight (`launch_from`)."""

    name: str = Field(min_length=1)
    threat: str = Field(description="catalogue id of a threat, e.g. 'scud-b'")
    count: int = Field(ge=1, le=1000)
    launch_area: Area | None = Field(
        default=None, description="where they are launched from (unless `launch_from`)"
    )
    launch_window: Window | None = Field(
        default=None, description="when they are launched (unless `launch_from`)"
    )
    launch_from: Release | None = Field(
        default=None,
        description="released by a hostile flight at a route point, in place of "
        "`launch_area` and `launch_window`",
    )
    target: str = Field(description="name of the defended asset aimed at")
    waypoints: list[Position] = Field(default_factory=list, description="cruise/drone route")

    @model_validator(mode="after")
    def _launch(self) -> Raid:
        given = (self.launch_area is not None, self.launch_window is not None)
        if self.launch_from is None and given != (True, True):
            raise ValueError("give `launch_area` and `launch_window`, or `launch_from`")
        if self.launch_from is not None and any(given):
            raise ValueError(
                "`launch_from` sets where and when they are launched: give it without "
                "`launch_area` and `launch_window`"
            )
        return self

    @property
    def area(self) -> Area:
        """Its launch area (for a released raid: the release point, radius 0)."""
        assert self.launch_area is not None, "a released raid before _resolve_releases"
        return self.launch_area

    @property
    def window(self) -> Window:
        """Its launch window (for a released raid: the release time, both ends)."""
        assert self.launch_window is not None, "a released raid before _resolve_releases"
        return self.launch_window


class Network(_Strict):
    """A data link: its members share their radars' pictures after a latency."""

    name: str = Field(min_length=1)
    latency: NonNegativeTime = Field(default=2.0, description="e.g. '2 s'")
    update_interval: NonNegativeTime = Field(
        default=0.0,
        description="remote detections arrive in batches at multiples of this interval "
        "(after the latency); 0: each as it comes",
    )
    coordinate: Boolean = Field(
        default=True,
        description="members fire at a threat one engagement at a time (true), or each "
        "decides alone on the shared picture (false)",
    )
    track_capacity: int | None = Field(
        default=None,
        ge=1,
        description="most threats the link carries at once (first come, first carried; a "
        "slot frees when its threat dies); default: no limit",
    )


class Sensor(_Strict):
    """A sensor site with no weapons (early warning): shares its pictures in a network."""

    name: str = Field(min_length=1)
    system: str = Field(description="catalogue id of a sensor, e.g. 'an-tpy-2'")
    position: Position
    heading: Angle | None = Field(
        default=None, description="boresight azimuth of sector radars, clockwise from north"
    )
    network: str = Field(description="name of the network it reports to")
    site: str | None = Field(
        default=None,
        description="name of the asset the sensor stands at: a threat that damages the asset "
        "destroys the sensor (its radars stop)",
    )
    emcon: Emcon | None = Field(
        default=None, description="emission control: when its radars fall silent"
    )


class Flight(_Strict):
    """An aircraft flying a route.

    A friendly flight is at risk from the defence if it is misidentified; a hostile one
    is a target the defence engages like any threat (it aims at no asset: it is shot down
    or it survives its route).
    """

    name: str = Field(min_length=1)
    aircraft: str = Field(description="catalogue id of an aircraft, e.g. 'f-16'")
    side: Literal["friendly", "hostile"] = Field(
        default="friendly", description="'friendly' (default) or 'hostile'"
    )
    route: list[Position] = Field(
        min_length=2,
        description="points flown in order; a point's altitude, where given, is flown there "
        "(linearly in between); a point without one keeps the previous point's",
    )
    start: Time = Field(description="time it passes the first point, e.g. '-60 s'")
    speed: PositiveSpeed | None = Field(
        default=None, description="ground speed; default: the aircraft's cruise speed"
    )
    evade: Boolean = Field(
        default=False,
        description="a hostile flight breaks away from the first round launched at it (the "
        "aircraft's catalogue `evasion`), then returns to its route",
    )


class JammerPlatform(_Strict):
    """A noise jammer: holding a position (a stand-off orbit's centre), or riding a hostile
    flight (a stand-off orbit flown as a route, or an escort or self-protection jammer on
    the strike aircraft itself), while it is on."""

    name: str = Field(min_length=1)
    system: str = Field(description="catalogue id of a jammer, e.g. 'growler-jammer'")
    position: Position | None = Field(
        default=None, description="where it holds while on (give this or flight)"
    )
    flight: str | None = Field(
        default=None,
        description="name of the hostile flight carrying it (give this or position): it "
        "jams from where the flight is, and not while the flight is not in the air or once "
        "it is shot down",
    )
    start: Time = Field(default=0.0, description="when it starts jamming, e.g. '0 s'")
    end: Time | None = Field(default=None, description="when it stops; default: never")


class TerrainFiles(_Strict):
    """A digital elevation model: SRTM .hgt tiles or one GeoTIFF (EPSG:4326)."""

    files: list[str] = Field(
        min_length=1,
        description="paths of .hgt tiles (mosaicked) or of one .tif, relative to the scenario file",
    )
    geoid_offset: Length = Field(
        default=0.0,
        description="added to every DEM height: SRTM heights are above the EGM96 geoid, "
        "scenario heights above the ellipsoid (about +30 m over Turkey)",
    )


Acceleration = Annotated[float, Quantity(Dimension.ACCELERATION, minimum=0.0)]
TrackModel = Literal["cv", "ca", "ballistic"]
DEFAULT_TRACK_MODELS: tuple[TrackModel, ...] = ("cv", "ca", "ballistic")


class Tracking(_Strict):
    """How every unit's tracker works (docs/tracking.md).  The defaults are notional."""

    models: list[TrackModel] = Field(
        default_factory=lambda: list(DEFAULT_TRACK_MODELS),
        min_length=1,
        max_length=3,
        description="motion models of the interacting multiple model filter (one: a plain "
        "extended Kalman filter)",
    )
    initiate_on: TrackModel | Literal["all"] | None = Field(
        default=None,
        description="the one model tentative tracks run, the IMM starting at confirmation "
        "(default: the first of models); 'all': tentative tracks run the whole IMM",
    )
    confirm: str = Field(
        default="3/4",
        pattern=r"^[1-9][0-9]?/[1-9][0-9]?$",
        description="M/N: a track is confirmed by M detections in its last N looks",
    )
    delete_after: int = Field(
        default=3, ge=1, le=30, description="consecutive missed looks that delete a track"
    )
    coast: PositiveTime = Field(
        default=30.0,
        description="a track not updated for this long is deleted, in view or not (a "
        "track predicted out of every radar's view is never missed, so never deleted by "
        "delete_after)",
    )
    gate: float = Field(
        default=0.999,
        gt=0.0,
        lt=1.0,
        description="probability that a track's own detection falls inside its gate",
    )
    cv_acceleration: Acceleration = Field(
        default=5.0,
        description="random acceleration of the constant-velocity model: the noise power "
        "spectral density is this squared times one second",
    )
    ca_jerk: float = Field(
        default=20.0,
        ge=0.0,
        le=1.0e5,
        description="random jerk of the constant-acceleration model, m/s^3 (the density "
        "is this squared times one second)",
    )
    ballistic_acceleration: Acceleration = Field(
        default=2.0,
        description="unmodelled acceleration of the ballistic model (lift, drag error)",
    )
    initial_speed: PositiveSpeed = Field(
        default=1500.0,
        description="1-sigma speed a new track may have before its second detection",
    )

    @model_validator(mode="after")
    def _m_of_n(self) -> Tracking:
        m, n = (int(v) for v in self.confirm.split("/"))
        if m > n or n > 62:
            raise ValueError(f"confirm: expected M/N with M <= N <= 62, got '{self.confirm}'")
        if len(set(self.models)) != len(self.models):
            raise ValueError("models: each model at most once")
        if self.initiate_on not in (None, "all") and self.initiate_on not in self.models:
            raise ValueError(
                f"initiate_on: expected one of models {self.models} or 'all', "
                f"got '{self.initiate_on}'"
            )
        return self


class ScenarioBody(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    duration: PositiveTime
    seed: int = Field(default=0, ge=0)
    time_step: PositiveTime = Field(default=1.0, description="fire-control cycle, e.g. '1 s'")
    stop: Literal["when-quiet", "at-duration"] = Field(
        default="when-quiet",
        description="'when-quiet' ends a replication before `duration` once every threat, "
        "decoy and flight has landed, been killed or ended its route, no interceptor is in "
        "flight and no picture holds a phantom track: nothing is left to engage (false alarms "
        "and phantom tracks are then counted up to that time); 'at-duration' runs the whole "
        "`duration`",
    )
    assets: list[Asset] = Field(min_length=1)
    units: list[Unit] = Field(default_factory=list)
    raids: list[Raid] = Field(min_length=1)
    networks: list[Network] = Field(default_factory=list)
    sensors: list[Sensor] = Field(default_factory=list)
    flights: list[Flight] = Field(default_factory=list)
    jammers: list[JammerPlatform] = Field(
        default_factory=list,
        description="stand-off noise jammers: each raises the noise every radar in its band "
        "hears, through the mainlobe when it lies in the direction looked at",
    )
    terrain: TerrainFiles | None = Field(
        default=None,
        description="elevation model: radar masking and terrain-following cruise (default: "
        "a smooth Earth)",
    )
    tracking: Tracking = Field(
        default_factory=Tracking, description="every unit's tracker (notional defaults)"
    )
    iff_reliability: float = Field(
        default=0.99,
        ge=0.0,
        le=1.0,
        description="probability that a network (or a unit outside any) identifies a friendly "
        "flight as friendly, drawn once per flight (notional default)",
    )


class Sweep(_Strict):
    """One swept quantity: a field of the scenario or a catalogue figure, and its values."""

    field: str | None = Field(
        default=None,
        description="path of a scenario field, e.g. 'units[0].inventory.pac-3-mse' or "
        "'raids[1].launch_window.end'",
    )
    figure: str | None = Field(
        default=None,
        description="a catalogue figure, '<id> <field>', e.g. 'pac-3-mse max_range'",
    )
    values: list[Any] = Field(min_length=1, description="the values to run, with units")

    @model_validator(mode="after")
    def _one_target(self) -> Sweep:
        if (self.field is None) == (self.figure is None):
            raise ValueError("a sweep needs exactly one of 'field' or 'figure'")
        return self


class ScenarioFile(ScenarioBody):
    """Top level of a scenario file; ``variants`` replace fields of the body."""

    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="named variants, each replacing top-level fields such as 'units'",
    )
    sweeps: list[Sweep] = Field(
        default_factory=list,
        description="quantities to sweep: every combination of their values runs as a "
        "variant (of each variant)",
    )


@dataclass(frozen=True)
class Scenario:
    """A validated scenario (one variant), with its catalogue and provenance."""

    body: ScenarioBody
    catalogue: Catalogue
    file: str
    variant: str | None
    digest: str
    source: str = field(default="", repr=False, compare=False)
    """The scenario file's text, so that it can be loaded again (e.g. with another catalogue)."""

    @property
    def name(self) -> str:
        return self.body.name if self.variant is None else f"{self.body.name} [{self.variant}]"

    @property
    def label(self) -> str:
        return self.variant or self.body.name

    @property
    def dir_name(self) -> str:
        """The name of this variant's directory in a run of several (:func:`safe_name`)."""
        return safe_name(self.label)

    def _parts(self) -> list[tuple[str, list[str]]]:
        """(what, names) of the scenario's elements, for its short forms."""
        b = self.body
        raids = [f"{r.count} × {r.threat} at {r.target}" for r in b.raids]
        parts = [
            ("assets", [a.name for a in b.assets]),
            ("units", [f"{u.name} ({u.system})" for u in b.units]),
            ("sensors", [f"{x.name} ({x.system})" for x in b.sensors]),
            ("raids", raids),
            ("flights", [f"{f.name} ({f.aircraft})" for f in b.flights]),
            ("jammers", [f"{j.name} ({j.system})" for j in b.jammers]),
        ]
        return [(what, names) for what, names in parts if names or what != "sensors"]

    def __repr__(self) -> str:
        """One line: name, variant, file, how many assets, units and threats, duration, seed
        (the whole scenario is :attr:`body`)."""
        b = self.body
        counts = [
            f"{len(names)} {what if len(names) != 1 else what[:-1]}"
            for what, names in self._parts()
            if names
        ]
        threats = sum(r.count for r in b.raids)
        variant = f" [{self.variant}]" if self.variant else ""
        return (
            f"<Scenario {b.name!r}{variant} from {self.file}: {', '.join(counts)} "
            f"({threats} threats); {b.duration:,g} s, seed {b.seed}>"
        )

    def _repr_html_(self) -> str:
        """A compact table of the scenario for notebooks: what it holds, by name."""
        import html

        b = self.body
        rows = [("file", self.file)]
        if self.variant:
            rows.append(("variant", self.variant))
        for what, names in self._parts():
            if names:
                more = len(names) - _HTML_NAMES
                shown = ", ".join(names[:_HTML_NAMES]) + (f", … ({more} more)" if more > 0 else "")
                rows.append((f"{what} ({len(names)})", shown))
        rows.append(("duration", f"{b.duration:,g} s (time step {b.time_step:g} s, stop {b.stop})"))
        rows.append(("seed", str(b.seed)))
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
            f"{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        caption = html.escape(self.name)
        return (
            f'<div class="airguard"><table><caption style="text-align:left">{caption}'
            f"</caption><tbody>{body}</tbody></table></div>"
        )


_HTML_NAMES = 12
"""Most names of one kind (assets, units, raids...) a scenario's HTML form lists."""


_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\ud800-\udfff]')
_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)
MAX_NAME_BYTES = 120
"""The longest name :func:`safe_name` keeps as it is, in UTF-8 bytes."""


def safe_name(text: str) -> str:
    """The file or directory name for a name a scenario gives (a variant, a sweep point).

    A name is never a path: a plain name is kept as it is, Unicode letters included;
    any other (a path separator, a control character, a character some file systems
    refuse, a lone surrogate, a leading or trailing dot or space, ``.`` or ``..``, a
    reserved device name such as ``con``, more than :data:`MAX_NAME_BYTES` bytes) has
    those characters replaced by ``-``, is cut to length, and ends in ``-`` and eight hex
    digits of the name's SHA-256, so that two names never share a directory
    (``'../../x'`` → ``'-..-x-'`` and the digits, ``'speed=300 m/s'`` → ``'speed=300
    m-s-'`` and the digits).
    """
    clean = _UNSAFE_IN_NAMES.sub("-", text).strip(" .")
    stem = clean.split(".")[0].strip().lower()
    size = len(text.encode("utf-8", "surrogatepass"))
    if clean == text and clean and stem not in _RESERVED_NAMES and size <= MAX_NAME_BYTES:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    base = clean.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore").strip(" .")
    return f"{base or 'variant'}-{digest}"


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editor autocompletion."""
    schema = ScenarioFile.model_json_schema(mode="validation")
    schema["title"] = "airguard scenario"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def load_scenario(
    path: str | Path,
    *,
    variant: str | None = None,
    catalogue: Catalogue | None = None,
    text: str | None = None,
) -> list[Scenario]:
    """Load a scenario file and return its variants (or the one asked for).

    Raises
    ------
    InputError
        With file, line and field path on any invalid content.
    """
    cat = catalogue if catalogue is not None else default_catalogue()
    located = load_yaml(path, text)
    source = text if text is not None else Path(path).read_text(encoding="utf-8")
    # the whole file first (variants as raw mappings), so top-level errors come first
    whole = validate(ScenarioFile, located)
    raw_variants = located.data.get("variants") or {}
    points = _sweep_points(whole.sweeps, located, cat)
    names = [(base, point) for base in (list(raw_variants) or [None]) for point in points]
    if variant is not None:
        chosen = [(b, p) for b, p in names if _variant_name(b, p) == variant]
        if not chosen:
            variants = [str(_variant_name(b, p)) for b, p in names if _variant_name(b, p)]
            known = ", ".join(variants)
            raise InputError(
                f"no variant '{variant}' (variants: {known or 'none'})"
                f"{did_you_mean(variant, variants)}",
                file=located.file,
                line=located.lines.get(("variants",)),
                field="variants",
            )
        names = chosen
    out = []
    for base, point in names:
        name = _variant_name(base, point)
        scenario_cat = cat
        if base is None:
            data = {k: v for k, v in located.data.items() if k not in ("variants", "sweeps")}
            prefix: tuple[str | int, ...] = ()
            if point.fields:
                data = copy.deepcopy(data)
                _set_fields(data, point.fields)
            view = LocatedData(data, located.lines, located.file)
            body = validate(ScenarioBody, view)
        else:
            override = raw_variants[base]
            if not isinstance(override, dict):
                raise located.error(
                    ("variants", base), "a variant is a mapping of fields to replace"
                )
            data = {k: v for k, v in located.data.items() if k not in ("variants", "sweeps")}
            data.update(copy.deepcopy(override))
            name_prefix = base
            prefix = ("variants", name_prefix)
            # the variant's keys replace the top-level ones, line numbers included
            lines = {
                loc: line for loc, line in located.lines.items() if not (loc and loc[0] in override)
            }
            for loc, line in located.lines.items():
                if loc[:2] == prefix and len(loc) > 2:
                    lines[loc[2:]] = line
            if point.fields:
                _set_fields(data, point.fields)
            view = LocatedData(
                data, lines, located.file, field_prefix=dict.fromkeys(override, prefix)
            )
            body = validate(ScenarioBody, view)
        for entry_id, fpath, figure in point.figures:
            scenario_cat = with_figure(scenario_cat, entry_id, fpath, figure)
        body = _resolve_releases(body, view, scenario_cat)
        _check_references(body, view, scenario_cat)
        digest = hashlib.sha256(
            json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        if point.figures:  # a swept catalogue figure changes the study: say so in its digest
            swept = json.dumps([[e, list(fp), f.value] for e, fp, f in point.figures])
            digest = hashlib.sha256((digest + swept).encode()).hexdigest()
        out.append(
            Scenario(
                body=body,
                catalogue=scenario_cat,
                file=located.file,
                variant=name,
                digest=digest,
                source=source,
            )
        )
    return out


@dataclass(frozen=True)
class _SweepPoint:
    """One combination of swept values: scenario fields to set, catalogue figures to fix."""

    label: str
    fields: tuple[tuple[tuple[str | int, ...], Any], ...] = ()
    figures: tuple[tuple[str, tuple[str, ...], Figure], ...] = ()


def _variant_name(base: str | None, point: _SweepPoint) -> str | None:
    if not point.label:
        return base
    return point.label if base is None else f"{base}, {point.label}"


_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _field_path(text: str) -> tuple[str | int, ...]:
    """'units[0].inventory.pac-3-mse' -> ('units', 0, 'inventory', 'pac-3-mse')."""
    out: list[str | int] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        if text[pos] == ".":
            pos += 1
            continue
        m = _PATH_TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read the field path '{text}'")
        out.append(int(m.group(2)) if m.group(2) is not None else m.group(1))
        pos = m.end()
    if not out:
        raise ValueError("an empty field path")
    return tuple(out)


def _set_fields(data: Any, fields: tuple[tuple[tuple[str | int, ...], Any], ...]) -> None:
    for path, value in fields:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = copy.deepcopy(value)


def _sweep_points(sweeps: list[Sweep], located: LocatedData, cat: Catalogue) -> list[_SweepPoint]:
    """Every combination of the swept values (one empty point without sweeps)."""
    from airguard.catalogue.figures import FigureSpec

    axes: list[list[_SweepPoint]] = []
    for i, sweep in enumerate(sweeps):
        loc = ("sweeps", i)
        axis = []
        if sweep.field is not None:
            try:
                path = _field_path(sweep.field)
            except ValueError as exc:
                raise located.error((*loc, "field"), str(exc)) from None
            node: Any = located.data
            for depth, key in enumerate(path[:-1]):
                ok = (isinstance(node, dict) and key in node) or (
                    isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
                )
                if not ok:
                    where = "".join(
                        f"[{k}]" if isinstance(k, int) else f".{k}" for k in path[: depth + 1]
                    )
                    raise located.error(
                        (*loc, "field"), f"no field {where.lstrip('.')} in the scenario"
                    )
                node = node[key]
            if not isinstance(node, dict | list):
                raise located.error((*loc, "field"), f"cannot set '{sweep.field}'")
            for value in sweep.values:
                label = f"{sweep.field}={value}"
                axis.append(_SweepPoint(label, fields=((path, value),)))
        else:
            assert sweep.figure is not None
            try:
                entry_id, fpath = find_figure(cat, sweep.figure)
            except KeyError as exc:
                raise located.error((*loc, "figure"), str(exc).strip("\"'")) from None
            spec = figure_spec(cat.entries[entry_id], fpath)
            for k, value in enumerate(sweep.values):
                try:
                    fig = (spec or FigureSpec()).exact(value, "swept")
                except ValueError as exc:
                    raise located.error((*loc, "values", k), str(exc)) from None
                label = f"{sweep.figure}={value}"
                axis.append(_SweepPoint(label, figures=((entry_id, fpath, fig),)))
        axes.append(axis)
    points = [_SweepPoint("")]
    for axis in axes:
        points = [
            _SweepPoint(
                f"{p.label}, {q.label}" if p.label else q.label,
                p.fields + q.fields,
                p.figures + q.figures,
            )
            for p in points
            for q in axis
        ]
    return points


def _check_site(
    site: str | None, asset_names: list[str], located: LocatedData, loc: tuple[str | int, ...]
) -> None:
    if site is not None and site not in asset_names:
        raise located.error(
            (*loc, "site"),
            f"unknown asset '{site}' (assets: {', '.join(asset_names)})"
            f"{did_you_mean(site, asset_names)}",
        )


def _when(raid: Raid, loc: tuple[str | int, ...], end: str) -> tuple[str | int, ...]:
    """Where a raid's launch time is written: its window's `end`, or its `launch_from`."""
    return (*loc, "launch_from") if raid.launch_from is not None else (*loc, "launch_window", end)


def route_heights(route: Sequence[Position]) -> list[float]:
    """The height (m above the ellipsoid) flown at each point of a flight's route: the
    point's altitude where the scenario gives one, else the previous point's (the first
    point's default, 0 m, where it gives none)."""
    heights: list[float] = []
    for k, point in enumerate(route):
        given = k == 0 or "alt" in point.model_fields_set
        heights.append(float(point.alt) if given else heights[-1])
    return heights


def _resolve_releases(body: ScenarioBody, located: LocatedData, cat: Catalogue) -> ScenarioBody:
    """The body with each released raid's (`launch_from`) launch area and window filled:
    the route point's position and height, radius 0, and the time its flight passes it
    (great circles on the mean sphere at the flight's speed, as the engine flies it)."""
    if all(raid.launch_from is None for raid in body.raids):
        return body
    from airguard.geo import great_circle_distance_m

    flights = {f.name: f for f in body.flights}
    raids = []
    for i, raid in enumerate(body.raids):
        rel = raid.launch_from
        if rel is None:
            raids.append(raid)
            continue
        loc = ("raids", i, "launch_from")
        hostile = [f.name for f in body.flights if f.side == "hostile"]
        flight = flights.get(rel.flight)
        if flight is None or flight.side != "hostile":
            what = "not a hostile flight" if flight is not None else "unknown flight"
            raise located.error(
                (*loc, "flight"),
                f"{what} '{rel.flight}' (hostile flights: {', '.join(hostile) or 'none'})",
            )
        if rel.point > len(flight.route):
            raise located.error(
                (*loc, "point"),
                f"{flight.name}'s route has {len(flight.route)} points, not {rel.point}",
            )
        plane = cat.entries.get(flight.aircraft)
        if not isinstance(plane, Aircraft):
            known = ", ".join(cat.ids("aircraft")) or "none"
            raise located.error(
                (*loc, "flight"), f"{flight.name} flies an unknown aircraft (catalogue: {known})"
            )
        weapon = cat.entries.get(raid.threat)
        if isinstance(weapon, ThreatSystem) and weapon.is_ballistic:
            raise located.error(
                ("raids", i, "threat"),
                f"{raid.threat} is ballistic: an aircraft releases only cruise missiles, "
                "drones and anti-radiation missiles here",
            )
        speed = flight.speed if flight.speed is not None else plane.cruise_speed.value
        legs = flight.route[: rel.point]
        path_m = sum(
            float(great_circle_distance_m(a.lat, a.lon, b.lat, b.lon))
            for a, b in itertools.pairwise(legs)
        )
        t = flight.start + path_m / speed
        p = flight.route[rel.point - 1]
        area = Area.model_construct(
            lat=p.lat, lon=p.lon, alt=route_heights(flight.route)[rel.point - 1], radius=0.0
        )
        raids.append(
            raid.model_copy(
                update={
                    "launch_area": area,
                    "launch_window": Window.model_construct(start=t, end=t),
                }
            )
        )
    return body.model_copy(update={"raids": raids})


def _check_evasion(
    flight: Flight,
    plane: Aircraft,
    cat: Catalogue,
    located: LocatedData,
    loc: tuple[str | int, ...],
) -> None:
    """An evading flight (`evade: true`): hostile, an aircraft with an `evasion` block, a
    speed within the aircraft's top speed."""
    if flight.side != "hostile":
        raise located.error(
            (*loc, "evade"), "only a hostile flight evades: set `side: hostile` or drop `evade`"
        )
    if plane.evasion is None:
        with_it = [
            i for i in cat.ids("aircraft") if getattr(cat.entries[i], "evasion", None) is not None
        ]
        raise located.error(
            (*loc, "evade"),
            f"{flight.aircraft} has no `evasion` figures in the catalogue "
            f"(aircraft with them: {', '.join(with_it) or 'none'})",
        )
    speed = flight.speed if flight.speed is not None else plane.cruise_speed.value
    if speed > plane.max_speed.value:
        raise located.error(
            (*loc, "speed"),
            f"an evading {flight.aircraft} flies at most {plane.max_speed.value * 3.6:.0f} km/h "
            f"(its max_speed), got {speed * 3.6:.0f} km/h",
        )


def _check_references(body: ScenarioBody, located: LocatedData, cat: Catalogue) -> None:
    from airguard.geo import great_circle_distance_m

    asset_names = [a.name for a in body.assets]
    for i, name in enumerate(asset_names):
        if name in asset_names[:i]:
            raise located.error(("assets", i, "name"), f"duplicate asset name '{name}'")
    network_names = [n.name for n in body.networks]
    for i, unit in enumerate(body.units):
        loc: tuple[str | int, ...] = ("units", i)
        entry = cat.entries.get(unit.system)
        if not isinstance(entry, DefenceSystem):
            known = ", ".join(cat.ids("defence"))
            raise located.error(
                (*loc, "system"),
                f"unknown defence system '{unit.system}' (catalogue: {known})"
                f"{did_you_mean(unit.system, cat.ids('defence'))}",
            )
        carried = {iid for spec in entry.launchers.values() for iid in spec.capacity}
        for iid in unit.inventory or {}:
            if iid not in carried:
                raise located.error(
                    (*loc, "inventory", iid),
                    f"'{iid}' is not an interceptor of {unit.system} (have: "
                    f"{', '.join(sorted(carried))}){did_you_mean(iid, sorted(carried))}",
                )
        needs_heading = any(
            entry.radars[r].azimuth_sector.value < 6.283 for r in entry.composition.radars
        )
        if needs_heading and unit.heading is None:
            raise located.error(
                (*loc, "heading"),
                f"{unit.system} has a sector radar: give its boresight, e.g. '135 deg'",
            )
        if unit.network != "none" and unit.network not in network_names:
            raise located.error(
                (*loc, "network"),
                f"unknown network '{unit.network}' (declared: {', '.join(network_names) or 'none'})"
                f"{did_you_mean(unit.network, network_names)}",
            )
        _check_site(unit.site, asset_names, located, loc)
        for cls, rule in unit.doctrine.items():
            for k, iid in enumerate(rule.interceptors or []):
                if iid not in entry.interceptors:
                    raise located.error(
                        (*loc, "doctrine", cls, "interceptors", k),
                        f"{unit.system} has no interceptor '{iid}' "
                        f"(has: {', '.join(entry.interceptors)})"
                        f"{did_you_mean(iid, entry.interceptors)}",
                    )
    if body.terrain is not None:
        base = Path(located.file).parent
        suffixes = {Path(f).suffix.lower() for f in body.terrain.files}
        if not (
            suffixes <= {".hgt"} or (suffixes <= {".tif", ".tiff"} and len(body.terrain.files) == 1)
        ):
            raise located.error(
                ("terrain", "files"), "expected SRTM .hgt tiles or a single GeoTIFF (.tif)"
            )
        for k, f in enumerate(body.terrain.files):
            if not (base / f).is_file():
                raise located.error(("terrain", "files", k), f"no such file: {base / f}")
    unit_names = [u.name for u in body.units]
    for i, sensor in enumerate(body.sensors):
        loc = ("sensors", i)
        if sensor.name in unit_names or sensor.name in [x.name for x in body.sensors[:i]]:
            raise located.error((*loc, "name"), f"duplicate unit or sensor name '{sensor.name}'")
        entry_s = cat.entries.get(sensor.system)
        if not isinstance(entry_s, SensorSystem):
            known = ", ".join(cat.ids("sensor")) or "none"
            raise located.error(
                (*loc, "system"),
                f"unknown sensor '{sensor.system}' (catalogue: {known})"
                f"{did_you_mean(sensor.system, cat.ids('sensor'))}",
            )
        if sensor.heading is None and any(
            r.azimuth_sector.value < 6.283 for r in entry_s.radars.values()
        ):
            raise located.error(
                (*loc, "heading"),
                f"{sensor.system} has a sector radar: give its boresight, e.g. '135 deg'",
            )
        if sensor.network not in network_names:
            raise located.error(
                (*loc, "network"),
                f"unknown network '{sensor.network}' (declared: {', '.join(network_names) or 'none'})"
                f"{did_you_mean(sensor.network, network_names)}",
            )
        _check_site(sensor.site, asset_names, located, loc)
    for i, jam in enumerate(body.jammers):
        loc = ("jammers", i)
        if jam.name in [x.name for x in body.jammers[:i]]:
            raise located.error((*loc, "name"), f"duplicate jammer name '{jam.name}'")
        if not isinstance(cat.entries.get(jam.system), Jammer):
            known = ", ".join(cat.ids("jammer")) or "none"
            raise located.error(
                (*loc, "system"),
                f"unknown jammer '{jam.system}' (catalogue: {known})"
                f"{did_you_mean(jam.system, cat.ids('jammer'))}",
            )
        if jam.end is not None and jam.end <= jam.start:
            raise located.error((*loc, "end"), f"expected after start ({jam.start:g} s)")
        if jam.position is not None and jam.flight is not None:
            raise located.error(
                (*loc, "flight"),
                "give either position or flight (the flight carrying it), not both",
            )
        if jam.position is None and jam.flight is None:
            raise located.error(
                (*loc, "name"),
                f"jammer '{jam.name}' has neither position nor flight: give where it holds "
                "(position) or the hostile flight carrying it (flight)",
            )
        if jam.flight is not None:
            hostile = [f.name for f in body.flights if f.side == "hostile"]
            carrier = next((f for f in body.flights if f.name == jam.flight), None)
            if carrier is None or carrier.side != "hostile":
                what = "a friendly flight" if carrier is not None else "unknown flight"
                raise located.error(
                    (*loc, "flight"),
                    f"{what} '{jam.flight}': a jammer rides a hostile flight (hostile flights: "
                    f"{', '.join(hostile) or 'none'}){did_you_mean(jam.flight, hostile)}",
                )
    for i, flight in enumerate(body.flights):
        loc = ("flights", i)
        plane = cat.entries.get(flight.aircraft)
        if not isinstance(plane, Aircraft):
            known = ", ".join(cat.ids("aircraft")) or "none"
            raise located.error(
                (*loc, "aircraft"),
                f"unknown aircraft '{flight.aircraft}' (catalogue: {known})"
                f"{did_you_mean(flight.aircraft, cat.ids('aircraft'))}",
            )
        if flight.evade:
            _check_evasion(flight, plane, cat, located, loc)
    if body.time_step < MIN_TIME_STEP_S or body.time_step > body.duration:
        raise located.error(
            ("time_step",),
            f"expected a fire-control cycle between {MIN_TIME_STEP_S:g} s and the duration "
            f"({body.duration:g} s), got {body.time_step:g} s",
        )
    for i, raid in enumerate(body.raids):
        loc = ("raids", i)
        if raid.window.end > body.duration:
            raise located.error(
                _when(raid, loc, "end"),
                f"launched at up to t = {raid.window.end:g} s, after the simulation ends "
                f"({body.duration:g} s): launch them earlier or lengthen `duration`",
            )
        threat = cat.entries.get(raid.threat)
        if not isinstance(threat, ThreatSystem):
            if isinstance(threat, Aircraft):
                msg = f"'{raid.threat}' is an aircraft, not a threat"
            else:
                msg = (
                    f"unknown threat '{raid.threat}' (catalogue: {', '.join(cat.ids('threat'))})"
                    f"{did_you_mean(raid.threat, cat.ids('threat'))}"
                )
            raise located.error((*loc, "threat"), msg)
        if raid.target not in asset_names:
            raise located.error(
                (*loc, "target"),
                f"unknown asset '{raid.target}' (assets: {', '.join(asset_names)})"
                f"{did_you_mean(raid.target, asset_names)}",
            )
        if raid.waypoints and threat.is_ballistic:
            raise located.error((*loc, "waypoints"), "ballistic threats fly no waypoints")
        asset = body.assets[asset_names.index(raid.target)]
        legs = [raid.area, *raid.waypoints, asset.position]
        path_m = sum(
            float(great_circle_distance_m(a.lat, a.lon, b.lat, b.lon))
            for a, b in itertools.pairwise(legs)
        )
        far_m = path_m + raid.area.radius
        near_m = path_m - raid.area.radius
        if far_m > threat.max_range.value:
            raise located.error(
                (*loc, "target"),
                f"{raid.target} is up to {far_m / 1000:.0f} km from the launch area, beyond the "
                f"{threat.max_range.value / 1000:.0f} km range of {raid.threat}",
            )
        if not threat.is_ballistic:
            assert threat.cruise_speed is not None
            speed = threat.cruise_speed.value
            first = raid.window.start + max(near_m, 0.0) / speed
            last = raid.window.end + far_m / speed
            if first < 0.0:
                raise located.error(
                    _when(raid, loc, "start"),
                    f"at {speed * 3.6:.0f} km/h some {raid.threat} could arrive {-first:.0f} s before the "
                    f"simulation starts (t = 0); launch them later",
                )
            if last > body.duration:
                raise located.error(
                    _when(raid, loc, "end"),
                    f"at {speed * 3.6:.0f} km/h some {raid.threat} could arrive at t = {last:.0f} s, after the "
                    f"simulation ends ({body.duration:.0f} s); launch them earlier or lengthen `duration`",
                )
        if near_m < threat.min_range.value:
            raise located.error(
                (*loc, "target"),
                f"{raid.target} is as close as {near_m / 1000:.0f} km to the launch area, inside the "
                f"{threat.min_range.value / 1000:.0f} km minimum range of {raid.threat}",
            )

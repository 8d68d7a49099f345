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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)

from airguard._yamlio import LocatedData, load_yaml, validate
from airguard.catalogue import (
    Aircraft,
    Catalogue,
    DefenceSystem,
    SensorSystem,
    ThreatSystem,
    default_catalogue,
)
from airguard.catalogue.models import FirePolicy, ThreatClass
from airguard.errors import InputError
from airguard.units import Dimension, UnitError, parse_quantity

__all__ = [
    "Asset",
    "Network",
    "Position",
    "Raid",
    "Scenario",
    "ScenarioFile",
    "Unit",
    "load_scenario",
    "scenario_json_schema",
]


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
    in_flight_retarget: bool | None = Field(
        default=None,
        description="redirect interceptors whose target dies (true) or destroy them (false); "
        "default: the system's",
    )

    @model_validator(mode="after")
    def _inventory(self) -> Unit:
        for key, n in (self.inventory or {}).items():
            if n < 0:
                raise ValueError(f"inventory.{key}: expected a count of at least 0, got {n}")
        return self


class Window(_Strict):
    start: Time
    end: Time

    @model_validator(mode="after")
    def _order(self) -> Window:
        if self.end < self.start:
            raise ValueError("launch_window.end is before launch_window.start")
        return self


class Raid(_Strict):
    """A group of threats of one catalogue type launched from one area at one asset."""

    name: str = Field(min_length=1)
    threat: str = Field(description="catalogue id of a threat, e.g. 'scud-b'")
    count: int = Field(ge=1, le=1000)
    launch_area: Area
    launch_window: Window
    target: str = Field(description="name of the defended asset aimed at")
    waypoints: list[Position] = Field(default_factory=list, description="cruise/drone route")


class Network(_Strict):
    """A data link: its members share their radars' pictures after a latency."""

    name: str = Field(min_length=1)
    latency: NonNegativeTime = Field(default=2.0, description="e.g. '2 s'")
    update_interval: NonNegativeTime = Field(
        default=0.0,
        description="remote detections arrive in batches at multiples of this interval "
        "(after the latency); 0: each as it comes",
    )
    coordinate: bool = Field(
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


class Flight(_Strict):
    """A friendly aircraft flying a route: at risk from the defence if it is misidentified."""

    name: str = Field(min_length=1)
    aircraft: str = Field(description="catalogue id of an aircraft, e.g. 'f-16'")
    route: list[Position] = Field(
        min_length=2, description="points flown in order, each with its altitude"
    )
    start: Time = Field(description="time it passes the first point, e.g. '-60 s'")
    speed: PositiveSpeed | None = Field(
        default=None, description="ground speed; default: the aircraft's cruise speed"
    )


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


class ScenarioBody(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    duration: PositiveTime
    seed: int = Field(default=0, ge=0)
    time_step: PositiveTime = Field(default=1.0, description="fire-control cycle, e.g. '1 s'")
    assets: list[Asset] = Field(min_length=1)
    units: list[Unit] = Field(default_factory=list)
    raids: list[Raid] = Field(min_length=1)
    networks: list[Network] = Field(default_factory=list)
    sensors: list[Sensor] = Field(default_factory=list)
    flights: list[Flight] = Field(default_factory=list)
    terrain: TerrainFiles | None = Field(
        default=None,
        description="elevation model: radar masking and terrain-following cruise (default: "
        "a smooth Earth)",
    )
    iff_reliability: float = Field(
        default=0.99,
        ge=0.0,
        le=1.0,
        description="probability that a network (or a unit outside any) identifies a friendly "
        "flight as friendly, drawn once per flight (notional default)",
    )


class ScenarioFile(ScenarioBody):
    """Top level of a scenario file; ``variants`` replace fields of the body."""

    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="named variants, each replacing top-level fields such as 'units'",
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
    validate(ScenarioFile, located)
    raw_variants = located.data.get("variants") or {}
    names = list(raw_variants) or [None]
    if variant is not None:
        if variant not in raw_variants:
            known = ", ".join(raw_variants) or "none"
            raise InputError(
                f"no variant '{variant}' (variants: {known})",
                file=located.file,
                line=located.lines.get(("variants",)),
                field="variants",
            )
        names = [variant]
    out = []
    for name in names:
        if name is None:
            data = {k: v for k, v in located.data.items() if k != "variants"}
            view = located
            body = ScenarioBody.model_validate(data)
            prefix: tuple[str | int, ...] = ()
        else:
            override = raw_variants[name]
            if not isinstance(override, dict):
                raise located.error(
                    ("variants", name), "a variant is a mapping of fields to replace"
                )
            data = {k: v for k, v in located.data.items() if k != "variants"}
            data.update(copy.deepcopy(override))
            prefix = ("variants", name)
            # the variant's keys replace the top-level ones, line numbers included
            lines = {
                loc: line for loc, line in located.lines.items() if not (loc and loc[0] in override)
            }
            for loc, line in located.lines.items():
                if loc[:2] == prefix and len(loc) > 2:
                    lines[loc[2:]] = line
            view = LocatedData(
                data, lines, located.file, field_prefix=dict.fromkeys(override, prefix)
            )
            body = validate(ScenarioBody, view)
        _check_references(body, view, cat)
        digest = hashlib.sha256(
            json.dumps(body.model_dump(mode="json"), sort_keys=True).encode()
        ).hexdigest()
        out.append(
            Scenario(
                body=body,
                catalogue=cat,
                file=located.file,
                variant=name,
                digest=digest,
                source=source,
            )
        )
    return out


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
                (*loc, "system"), f"unknown defence system '{unit.system}' (catalogue: {known})"
            )
        carried = {iid for spec in entry.launchers.values() for iid in spec.capacity}
        for iid in unit.inventory or {}:
            if iid not in carried:
                raise located.error(
                    (*loc, "inventory", iid),
                    f"'{iid}' is not an interceptor of {unit.system} (have: {', '.join(sorted(carried))})",
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
                f"unknown network '{unit.network}' (declared: {', '.join(network_names) or 'none'})",
            )
        for cls, rule in unit.doctrine.items():
            for k, iid in enumerate(rule.interceptors or []):
                if iid not in entry.interceptors:
                    raise located.error(
                        (*loc, "doctrine", cls, "interceptors", k),
                        f"{unit.system} has no interceptor '{iid}' "
                        f"(has: {', '.join(entry.interceptors)})",
                    )
    if body.terrain is not None:
        base = Path(located.file).parent
        suffixes = {Path(f).suffix.lower() for f in body.terrain.files}
        if not (suffixes <= {".hgt"} or (suffixes <= {".tif", ".tiff"} and len(body.terrain.files) == 1)):
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
                (*loc, "system"), f"unknown sensor '{sensor.system}' (catalogue: {known})"
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
                f"unknown network '{sensor.network}' (declared: {', '.join(network_names) or 'none'})",
            )
    for i, flight in enumerate(body.flights):
        loc = ("flights", i)
        plane = cat.entries.get(flight.aircraft)
        if not isinstance(plane, Aircraft):
            known = ", ".join(cat.ids("aircraft")) or "none"
            raise located.error(
                (*loc, "aircraft"), f"unknown aircraft '{flight.aircraft}' (catalogue: {known})"
            )
    for i, raid in enumerate(body.raids):
        loc = ("raids", i)
        threat = cat.entries.get(raid.threat)
        if not isinstance(threat, ThreatSystem):
            if isinstance(threat, Aircraft):
                msg = f"'{raid.threat}' is an aircraft, not a threat"
            else:
                msg = f"unknown threat '{raid.threat}' (catalogue: {', '.join(cat.ids('threat'))})"
            raise located.error((*loc, "threat"), msg)
        if raid.target not in asset_names:
            raise located.error(
                (*loc, "target"),
                f"unknown asset '{raid.target}' (assets: {', '.join(asset_names)})",
            )
        if raid.waypoints and threat.is_ballistic:
            raise located.error((*loc, "waypoints"), "ballistic threats fly no waypoints")
        asset = body.assets[asset_names.index(raid.target)]
        legs = [raid.launch_area, *raid.waypoints, asset.position]
        path_m = sum(
            float(great_circle_distance_m(a.lat, a.lon, b.lat, b.lon))
            for a, b in itertools.pairwise(legs)
        )
        far_m = path_m + raid.launch_area.radius
        near_m = path_m - raid.launch_area.radius
        if far_m > threat.max_range.value:
            raise located.error(
                (*loc, "target"),
                f"{raid.target} is up to {far_m / 1000:.0f} km from the launch area, beyond the "
                f"{threat.max_range.value / 1000:.0f} km range of {raid.threat}",
            )
        if not threat.is_ballistic:
            assert threat.cruise_speed is not None
            speed = threat.cruise_speed.value
            first = raid.launch_window.start + max(near_m, 0.0) / speed
            last = raid.launch_window.end + far_m / speed
            if first < 0.0:
                raise located.error(
                    (*loc, "launch_window", "start"),
                    f"at {speed * 3.6:.0f} km/h some {raid.threat} could arrive {-first:.0f} s before the "
                    f"simulation starts (t = 0); launch them later",
                )
            if last > body.duration:
                raise located.error(
                    (*loc, "launch_window", "end"),
                    f"at {speed * 3.6:.0f} km/h some {raid.threat} could arrive at t = {last:.0f} s, after the "
                    f"simulation ends ({body.duration:.0f} s); launch them earlier or lengthen `duration`",
                )
        if near_m < threat.min_range.value:
            raise located.error(
                (*loc, "target"),
                f"{raid.target} is as close as {near_m / 1000:.0f} km to the launch area, inside the "
                f"{threat.min_range.value / 1000:.0f} km minimum range of {raid.threat}",
            )

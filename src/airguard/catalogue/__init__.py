"""The system catalogue: radars, interceptors, launchers, threats and aircraft.

Each system is one YAML file (shipped in ``airguard/catalogue/data``) with its
public sources; loading validates every figure and its units.  Users may add
their own directories of files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter

from airguard._yamlio import LocatedData, load_yaml, validate
from airguard.catalogue.figures import Figure
from airguard.catalogue.models import (
    THREAT_CLASSES,
    Aircraft,
    Composition,
    DefenceSystem,
    DoctrineRule,
    InterceptorSpec,
    Jammer,
    LauncherSpec,
    RadarSpec,
    SensorSystem,
    Source,
    ThreatClass,
    ThreatSystem,
)
from airguard.errors import InputError

__all__ = [
    "THREAT_CLASSES",
    "Aircraft",
    "Catalogue",
    "Composition",
    "DefenceSystem",
    "DoctrineRule",
    "Figure",
    "InterceptorSpec",
    "Jammer",
    "LauncherSpec",
    "RadarSpec",
    "SensorSystem",
    "Source",
    "ThreatClass",
    "ThreatSystem",
    "default_catalogue",
    "load_catalogue",
]

Entry = DefenceSystem | ThreatSystem | Aircraft | SensorSystem | Jammer


@dataclass
class Catalogue:
    """All catalogue entries, by id, with the file each came from."""

    entries: dict[str, Entry] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def ids(
        self, kind: Literal["defence", "threat", "aircraft", "sensor", "jammer"] | None = None
    ) -> list[str]:
        return sorted(k for k, e in self.entries.items() if kind is None or e.kind == kind)

    def defence(self, entry_id: str) -> DefenceSystem:
        entry = self.entries.get(entry_id)
        if not isinstance(entry, DefenceSystem):
            raise KeyError(entry_id)
        return entry

    def threat(self, entry_id: str) -> ThreatSystem | Aircraft:
        entry = self.entries.get(entry_id)
        if not isinstance(entry, (ThreatSystem, Aircraft)):
            raise KeyError(entry_id)
        return entry

    def interceptor(self, interceptor_id: str) -> tuple[DefenceSystem, InterceptorSpec]:
        for entry in self.entries.values():
            if isinstance(entry, DefenceSystem) and interceptor_id in entry.interceptors:
                return entry, entry.interceptors[interceptor_id]
        raise KeyError(interceptor_id)


_ADAPTER: TypeAdapter[Entry] | None = None


def _adapter() -> TypeAdapter[Entry]:
    global _ADAPTER
    if _ADAPTER is None:
        from typing import Annotated

        from pydantic import Field

        _ADAPTER = TypeAdapter(Annotated[Entry, Field(discriminator="kind")])
    return _ADAPTER


def load_entry(path: str | Path, text: str | None = None) -> Entry:
    """Load and validate one catalogue file."""
    located = load_yaml(path, text)
    return _validate_entry(located, Path(path).stem)


def _validate_entry(located: LocatedData, stem: str) -> Entry:
    data = located.data
    kind = data.get("kind")
    if kind not in ("defence", "threat", "aircraft", "sensor", "jammer"):
        raise located.error(
            ("kind",), f"expected one of defence, threat, aircraft, sensor, jammer, got {kind!r}"
        )
    sources = data.get("sources")
    context = {"sources": set(sources) if isinstance(sources, dict) else set()}
    models: dict[str, type[Entry]] = {
        "defence": DefenceSystem,
        "threat": ThreatSystem,
        "aircraft": Aircraft,
        "sensor": SensorSystem,
        "jammer": Jammer,
    }
    model = models[kind]
    entry = validate(model, located, context)
    if isinstance(entry, DefenceSystem):
        for loc, message in entry.reference_errors():
            raise located.error(loc, message)
    if entry.id != stem:
        raise located.error(("id",), f"id '{entry.id}' must equal the file name '{stem}'")
    return entry


def load_catalogue(directories: Iterable[str | Path] = ()) -> Catalogue:
    """Load the shipped catalogue plus any extra directories of YAML files.

    Raises
    ------
    InputError
        Naming the file, line and field of the first invalid figure, or a
        duplicated id.
    """
    cat = Catalogue()
    paths: list[Path] = []
    data_dir = resources.files("airguard.catalogue") / "data"
    paths.extend(sorted(Path(str(data_dir)).glob("*.yaml")))
    for d in directories:
        paths.extend(sorted(Path(d).glob("*.yaml")))
    component_owner: dict[str, str] = {}
    for path in paths:
        entry = load_entry(path)
        if entry.id in cat.entries:
            raise InputError(
                f"id '{entry.id}' is already defined in {cat.files[entry.id]}",
                file=path,
                line=load_yaml(path).lines.get(("id",)),
                field="id",
            )
        if isinstance(entry, DefenceSystem):
            for group in ("radars", "interceptors", "launchers"):
                for cid in getattr(entry, group):
                    if cid in component_owner or cid in cat.entries:
                        raise InputError(
                            f"component id '{cid}' is already used by {component_owner.get(cid, cid)}",
                            file=path,
                            field=f"{group}.{cid}",
                        )
                    component_owner[cid] = entry.id
        cat.entries[entry.id] = entry
        cat.files[entry.id] = str(path)
    return cat


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()

"""The system catalogue: what ships, the provenance of its figures, and bad catalogue files.

Catalogue files are loaded and validated like scenarios: a bad file gives one
InputError naming the file, the line and the field path.  The bad files here
are shipped files copied to a temporary directory and broken in one place;
expected lines are found in the broken text, so that editing the shipped
figures does not break these tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from pydantic import BaseModel

from airguard.catalogue import (
    Aircraft,
    Catalogue,
    DefenceSystem,
    Figure,
    ThreatSystem,
    default_catalogue,
    load_catalogue,
    load_entry,
)
from airguard.errors import InputError

DATA_DIR = Path(str(resources.files("airguard.catalogue") / "data"))


def _figures(obj: object, path: str = "") -> Iterator[tuple[str, Figure]]:
    """Every Figure inside a catalogue entry, with its dotted path."""
    if isinstance(obj, Figure):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _figures(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _figures(value, f"{path}.{key}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            yield from _figures(value, f"{path}[{i}]")


# --- what ships ---------------------------------------------------------------------


def test_shipped_catalogue_loads() -> None:
    cat = default_catalogue()
    assert isinstance(cat, Catalogue)
    assert len(cat.entries) == len(list(DATA_DIR.glob("*.yaml")))


def test_default_catalogue_is_loaded_once() -> None:
    assert default_catalogue() is default_catalogue()


@pytest.mark.parametrize(
    ("group", "component"),
    [
        ("radars", "an-mpq-65"),
        ("interceptors", "pac-2-gem-t"),
        ("interceptors", "pac-3-mse"),
        ("launchers", "m903"),
    ],
)
def test_patriot_has_its_components(group: str, component: str) -> None:
    assert component in getattr(default_catalogue().defence("patriot"), group)


@pytest.mark.parametrize(
    ("group", "component"),
    [
        ("radars", "radar-91n6e"),
        ("radars", "radar-92n6e"),
        ("interceptors", "missile-48n6e3"),
        ("interceptors", "missile-40n6e"),
        ("interceptors", "missile-9m96e2"),
    ],
)
def test_s400_has_its_components(group: str, component: str) -> None:
    assert component in getattr(default_catalogue().defence("s-400"), group)


@pytest.mark.parametrize(
    "threat", ["scud-b", "iskander-m", "fateh-110", "tomahawk", "kh-101", "shahed-136"]
)
def test_required_threat_is_shipped(threat: str) -> None:
    assert isinstance(default_catalogue()[threat], ThreatSystem)


@pytest.mark.parametrize("aircraft", ["f-16", "f-35"])
def test_required_aircraft_is_shipped(aircraft: str) -> None:
    assert isinstance(default_catalogue()[aircraft], Aircraft)


def test_every_figure_has_a_listed_source_or_a_notional_reason() -> None:
    unsourced = []
    checked = 0
    for entry in default_catalogue():
        for path, fig in _figures(entry):
            checked += 1
            for level in ("low", "nominal", "high"):
                lvl = getattr(fig, level)
                sourced = lvl.source is not None and lvl.source in entry.sources
                reasoned = lvl.notional is not None and lvl.notional.strip() != ""
                if not (sourced or reasoned):
                    unsourced.append(f"{entry.id}: {path}.{level}")
    assert checked > 200  # the walk reached the figures nested in components
    assert unsourced == []


def test_every_single_shot_pk_is_notional() -> None:
    """No open source publishes a kill probability; every Pk must say it was assumed."""
    sourced = [
        f"{entry.id}: interceptors.{iid}.single_shot_pk.{cls}.{level}"
        for entry in default_catalogue()
        if isinstance(entry, DefenceSystem)
        for iid, spec in entry.interceptors.items()
        for cls, pk in spec.single_shot_pk.items()
        for level in ("low", "nominal", "high")
        if getattr(pk, level).notional is None
    ]
    assert sourced == []


def test_every_interceptor_has_a_pk_for_every_threat_class() -> None:
    missing = [
        f"{entry.id}: {iid}"
        for entry in default_catalogue()
        if isinstance(entry, DefenceSystem)
        for iid, spec in entry.interceptors.items()
        if set(spec.single_shot_pk) != {"ballistic", "cruise", "drone", "aircraft"}
    ]
    assert missing == []


def test_contested_figures_are_ordered_low_nominal_high() -> None:
    disordered = [
        f"{entry.id}: {path}"
        for entry in default_catalogue()
        for path, fig in _figures(entry)
        if fig.contested and not fig.low.value_si <= fig.nominal.value_si <= fig.high.value_si
    ]
    assert disordered == []


def test_a_component_id_finds_its_system() -> None:
    system, spec = default_catalogue().interceptor("pac-3-mse")
    assert system.id == "patriot"
    assert spec.name.startswith("PAC-3")


# --- bad catalogue files ------------------------------------------------------------


def _line_of(text: str, needle: str) -> int:
    """1-based line of the one line of `text` that contains `needle`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, f"{needle!r} must occur on exactly one line"
    return lines[0]


def _broken(tmp_path: Path, entry_id: str, old: str, new: str, *, stem: str = "") -> Path:
    """Copy the shipped `entry_id` file into tmp_path with `old` replaced by `new` once."""
    text = (DATA_DIR / f"{entry_id}.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {entry_id}.yaml"
    path = tmp_path / f"{stem or entry_id}.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _entry_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_entry(path)
    return info.value


def test_shipped_file_copied_unchanged_loads(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "id: scud-b", "id: scud-b")
    assert load_entry(path).id == "scud-b"


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "country: ", "colour: red\ncountry: ")
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "colour")
    assert err.line == _line_of(path.read_text(), "colour: red")
    assert "unknown field" in err.message


def test_unknown_nested_key_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "patriot", "    name: M903\n", "    name: M903\n    colour: green\n")
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "launchers.m903.colour")
    assert err.line == _line_of(path.read_text(), "colour: green")


def test_unknown_key_inside_a_figure_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "cep: {value: 450 m, source:", "cep: {value: 450 m, sauce:")
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "cep")
    assert err.line == _line_of(path.read_text(), "cep:")
    assert "unknown key(s) ['sauce']" in err.message


def test_figure_without_a_unit_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "cep: {value: 450 m,", "cep: {value: 450,")
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "cep")
    assert err.line == _line_of(path.read_text(), "cep:")
    assert "missing unit: expected a length" in err.message


def test_figure_with_a_wrong_unit_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "burn_time: {value: 62 s,", "burn_time: {value: 62 kg,")
    err = _entry_error(path)
    assert (err.field, err.line) == ("burn_time", _line_of(path.read_text(), "burn_time:"))
    assert "expected a time" in err.message


def test_source_key_must_be_listed_in_sources(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "scud-b",
        "cep: {value: 450 m, source: sputnik-brasil-2017}",
        "cep: {value: 450 m, source: sputnik-2017}",
    )
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "cep")
    assert err.line == _line_of(path.read_text(), "cep:")
    assert "source 'sputnik-2017' is not a key of this file's `sources`" in err.message
    assert "sputnik-brasil-2017" in err.message  # the known keys are listed


def test_figure_needs_a_source_or_a_notional_reason(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "scud-b",
        "cep: {value: 450 m, source: sputnik-brasil-2017}",
        "cep: {value: 450 m}",
    )
    err = _entry_error(path)
    assert err.field == "cep"
    assert "exactly one of 'source'" in err.message


def test_contested_figure_with_low_above_nominal_is_refused(tmp_path: Path) -> None:
    """Scud-B max_range is 280/300/340 km; a low of 320 km is above the nominal."""
    path = _broken(tmp_path, "scud-b", "low: {value: 280 km", "low: {value: 320 km")
    err = _entry_error(path)
    assert (err.file, err.field) == (str(path), "max_range")
    assert err.line == _line_of(path.read_text(), "max_range:")
    assert err.message == "expected low <= nominal <= high"


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "id: scud-b", "id: scud-b", stem="scud-c")
    err = _entry_error(path)
    assert (err.file, err.line, err.field) == (str(path), 1, "id")
    assert err.message == "id 'scud-b' must equal the file name 'scud-c'"


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "kind: threat", "kind: rocket")
    err = _entry_error(path)
    assert (err.field, err.line) == ("kind", _line_of(path.read_text(), "kind: rocket"))
    assert "expected one of defence, threat, aircraft, sensor, jammer, got 'rocket'" in err.message


DOCTRINE_OLD = "ballistic: {interceptors: [pac-3-mse, pac-2-gem-t]"
DOCTRINE_NEW = "ballistic: {interceptors: [pac-3-mse, thaad]"


def test_doctrine_naming_an_unknown_interceptor_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "patriot", DOCTRINE_OLD, DOCTRINE_NEW)
    err = _entry_error(path)
    assert err.file == str(path)
    assert "composition.doctrine.ballistic: unknown interceptor 'thaad'" in err.message


def test_doctrine_naming_an_unknown_interceptor_points_at_the_doctrine(tmp_path: Path) -> None:
    path = _broken(tmp_path, "patriot", DOCTRINE_OLD, DOCTRINE_NEW)
    err = _entry_error(path)
    assert err.field is not None
    assert err.field.startswith("composition.doctrine.ballistic")
    assert err.line == _line_of(path.read_text(), "thaad")


def test_broken_yaml_in_a_catalogue_file_is_an_input_error(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "cep: {value: 450 m,", "cep: [value: 450 m,")
    err = _entry_error(path)
    assert err.file == str(path)
    assert err.line is not None
    assert err.message.startswith("invalid YAML: ")


def test_empty_catalogue_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    err = _entry_error(path)
    assert err.file == str(path)
    assert "the file is empty" in err.message


# --- user directories ---------------------------------------------------------------


def test_user_directory_adds_its_entries(tmp_path: Path) -> None:
    _broken(tmp_path, "scud-b", "id: scud-b", "id: scud-c", stem="scud-c")
    cat = load_catalogue([tmp_path])
    assert isinstance(cat["scud-c"], ThreatSystem)
    assert cat.files["scud-c"] == str(tmp_path / "scud-c.yaml")


def test_bad_file_in_a_user_directory_stops_the_load(tmp_path: Path) -> None:
    path = _broken(tmp_path, "scud-b", "id: scud-b", "id: scud-c", stem="scud-d")
    with pytest.raises(InputError) as info:
        load_catalogue([tmp_path])
    assert (info.value.file, info.value.field) == (str(path), "id")


def test_id_defined_twice_across_directories_is_refused(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "scud-b.yaml", tmp_path / "scud-b.yaml")
    with pytest.raises(InputError) as info:
        load_catalogue([tmp_path])
    err = info.value
    assert (err.file, err.field) == (str(tmp_path / "scud-b.yaml"), "id")
    assert err.message == f"id 'scud-b' is already defined in {DATA_DIR / 'scud-b.yaml'}"


def test_id_defined_twice_in_two_user_directories_names_the_second(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for d in (first, second):
        d.mkdir()
        _broken(d, "scud-b", "id: scud-b", "id: scud-c", stem="scud-c")
    with pytest.raises(InputError) as info:
        load_catalogue([first, second])
    assert (info.value.file, info.value.field) == (str(second / "scud-c.yaml"), "id")
    assert str(first / "scud-c.yaml") in info.value.message


def test_id_defined_twice_points_at_the_id_line(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / "scud-b.yaml", tmp_path / "scud-b.yaml")
    with pytest.raises(InputError) as info:
        load_catalogue([tmp_path])
    assert info.value.line == 1


def test_component_id_used_by_two_systems_is_refused(tmp_path: Path) -> None:
    path = _broken(tmp_path, "patriot", "id: patriot", "id: patriot-b", stem="patriot-b")
    with pytest.raises(InputError) as info:
        load_catalogue([tmp_path])
    err = info.value
    assert (err.file, err.field) == (str(path), "radars.an-mpq-65")
    assert err.message == "component id 'an-mpq-65' is already used by patriot"

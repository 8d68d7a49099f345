"""Bad scenario input gives one InputError naming the file, the line and the field path.

Each case breaks one thing in `VALID`, a small scenario that loads, and checks
that the error points at the line of the offending key or value and says what
would be right.  Line numbers below are those of the edited text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import compile_world

# Line numbers, for reading the cases below.
#  1 name  2 duration  3 seed  4 assets  5-7 Base  8-12 Port (block-style position)
#  13 units  14-17 Battery  18 raids  19-24 Scuds (about 188 km from Base)
VALID = """\
name: Test scenario
duration: 20 min
seed: 1
assets:
  - name: Base
    position: {lat: 37.0, lon: 35.4, alt: 60 m}
    radius: 1.5 km
  - name: Port
    position:
      lat: 36.8
      lon: 34.6
    radius: 2 km
units:
  - name: Battery
    system: patriot
    position: {lat: 37.05, lon: 35.55, alt: 60 m}
    heading: 110 deg
raids:
  - name: Scuds
    threat: scud-b
    count: 4
    launch_area: {lat: 36.35, lon: 37.35, alt: 400 m, radius: 20 km}
    launch_window: {start: 0 s, end: 60 s}
    target: Base
"""

# Appended to VALID: lines 25-32.
VARIANTS = """\
variants:
  patriot: {}
  s-400:
    units:
      - name: Battalion
        system: s-400
        position: {lat: 37.05, lon: 35.55}
        heading: 110 deg
"""


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once in the scenario text"
    return text.replace(old, new)


def _load_error(tmp_path: Path, text: str, **kwargs: str) -> tuple[InputError, Path]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path, **kwargs)
    return info.value, path


def test_valid_scenario_loads(tmp_path: Path) -> None:
    """The starting point of every case below is itself valid."""
    path = tmp_path / "scenario.yaml"
    path.write_text(VALID + VARIANTS, encoding="utf-8")
    assert [s.label for s in load_scenario(path)] == ["patriot", "s-400"]


def test_stop_reaches_the_world(tmp_path: Path) -> None:
    """`stop` defaults to ending a replication when nothing is left to engage."""
    path = tmp_path / "scenario.yaml"
    path.write_text(VALID, encoding="utf-8")
    (default,) = load_scenario(path)
    assert compile_world(default).stop_when_quiet
    path.write_text(_edit(VALID, "seed: 1\n", "seed: 1\nstop: at-duration\n"), encoding="utf-8")
    (full,) = load_scenario(path)
    assert not compile_world(full).stop_when_quiet


# (old, new, field, line, what the message says)
# fmt: off
FIELD_CASES = [
    pytest.param(
        "seed: 1\n", "seed: 1\nstop: never\n", "stop", 4, "when-quiet",
        id="stop-not-a-choice",
    ),
    pytest.param(
        "seed: 1\n", "seed: 1\nsede: 2\n", "sede", 4, "unknown field",
        id="unknown-key-top-level",
    ),
    pytest.param(
        "    radius: 1.5 km\n", "    radius: 1.5 km\n    vlaue: 3\n", "assets[0].vlaue", 8,
        "unknown field", id="unknown-key-nested",
    ),
    pytest.param(
        "      lon: 34.6\n", "      lon: 34.6\n      altitude: 20 m\n",
        "assets[1].position.altitude", 12, "unknown field", id="unknown-key-in-position",
    ),
    pytest.param(
        "duration: 20 min", "duration: 20 kg", "duration", 2, "expected a time",
        id="wrong-unit",
    ),
    pytest.param(
        "radius: 2 km", "radius: 1500", "assets[1].radius", 12, "missing unit",
        id="missing-unit",
    ),
    pytest.param(
        "radius: 2 km", "radius: '1500'", "assets[1].radius", 12, "missing unit",
        id="missing-unit-quoted-number",
    ),
    pytest.param(
        "    radius: 2 km\n", "", "assets[1].radius", 8, "required field is missing",
        id="missing-field",
    ),
    pytest.param(
        "    count: 4\n", "", "raids[0].count", 19, "required field is missing",
        id="missing-field-in-raid",
    ),
    pytest.param(
        "system: patriot", "system: thaad", "units[0].system", 15,
        "unknown defence system 'thaad' (catalogue: patriot, s-400)",
        id="unknown-system",
    ),
    pytest.param(
        "system: patriot", "system: scud-b", "units[0].system", 15,
        "unknown defence system 'scud-b'", id="threat-used-as-system",
    ),
    pytest.param(
        "threat: scud-b", "threat: scud-c", "raids[0].threat", 20,
        "unknown threat 'scud-c' (catalogue: agm-88, fateh-110, iskander-m, kh-101, kh-31p, "
        "scud-b, shahed-136, tomahawk)",
        id="unknown-threat",
    ),
    pytest.param(
        "threat: scud-b", "threat: f-16", "raids[0].threat", 20,
        "'f-16' is an aircraft, not a threat", id="aircraft-as-threat",
    ),
    pytest.param(
        "target: Base", "target: Bsae", "raids[0].target", 24,
        "unknown asset 'Bsae' (assets: Base, Port)", id="unknown-target",
    ),
    pytest.param(
        "lat: 36.8", "lat: 95", "assets[1].position.lat", 10,
        "less than or equal to 90", id="latitude-95",
    ),
    pytest.param(
        "lon: 34.6", "lon: 200", "assets[1].position.lon", 11,
        "less than or equal to 180", id="longitude-200",
    ),
    pytest.param(
        "{lat: 37.0, lon: 35.4,", "{lat: -91, lon: 35.4,", "assets[0].position.lat", 6,
        "greater than or equal to -90", id="latitude-minus-91-flow-style",
    ),
    pytest.param(
        "seed: 1\n", "seed: 1\nduration: 30 min\n", "duration", 4, "duplicate key 'duration'",
        id="duplicate-key",
    ),
    pytest.param(
        "name: Port", "name: Base", "assets[1].name", 8, "duplicate asset name 'Base'",
        id="duplicate-asset-name",
    ),
    pytest.param(
        "launch_area: {lat: 36.35, lon: 37.35,", "launch_area: {lat: 34.0, lon: 38.5,",
        "raids[0].target", 24, "beyond the 300 km range of scud-b",
        id="raid-beyond-threat-range",
    ),
    pytest.param(
        "launch_window: {start: 0 s, end: 60 s}", "launch_window: {start: 60 s, end: 0 s}",
        "raids[0].launch_window", 23, "end is before start",
        id="launch-window-reversed",
    ),
    pytest.param(
        "count: 4", "count: -3", "raids[0].count", 21, "greater than or equal to 1, got -3",
        id="negative-count",
    ),
]
# fmt: on


@pytest.mark.parametrize(("old", "new", "field", "line", "says"), FIELD_CASES)
def test_bad_field_is_named_with_its_file_and_line(
    tmp_path: Path, old: str, new: str, field: str, line: int, says: str
) -> None:
    err, path = _load_error(tmp_path, _edit(VALID, old, new))
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert says in err.message


def test_message_reads_file_line_field_then_problem(tmp_path: Path) -> None:
    err, path = _load_error(tmp_path, _edit(VALID, "system: patriot", "system: thaad"))
    assert str(err).startswith(f"{path} line 15: units[0].system: unknown defence system")
    assert "\n" not in str(err)


def test_wrong_unit_says_what_unit_was_given(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, _edit(VALID, "duration: 20 min", "duration: 20 kg"))
    assert err.message == "wrong unit: expected a time such as '30 s', got '20 kg' (a [mass])"


def test_missing_unit_gives_an_example_of_the_right_form(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, _edit(VALID, "radius: 2 km", "radius: 1500"))
    assert err.message == (
        "missing unit: expected a length with a unit such as '160 km', got the bare number 1500"
    )


def test_misspelt_required_key_is_reported_as_unknown(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, _edit(VALID, "    position:\n", "    positon:\n"))
    assert (err.line, err.field) == (9, "assets[1].positon")
    assert "unknown field" in err.message


def test_drone_raid_arriving_before_t0_is_refused(tmp_path: Path) -> None:
    """Shahed-136s at 185 km/h cover the 168-208 km in 55-68 min: launched 83 min early, some
    would land before the simulation starts."""
    text = _edit(VALID, "threat: scud-b", "threat: shahed-136")
    text = _edit(text, "{start: 0 s, end: 60 s}", "{start: -5000 s, end: -4000 s}")
    err, path = _load_error(tmp_path, text)
    assert (err.file, err.line, err.field) == (str(path), 23, "raids[0].launch_window.start")
    assert "before the simulation starts (t = 0); launch them later" in err.message


def test_drone_raid_arriving_after_the_end_is_refused(tmp_path: Path) -> None:
    text = _edit(VALID, "threat: scud-b", "threat: shahed-136")
    err, path = _load_error(tmp_path, text)
    assert (err.file, err.line, err.field) == (str(path), 23, "raids[0].launch_window.end")
    assert "lengthen `duration`" in err.message


# --- whole-file problems ------------------------------------------------------------


def test_unclosed_bracket_is_invalid_yaml_at_the_line_where_parsing_stopped(
    tmp_path: Path,
) -> None:
    """The flow mapping opened on line 6 is still open when `radius:` arrives on line 7."""
    text = _edit(VALID, "alt: 60 m}\n    radius: 1.5 km", "alt: 60 m\n    radius: 1.5 km")
    err, path = _load_error(tmp_path, text)
    assert (err.file, err.line, err.field) == (str(path), 7, None)
    assert err.message.startswith("invalid YAML: ")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    err, path = _load_error(tmp_path, "")
    assert err.file == str(path)
    assert err.message == "the file is empty; expected a YAML mapping of fields"


def test_file_of_only_comments_is_empty(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, "# nothing here yet\n")
    assert "the file is empty" in err.message


def test_top_level_list_is_refused(tmp_path: Path) -> None:
    err, path = _load_error(tmp_path, "- name: Base\n- name: Port\n")
    assert (err.file, err.line) == (str(path), 1)
    assert err.message == "expected a YAML mapping of fields at the top, got a list"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nosuch.yaml"
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.file == str(path)
    assert info.value.message == "no such file"


# --- variants -----------------------------------------------------------------------


def test_unknown_variant_lists_the_variants(tmp_path: Path) -> None:
    err, path = _load_error(tmp_path, VALID + VARIANTS, variant="s-300")
    assert (err.file, err.field) == (str(path), "variants")
    assert err.message == "no variant 's-300' (variants: patriot, s-400); did you mean 's-400'?"


def test_unknown_variant_points_at_the_variants_line(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, VALID + VARIANTS, variant="s-300")
    assert err.line == 25


def test_error_in_a_variants_units_points_at_the_line_in_the_variant(tmp_path: Path) -> None:
    err, path = _load_error(tmp_path, _edit(VALID + VARIANTS, "system: s-400", "system: s-500"))
    assert (err.file, err.line) == (str(path), 30)
    assert "unknown defence system 's-500'" in err.message


def test_variant_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    text = VALID + "variants:\n  s-400: [patriot]\n"
    err, path = _load_error(tmp_path, text)
    assert (err.file, err.line, err.field) == (str(path), 26, "variants.s-400")


def test_unknown_key_in_a_variant_points_at_its_line(tmp_path: Path) -> None:
    text = VALID + "variants:\n  s-400:\n    unitz: []\n"
    err, path = _load_error(tmp_path, text)
    assert (err.file, err.line) == (str(path), 27)
    assert "unknown field" in err.message


def test_error_in_a_variants_units_names_the_variant_in_the_field_path(tmp_path: Path) -> None:
    err, _ = _load_error(tmp_path, _edit(VALID + VARIANTS, "system: s-400", "system: s-500"))
    assert err.field == "variants.s-400.units[0].system"


@pytest.mark.parametrize(
    ("removed", "field"),
    [
        pytest.param("        heading: 110 deg\n", "units[0].heading", id="missing-heading"),
        pytest.param(
            "        position: {lat: 37.05, lon: 35.55}\n",
            "units[0].position",
            id="missing-position",
        ),
    ],
)
def test_field_missing_from_a_variants_unit_points_into_the_variant(
    tmp_path: Path, removed: str, field: str
) -> None:
    """Line 29 is where the variant's unit begins; lines 14-17 are the default unit's."""
    err, _ = _load_error(tmp_path, _edit(VALID + VARIANTS, removed, ""))
    assert err.field is not None
    assert err.field.endswith(field)
    assert err.line == 29

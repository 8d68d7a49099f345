"""Catalogue figures: a number with its public source, or a contested range.

A figure in a catalogue file is one of::

    frequency: {value: 5.5 GHz, source: fas-patriot}
    scan_period: {value: 1 s, notional: "no public figure; ..."}
    max_range:
      low: {value: 150 km, source: foi-2019}
      nominal: {value: 250 km, source: almaz-brochure}
      high: {value: 400 km, source: almaz-40n6}

and is read into a :class:`Figure` holding low, nominal and high in SI.  A
single value has low = nominal = high.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo

from airguard.units import Dimension, UnitError, parse_quantity

__all__ = ["Figure", "FigureLevel", "FigureSpec", "figure"]

LEVELS = ("low", "nominal", "high")


@dataclass(frozen=True, slots=True)
class FigureLevel:
    """One value of a figure in SI, with its source key or notional reasoning, and the value
    as the file wrote it (``"420 km"``; None for a figure set in code), for display only: it
    takes no part in comparisons."""

    value_si: float
    source: str | None
    notional: str | None
    written: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Figure:
    """A catalogue number in SI: low, nominal and high with their provenance."""

    low: FigureLevel
    nominal: FigureLevel
    high: FigureLevel

    @property
    def value(self) -> float:
        """The nominal value in SI."""
        return self.nominal.value_si

    @property
    def contested(self) -> bool:
        """True when public sources give different values (low < high)."""
        return self.low.value_si != self.high.value_si

    @property
    def notional(self) -> bool:
        """True when the nominal value has no public source."""
        return self.nominal.notional is not None

    def level(self, name: str) -> float:
        """The value of level ``'low'``, ``'nominal'`` or ``'high'`` in SI."""
        return float(getattr(self, name).value_si)

    @classmethod
    def exact(cls, value_si: float, source: str | None = None) -> Figure:
        lvl = FigureLevel(value_si, source, None if source else "set in code")
        return cls(lvl, lvl, lvl)


def _parse_level(
    raw: Any, dim: Dimension | None, integer: bool, sources: set[str] | None
) -> FigureLevel:
    if not isinstance(raw, dict):
        raise ValueError(
            "expected {value: ..., source: <key>} or {value: ..., notional: <reason>}, "
            f"got {raw!r}"
        )
    unknown = set(raw) - {"value", "source", "notional"}
    if unknown:
        raise ValueError(
            f"unknown key(s) {sorted(unknown)}; a figure has value and source or notional"
        )
    if "value" not in raw:
        raise ValueError("a figure needs a 'value'")
    source, notional = raw.get("source"), raw.get("notional")
    if (source is None) == (notional is None):
        raise ValueError(
            "a figure needs exactly one of 'source' (a key of `sources`) or 'notional' (a reason)"
        )
    if source is not None:
        if not isinstance(source, str):
            raise ValueError(f"source must be a key of `sources`, got {source!r}")
        if sources is not None and source not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise ValueError(
                f"source '{source}' is not a key of this file's `sources` (known: {known})"
            )
    if notional is not None and (not isinstance(notional, str) or not notional.strip()):
        raise ValueError("notional must be a one-line reason why the value was chosen")
    value = raw["value"]
    if dim is None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a plain number, got {value!r}")
        if integer and float(value) != int(value):
            raise ValueError(f"expected a whole number, got {value!r}")
        value_si = float(value)
    else:
        try:
            value_si = parse_quantity(value, dim)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
    return FigureLevel(value_si, source, notional, written=str(value).strip())


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """Pydantic metadata of a figure field: its dimension and bounds.

    Used as ``Annotated[Figure, FigureSpec(Dimension.LENGTH, minimum=0.0)]``.
    """

    dim: Dimension | None = None
    integer: bool = False
    minimum: float | None = None

    def validate(self, raw: Any, info: ValidationInfo) -> Figure:
        if isinstance(raw, Figure):
            return raw
        ctx = info.context or {}
        sources = ctx.get("sources")
        dim, integer, minimum = self.dim, self.integer, self.minimum
        if isinstance(raw, dict) and set(raw) & set(LEVELS):
            missing = [lv for lv in LEVELS if lv not in raw]
            extra = set(raw) - set(LEVELS)
            if missing or extra:
                raise ValueError("a contested figure needs exactly low, nominal and high")
            levels = []
            for lv in LEVELS:
                try:
                    levels.append(_parse_level(raw[lv], dim, integer, sources))
                except ValueError as exc:
                    raise ValueError(f"{lv}: {exc}") from None
            fig = Figure(*levels)
            if not (fig.low.value_si <= fig.nominal.value_si <= fig.high.value_si):
                raise ValueError("expected low <= nominal <= high")
        else:
            lvl = _parse_level(raw, dim, integer, sources)
            fig = Figure(lvl, lvl, lvl)
        if minimum is not None and fig.low.value_si < minimum:
            raise ValueError(
                f"expected a value of at least {minimum:g} (SI), got {fig.low.value_si:g}"
            )
        return fig

    def exact(self, value: Any, notional: str) -> Figure:
        """A figure with one value (e.g. ``"60 km"``), checked like a catalogue entry's.

        Raises
        ------
        ValueError
            For a wrong unit or a value below the field's minimum.
        """
        lvl = _parse_level({"value": value, "notional": notional}, self.dim, self.integer, None)
        if self.minimum is not None and lvl.value_si < self.minimum:
            raise ValueError(f"expected at least {self.minimum:g} (SI), got {lvl.value_si:g}")
        return Figure(lvl, lvl, lvl)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        from pydantic_core import core_schema

        return core_schema.with_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(_serialise),
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        return _schema(self.dim)


def _schema(dim: Dimension | None) -> dict[str, Any]:
    value: dict[str, Any] = (
        {"type": "number"}
        if dim is None
        else {"type": "string", "description": f"{dim.label} with a unit"}
    )
    level = {
        "type": "object",
        "properties": {
            "value": value,
            "source": {"type": "string"},
            "notional": {"type": "string"},
        },
        "required": ["value"],
        "additionalProperties": False,
    }
    return {
        "anyOf": [
            level,
            {
                "type": "object",
                "properties": {"low": level, "nominal": level, "high": level},
                "required": list(LEVELS),
                "additionalProperties": False,
            },
        ]
    }


def _serialise(fig: Figure) -> Any:
    if not fig.contested and fig.low == fig.high:
        return {
            "value_si": fig.nominal.value_si,
            "source": fig.nominal.source,
            "notional": fig.nominal.notional,
        }
    return {
        lv: {"value_si": getattr(fig, lv).value_si, "source": getattr(fig, lv).source}
        for lv in LEVELS
    }


def figure(
    dim: Dimension | None = None, *, integer: bool = False, minimum: float | None = None
) -> FigureSpec:
    """Metadata for a catalogue figure of dimension `dim` (None: a plain number)."""
    return FigureSpec(dim, integer, minimum)

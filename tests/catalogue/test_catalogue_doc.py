"""docs/catalogue.md lists every figure of every shipped catalogue file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "airguard" / "catalogue" / "data"


def _figure_paths(node: Any, prefix: str = "") -> list[str]:
    if isinstance(node, dict):
        if "value" in node or "low" in node:
            return [prefix]
        out = []
        for key, value in node.items():
            if key in ("sources", "doctrine"):
                continue
            out.extend(_figure_paths(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return []


@pytest.mark.parametrize("path", sorted(DATA.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_figure_has_a_row(path: Path) -> None:
    doc = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    section = doc.split(f"(`{path.name}`, kind", 1)
    assert len(section) == 2, f"docs/catalogue.md has no section for {path.name}"
    body = section[1].split("\n### ", 1)[0]
    rows = set(re.findall(r"^\| ([\w.\-]+) \|", body, flags=re.MULTILINE))
    figures = _figure_paths(yaml.safe_load(path.read_text(encoding="utf-8")))
    missing = [f for f in figures if f not in rows]
    assert not missing, f"docs/catalogue.md, {path.name}: no row for {missing}"

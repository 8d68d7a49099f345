"""docs/validation.md keeps one row per validation test, and no row without a test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tests_in_suite() -> set[str]:
    names = set()
    for path in (ROOT / "tests" / "validation").glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def _rows_in_doc() -> set[str]:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    # a parametrized test may have one row per case: `test_name[case]`
    return set(re.findall(r"^\| `(test_\w+)(?:\[[^]]*\])?`", text, flags=re.MULTILINE))


def test_every_validation_test_has_a_row():
    missing = sorted(_tests_in_suite() - _rows_in_doc())
    assert not missing, f"add rows to docs/validation.md for: {missing}"


def test_every_row_names_a_validation_test():
    stale = sorted(_rows_in_doc() - _tests_in_suite())
    assert not stale, f"docs/validation.md has rows for tests that do not exist: {stale}"

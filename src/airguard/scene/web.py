"""The web files airguard ships (``airguard/data/web``): the report's and the viewer's
scripts, styles and pages."""

from __future__ import annotations

from importlib import resources

__all__ = ["web_asset"]


def web_asset(name: str) -> str:
    """The text of one of airguard's shipped web files (``airguard/data/web/<name>``)."""
    return (resources.files("airguard") / "data" / "web" / name).read_text(encoding="utf-8")

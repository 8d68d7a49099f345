"""Safe pieces of the report's HTML: escaped text and script blocks that cannot end
their element early."""

from __future__ import annotations

import html
import json
from typing import Any

__all__ = ["esc", "inline_script", "json_script"]


def esc(value: Any) -> str:
    """`value` as HTML text, quotes escaped."""
    return html.escape(str(value), quote=True)


def json_script(element_id: str, data: Any) -> str:
    """A JSON data block that cannot end its <script> element early."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def inline_script(text: str) -> str:
    """JavaScript `text` in a <script> element it cannot end early."""
    return "<script>\n" + text.replace("</script", "<\\/script") + "\n</script>"

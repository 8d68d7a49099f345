"""MkDocs hook: Sphinx roles in the docstrings (``:func:`simulate```) shown as code.

The docstrings are numpy style with Sphinx cross-reference roles, which mkdocstrings
renders literally as ``:func:<code>simulate</code>``; this drops the role and keeps
the code (a leading ``~`` or ``.`` of a relative reference as well).
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:func|class|mod|data|meth|attr|exc|obj|const|ref):<code>[~.]*")


def on_page_content(html: str, **kwargs: Any) -> str:
    return _ROLE.sub("<code>", html)

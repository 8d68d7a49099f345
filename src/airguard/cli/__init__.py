"""The command line (``airguard``): :mod:`airguard.cli.main` holds the app and the
campaign commands; the calculators, tracking, coverage, exposure, placement and the
report, viewer and export commands each have a module of their own, imported lazily so
that ``airguard --help`` starts fast."""

from airguard.cli.main import app, main

__all__ = ["app", "main"]

"""The local web viewer: browse runs and play back replications on a map (``airguard serve``)."""

from airguard.viewer.server import Viewer, discover_runs, make_server, serve

__all__ = ["Viewer", "discover_runs", "make_server", "serve"]

"""Errors the index raises; callers catch :class:`Error` or a specific one."""

from __future__ import annotations


class Error(Exception):
    """Something went wrong with the search index."""


class IndexCorrupt(Error):
    """The index on disk cannot be read; the next update rebuilds it."""


class IndexBusy(Error):
    """Another process kept the index locked for longer than we were willing to wait."""

"""Where user data and caches live.

``ENCYCLOPEDIA_HOME=DIR`` puts everything under DIR (tests and scripts use it);
otherwise the platform's user data and cache folders are used. Nothing is ever
written into a content folder, which may be read-only.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

APP_NAME = "encyclopedia"


def _home() -> Path | None:
    home = os.environ.get("ENCYCLOPEDIA_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """Bookmarks and reading state."""
    home = _home()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Indexes and rendered pages: anything that can be rebuilt."""
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def library_key(root: Path) -> str:
    """A folder name for per-library caches, keyed by the library's location."""
    resolved = str(root.resolve())
    name = "".join(c if c.isalnum() else "-" for c in Path(resolved).name)[:40] or "root"
    encoded = resolved.encode()
    return f"{name}-{zlib.crc32(encoded):08x}{zlib.adler32(encoded):08x}"

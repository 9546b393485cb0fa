"""Choosing Qt's platform before QApplication, which aborts the process if it cannot load.

When Qt cannot load its platform plugin (say the xcb plugin, for X11, without a
system library it needs: ``libxcb-cursor0`` since Qt 6.5), QApplication's
constructor prints a few lines and aborts with SIGABRT: nothing to catch. So
the window asks first, in :func:`choose_platform`, without importing Qt:

- the reader's own ``QT_QPA_PLATFORM`` is left alone;
- a screenshot (and ``pdf``, which never needs a screen) falls back to the
  offscreen platform when there is no display or the plugin cannot load;
- a window raises :class:`PlatformUnavailable`, one line that names the
  missing library (and its Debian package), which the command line prints
  before exiting with code 2.

Only X11 through xcb is checked, on Linux: in a Wayland session Qt chooses its
own plugin. The check dlopens the plugin as Qt would, which finds a missing
library at once. Its success is remembered in the cache folder, keyed by the
plugin file, the system's library cache (``/etc/ld.so.cache``, rewritten
whenever a package adds or removes libraries) and ``LD_LIBRARY_PATH``: on the
usual start the check is two ``stat`` calls and reading a small file.

    >>> choose_platform(screenshot=False)   # raises PlatformUnavailable, or returns
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from content.places import cache_dir

STAMP = "qt-platform-loads"  # in the cache folder: the key of the last plugin that loaded
LIBRARY_CACHE = "/etc/ld.so.cache"
# dlopen's words for a library that is not there (compiled only when needed:
# compiling a pattern at import would cost the window's start most of a ms).
MISSING = r"(\S+\.so[.\d]*): cannot open shared object file"


class PlatformUnavailable(Exception):
    """Qt cannot show a window here; the message says why, in one line."""


def choose_platform(*, screenshot: bool) -> None:
    """Set ``QT_QPA_PLATFORM`` to offscreen where Qt would abort and no window is
    needed; raise :class:`PlatformUnavailable` where a window is needed and Qt
    would abort."""
    env = os.environ
    if env.get("QT_QPA_PLATFORM") or not sys.platform.startswith("linux"):
        return
    wayland = bool(env.get("WAYLAND_DISPLAY"))
    if not env.get("DISPLAY"):
        if wayland:
            return
        if screenshot:
            env["QT_QPA_PLATFORM"] = "offscreen"
            return
        raise PlatformUnavailable("cannot open a window: there is no display (DISPLAY is "
                                  "not set); --screenshot and pdf work without one")
    if wayland and env.get("XDG_SESSION_TYPE") == "wayland":
        return  # Qt may well choose Wayland's plugin here, not xcb
    problem = plugin_problem(xcb_plugin())
    if problem is None:
        return
    if screenshot:
        env["QT_QPA_PLATFORM"] = "offscreen"
        return
    raise PlatformUnavailable(f"cannot open a window: {problem}; --screenshot and pdf "
                              "work without it")


def xcb_plugin() -> Path:
    """The xcb plugin Qt would try first: in ``QT_QPA_PLATFORM_PLUGIN_PATH`` if it is
    there, else PySide6's own (found without importing PySide6)."""
    name = "libqxcb.so"
    custom = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if custom and os.path.exists(os.path.join(custom, name)):
        return Path(custom, name)
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    return Path(folders[0] if folders else ".", "Qt", "plugins", "platforms", name)


def plugin_problem(plugin: Path) -> str | None:
    """Why Qt cannot load ``plugin`` (one line, naming a missing library), or None.

    A plugin that is not there is Qt's to look for elsewhere: None.
    """
    key = _key(plugin)
    if key is None:
        return None
    stamp = cache_dir() / STAMP
    try:
        if stamp.read_text(encoding="utf-8") == key:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    import ctypes

    try:
        ctypes.CDLL(str(plugin), mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as error:
        return describe(str(error), plugin)
    try:
        from content.files import atomic_write

        atomic_write(stamp, key)
    except OSError:
        pass  # checked again next time: slower, still right
    return None


def describe(error: str, plugin: Path) -> str:
    """dlopen's error as one line for the reader."""
    name = plugin.name.removeprefix("libq").removesuffix(".so")
    missing = re.match(MISSING, error)
    if missing is None:
        return f"Qt's {name} platform plugin cannot be loaded ({error})"
    library = missing.group(1)
    package = debian_package(library)
    hint = f" (on Debian and Ubuntu, the package {package})" if package else ""
    return f"Qt's {name} platform plugin needs the system library {library}{hint}, " \
           "which is not installed"


def debian_package(library: str) -> str | None:
    """The Debian package that ships a library, by Debian's naming rule:
    ``libxcb-cursor.so.0`` is in ``libxcb-cursor0``, ``libxkbcommon-x11.so.0`` in
    ``libxkbcommon-x11-0``."""
    match = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+)(?:\.\d+)*", library)
    if match is None:
        return None
    stem, version = match.group(1).lower(), match.group(2)
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"


def _key(plugin: Path) -> str | None:
    try:
        found = os.stat(plugin)
    except OSError:
        return None
    try:
        libraries = os.stat(LIBRARY_CACHE).st_mtime_ns
    except OSError:
        libraries = 0
    return (f"{plugin}\n{found.st_size} {found.st_mtime_ns} {found.st_ino}\n{libraries}\n"
            f"{os.environ.get('LD_LIBRARY_PATH', '')}\n")

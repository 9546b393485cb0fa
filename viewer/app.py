"""Starting the window: QApplication, the main window, screenshots.

Everything that can fail because of the user's input (a missing path, an
unknown target) is checked before Qt is even imported, so mistakes are reported
as one line, fast.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from content import Library, UnknownSection, load_library

if TYPE_CHECKING:
    from argparse import Namespace
    from types import SimpleNamespace

APP_ID = "encyclopedia"
DEFAULT_SIZE = "1200x800"
GC_AT_THE_LATEST_MS = 3000  # garbage collection comes back then, painted or not
# The window's Qt-free modules, imported before Qt on purpose: once PySide is
# loaded, each module imported for the first time costs more (PySide's import
# hook sees every import), about 1 ms for these on the first paint's path.
QT_FREE_FIRST = ("content.pages", "viewer.place", "viewer.state", "viewer.theme", "viewer.zoom")


def parse_size(text: str) -> tuple[int, int]:
    from viewer.cli import CommandError

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise CommandError(f"--size wants WIDTHxHEIGHT, like 1200x800, not {text!r}") from None
    if not (200 <= width <= 10000 and 150 <= height <= 10000):
        raise CommandError(f"--size {text} is out of range")
    return width, height


def resolve_target(library: Library, target: str | None) -> str | None:
    from viewer.cli import CommandError

    if not target:
        return None
    try:
        return library.section(target).id
    except UnknownSection as error:
        raise CommandError(str(error)) from None


def _choose_platform(*, screenshot: bool) -> None:
    """Qt's platform, decided before QApplication aborts on one it cannot load."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return  # the reader's (or the test's) own choice: not even the module's import
    from viewer.cli import CommandError
    from viewer.qt_platform import PlatformUnavailable, choose_platform

    try:
        choose_platform(screenshot=screenshot)
    except PlatformUnavailable as error:
        raise CommandError(str(error)) from None


def run_window(args: Namespace | SimpleNamespace) -> int:
    """The window, as ``open``'s arguments ask (read by argparse or by cli.window_args)."""
    size = parse_size(args.size or DEFAULT_SIZE)
    library = load_library(args.content)
    target = resolve_target(library, args.target)
    _choose_platform(screenshot=args.screenshot is not None)

    for name in QT_FREE_FIRST:
        importlib.import_module(name)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    _spare_pyside_source_scans()
    from viewer.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("Encyclopedia")
    app.setDesktopFileName(APP_ID)  # matches encyclopedia.desktop (Wayland's app id)
    window = MainWindow(library, defer_features=True)
    window.library_source = args.content or library.root
    if args.theme:
        window.appearance.set_theme(args.theme, remember=False)
    window.resize(*size)
    # A screenshot is not the reader's session: it neither restores nor saves the layout.
    window.session.saving = args.screenshot is None
    if args.screenshot is None:
        window.session.restore_layout(geometry=args.size is None)
    window.session.open_at(target)  # with no target: where the reader left off
    window.show()
    window.when_painted(_collect_garbage_again)
    # A window that starts minimised may not paint for a long while: not that long.
    QTimer.singleShot(GC_AT_THE_LATEST_MS, _collect_garbage_again)
    query = getattr(args, "search", None)
    if query:
        window.featuresInstalled.connect(lambda: window.search.search_for(query, open_best=True))

    if args.screenshot is not None:
        out: Path = args.screenshot

        def save() -> None:
            if not window.grab().save(str(out)):
                print(f"encyclopedia: could not write {out}", file=sys.stderr)
                app.exit(2)
            else:
                app.quit()

        if query:
            # The first build of a big library's index can take a while.
            window.featuresInstalled.connect(lambda: window.search.resultsShown.connect(
                lambda _: QTimer.singleShot(300, save)))
            QTimer.singleShot(120000, save)
        else:
            window.view.painted.connect(lambda: QTimer.singleShot(100, save))
            QTimer.singleShot(5000, save)  # a view that never paints must not hang us
    if os.environ.get("ENCYCLOPEDIA_EXIT_AFTER_PAINT"):
        # For `make bench`: the time from process start to the article's first paint,
        # and the peak memory until then (Linux's VmHWM; "-" elsewhere).
        def report() -> None:
            try:
                with open("/proc/self/status", encoding="ascii") as status:
                    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
            except (OSError, StopIteration):
                peak = "-"
            print(f"painted {time.time():.6f} {peak}", flush=True)
            app.quit()

        window.view.painted.connect(report)
    return app.exec()


def _collect_garbage_again() -> None:
    """Turn on the garbage collection the command line turned off for the start.

    What exists now lives as long as the window: frozen, later collections
    need not look at it again.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


def _spare_pyside_source_scans() -> None:
    """Tell PySide which modules need not be read for ``__feature__``.

    Once imported, PySide reads the whole source of each module that an import
    statement names for the first time after it (typing, pathlib, logging, and
    each of ours), looking for "PySide6": such a module might use its ``from
    __feature__ import`` switches. None of ours does, and a module loaded before
    PySide cannot have: marking them as PySide marks modules that do not use it
    (-1) spares about 4 ms of start-up. Should a PySide version keep that table
    elsewhere, this does nothing.
    """
    feature = sys.modules.get("shibokensupport.feature")
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return
    for name in list(sys.modules):
        known.setdefault(name, -1)
    for package in ("content", "viewer"):
        folder = Path(__file__).resolve().parents[1] / package
        for entry in os.scandir(folder):
            if entry.name.endswith(".py"):
                known.setdefault(f"{package}.{entry.name[:-3]}", -1)

"""Themes: the page and the whole window switch together, the choice is kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from pytestqt.qtbot import QtBot

from tests.conftest import write_library
from tests.gui.active_window import activate
from tests.gui.conftest import OpenWindow, text_at_top
from viewer.mainwindow import MainWindow
from viewer.state import StateFile
from viewer.theme import DARK, LIGHT, application_is_dark, mark_colors

SLUG = "seven-thousand-cadres-conference"


def _theme_action(window: MainWindow, title: str):  # type: ignore[no-untyped-def]
    view_menu = window.menus["view"]
    theme_menu = next(a.menu() for a in view_menu.actions() if a.text() == "&Theme")
    return next(a for a in theme_menu.actions() if a.text() == title)


def _text_colour(window: MainWindow, text: str) -> QColor:
    cursor = window.view.document().find(text)
    assert not cursor.isNull(), text
    return cursor.charFormat().foreground().color()


def _window_is_dark(window: MainWindow) -> bool:
    return window.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _wait_window(qtbot: QtBot, window: MainWindow, dark: bool) -> None:
    # A new application palette reaches the widgets through posted events.
    qtbot.waitUntil(lambda: _window_is_dark(window) == dark)


def _contrast(one: QColor, two: QColor) -> float:
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_dark_theme_switches_the_page_and_the_window_and_is_kept(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(target=f"{SLUG}#legacy-and-reforms")
    activate(qtbot, window)
    assert not _window_is_dark(window)
    assert _text_colour(window, "The legacy of").name() == LIGHT["text"]
    with qtbot.waitSignal(window.appearance.themeChanged) as changed:
        qtbot.keyClick(window, Qt.Key.Key_D,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert changed.args == [True]
    assert _theme_action(window, "&Dark").isChecked()
    # The page's stylesheet and the window's palette both switched...
    assert _text_colour(window, "The legacy of").name() == DARK["text"]
    assert _text_colour(window, "Legacy and Reforms").name() == DARK["heading"]
    _wait_window(qtbot, window, dark=True)
    base = window.view.palette().color(QPalette.ColorRole.Base)
    assert base.lightness() < 60
    assert application_is_dark() and mark_colors() == (DARK["mark"], DARK["mark-text"])
    # ...without losing the reader's place.
    assert text_at_top(window) == "Legacy and Reforms"
    # No dark text on the dark page: every text colour of the page stands out.
    for name in ("text", "heading", "link", "muted", "code-text"):
        assert _contrast(QColor(DARK[name]), base) >= 4.5, name
    assert _contrast(QColor(DARK["code-text"]), QColor(DARK["code-bg"])) >= 4.5
    for kind in ("mark", "find", "find-current"):
        assert _contrast(QColor(DARK[kind]), QColor(DARK[f"{kind}-text"])) >= 4.5, kind
    assert StateFile().load().theme == "dark"

    # A new window (a restart) opens dark.
    again = MainWindow(window.library)
    qtbot.addWidget(again)
    assert again.appearance.dark
    assert _theme_action(again, "&Dark").isChecked()


def test_back_to_light_gives_the_platform_palette_back(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    _wait_window(qtbot, window, dark=False)
    light_window = window.palette().color(QPalette.ColorRole.Window)
    _theme_action(window, "&Dark").trigger()
    _wait_window(qtbot, window, dark=True)
    _theme_action(window, "&Light").trigger()
    _wait_window(qtbot, window, dark=False)
    assert window.palette().color(QPalette.ColorRole.Window) == light_window
    assert _text_colour(window, "The Seven Thousand").name() == LIGHT["text"]
    assert StateFile().load().theme == "light"


def test_system_theme_follows_the_system_scheme(qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    appearance = window.appearance
    assert appearance.choice == "system" and not appearance.dark
    hints = QGuiApplication.styleHints()
    # What the platform does when the desktop turns dark (offscreen has no desktop).
    with qtbot.waitSignal(appearance.themeChanged):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert appearance.dark
    _wait_window(qtbot, window, dark=True)
    # A chosen theme is not overruled by the system.
    _theme_action(window, "&Light").trigger()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not appearance.dark
    _theme_action(window, "&System").trigger()
    assert appearance.dark
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not appearance.dark
    _wait_window(qtbot, window, dark=False)


def test_highlights_are_recoloured_by_a_theme_switch(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    view = window.view
    cursor = view.document().find("Great Leap Forward")
    span = (cursor.selectionStart(), cursor.selectionEnd())
    view.set_highlights("search", [span], *mark_colors(dark=False))
    _theme_action(window, "&Dark").trigger()
    ranges, background, foreground = view.highlight_layers()["search"]
    assert ranges == [span]
    assert (background, foreground) == (DARK["mark"], DARK["mark-text"])


def test_links_tables_and_code_are_readable_in_both_themes(
        qtbot: QtBot, open_window: OpenWindow, tmp_path: Path) -> None:
    library = write_library(tmp_path, {"a.md": (
        "# Page\n\nSee [part](#part) and `some code`.\n\n"
        "| Head | Cell |\n|---|---|\n| one | two |\n\n## Part\n\nEnd.\n")})
    window = open_window(library)
    for dark, colours in ((False, LIGHT), (True, DARK)):
        window.appearance.set_theme("dark" if dark else "light")
        assert _text_colour(window, "part").name() == colours["link"]
        assert _text_colour(window, "some code").name() == colours["code-text"]
        head = window.view.document().find("Head")
        table = head.currentTable()
        assert table is not None
        cell = table.cellAt(0, 0).format().background().color()
        assert cell.name() == colours["table-head"]
        assert _contrast(_text_colour(window, "Head"), cell) >= 4.5


def test_dark_screenshot_from_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "dark.png"
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "open", f"{SLUG}#legacy-and-reforms",
         "--theme", "dark", "--screenshot", str(out), "--size", "900x600"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    # The page and the tree are dark; the choice for one run is not remembered.
    assert image.pixelColor(QPoint(700, 590)).lightness() < 60
    assert image.pixelColor(QPoint(100, 500)).lightness() < 60
    assert StateFile().load().theme == "system"

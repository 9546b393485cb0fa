"""Zoom: Ctrl+=, Ctrl++, Ctrl+-, Ctrl+0 and Ctrl+wheel; kept between runs."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.gui.active_window import activate
from tests.gui.conftest import OpenWindow, text_at_top
from viewer.mainwindow import MainWindow
from viewer.state import StateFile
from viewer.zoom import zoom_in, zoom_out

SLUG = "seven-thousand-cadres-conference"
CTRL = Qt.KeyboardModifier.ControlModifier


def _text_points(window: MainWindow, text: str) -> float:
    cursor = window.view.document().find(text)
    assert not cursor.isNull(), text
    return cursor.charFormat().font().pointSizeF()


def _wheel(window: MainWindow, delta: int, modifiers: Qt.KeyboardModifier) -> None:
    viewport = window.view.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(centre, QPointF(viewport.mapToGlobal(centre.toPoint())), QPoint(),
                        QPoint(0, delta), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_keys_zoom_the_text_and_the_zoom_survives_a_restart(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window(target=f"{SLUG}#legacy-and-reforms")
    activate(qtbot, window)
    body = _text_points(window, "The legacy of")
    heading = _text_points(window, "Legacy and Reforms")
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)  # Ctrl+=
    qtbot.keyClick(window, Qt.Key.Key_Plus, CTRL)  # Ctrl++
    appearance = window.appearance
    assert appearance.zoom == 1.25
    # Body text and headings both grew, and the reader is still at their section.
    assert _text_points(window, "The legacy of") == body * 1.25
    assert _text_points(window, "Legacy and Reforms") == heading * 1.25
    assert text_at_top(window) == "Legacy and Reforms"
    assert "125%" in window.statusBar().currentMessage()
    assert StateFile().load().zoom == 1.25

    again = open_window(target=f"{SLUG}#legacy-and-reforms")
    assert again.appearance.zoom == 1.25
    assert _text_points(again, "The legacy of") == body * 1.25

    activate(qtbot, again)
    qtbot.keyClick(again, Qt.Key.Key_Minus, CTRL)
    assert again.appearance.zoom == 1.1
    qtbot.keyClick(again, Qt.Key.Key_0, CTRL)
    assert again.appearance.zoom == 1.0
    assert _text_points(again, "The legacy of") == body
    assert StateFile().load().zoom == 1.0


def test_ctrl_wheel_zooms_and_a_plain_wheel_scrolls(
        qtbot: QtBot, open_window: OpenWindow) -> None:
    window = open_window()
    appearance = window.appearance
    bar = window.view.verticalScrollBar()
    _wheel(window, -120, Qt.KeyboardModifier.NoModifier)
    assert appearance.zoom == 1.0 and bar.value() > 0
    _wheel(window, 120, CTRL)
    assert appearance.zoom == 1.1
    # A touchpad's small steps add up to one notch.
    for _ in range(4):
        _wheel(window, -60, CTRL)
    assert appearance.zoom == 0.9
    assert StateFile().load().zoom == 0.9


def test_zoom_steps_stop_at_the_ends() -> None:
    assert zoom_in(1.0) == 1.1 and zoom_out(1.0) == 0.9
    assert zoom_in(1.13) == 1.25 and zoom_out(1.13) == 1.1
    assert zoom_in(3.0) == 3.0 and zoom_out(0.5) == 0.5

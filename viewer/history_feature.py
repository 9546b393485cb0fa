"""Back and forward across every navigation: tree, link, search hit, bookmark.

It listens to the window's one navigation function (``aboutToNavigate`` and
``navigated``): the place being left is remembered with its scroll offset, so
Back returns to the very line the reader was on, not to the heading they first
landed on. Alt+Left / Alt+Right (the platform's Back and Forward keys), the
toolbar buttons and the mouse's back and forward buttons all go the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence

from viewer.icons import arrow_icon
from viewer.place import place_of, show_place
from viewer.state import History, Place

if TYPE_CHECKING:
    from viewer.mainwindow import MainWindow

# Qt.MouseButton.BackButton and ForwardButton, spelled as values: touching the Qt
# namespace at start-up costs about 12 ms before the first paint.
BACK_BUTTON = 0x08
FORWARD_BUTTON = 0x10


class HistoryFeature(QObject):
    """The window's back/forward history and the actions that walk it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.history = History()
        self._leaving: Place | None = None
        self._walking = False  # navigating because of Back/Forward: not a new visit
        ink = window.palette().windowText().color()
        self.back_action = window.add_action(
            "go", "&Back", self.back, QKeySequence.StandardKey.Back,
            tip="Go back to where you were before")
        self.forward_action = window.add_action(
            "go", "&Forward", self.forward, QKeySequence.StandardKey.Forward,
            tip="Go forward again")
        self.back_action.setIcon(arrow_icon(True, ink))
        self.forward_action.setIcon(arrow_icon(False, ink))
        for action in (self.back_action, self.forward_action):
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.text().replace('&', '')} ({shortcut})")
            window.toolbar.addAction(action)
        self._update_actions()

        window.aboutToNavigate.connect(self._on_leaving)
        window.navigated.connect(self._on_navigated)
        # The article view and the contents tree take mouse presses for themselves,
        # so the back and forward buttons are caught on them as well as on the window.
        for widget in (window, window.view.viewport(), window.tree.viewport()):
            widget.installEventFilter(self)

    def back(self) -> None:
        self._walk(self.history.back(place_of(self.window)))

    def forward(self) -> None:
        self._walk(self.history.forward(place_of(self.window)))

    def _walk(self, place: Place | None) -> None:
        if place is not None:
            self._walking = True
            try:
                show_place(self.window, place)
            finally:
                self._walking = False
        self._update_actions()

    def _on_leaving(self, _section_id: str) -> None:
        if not self._walking:
            self._leaving = place_of(self.window)

    def _on_navigated(self, section_id: str) -> None:
        if self._walking:
            return
        self.history.visit(section_id, here=self._leaving)
        self._leaving = None
        self._update_actions()

    def _update_actions(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back())
        self.forward_action.setEnabled(self.history.can_go_forward())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            button = event.button().value  # type: ignore[attr-defined]
            if button in (BACK_BUTTON, FORWARD_BUTTON):
                # Act on the press; swallow the release too, so nothing else sees half a click.
                if kind == QEvent.Type.MouseButtonPress and button == BACK_BUTTON:
                    self.back()
                elif kind == QEvent.Type.MouseButtonPress:
                    self.forward()
                return True
        return super().eventFilter(watched, event)

"""How the page and the window look: the theme (system, light, dark) and the zoom.

Both are the reader's choices, kept in the reading state (``state.json``), so
they come back on the next start. The theme follows the system's light or dark
scheme unless the reader picks one; it switches the article stylesheet and the
whole application's palette together. The zoom scales the page's text and its
column. Either change re-renders the page where the reader is.

Other features ask ``appearance.dark`` (or :func:`viewer.theme.mark_colors`)
for their highlight colours and listen to ``themeChanged``; highlight layers
already in the page are recoloured by the switch itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from viewer import zoom as zoom_steps
from viewer.article_view import READING_WIDTH
from viewer.state import THEMES, ReadingState, StateFile
from viewer.storage import StorageError
from viewer.theme import page_points, page_stylesheet, recolor_map

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from viewer.mainwindow import MainWindow

THEMED = "encyclopediaThemed"  # app property: the palette is ours, not the platform's
THEME_TITLES = {"system": "&System", "light": "&Light", "dark": "&Dark"}
THEME_KEYS = {"system": "Ctrl+Shift+A", "light": "Ctrl+Shift+L", "dark": "Ctrl+Shift+D"}
WHEEL_STEP = 120  # angle delta of one notch of a mouse wheel


class Appearance(QObject):
    themeChanged = Signal(bool)  # dark or not, after the page and the palette switched
    zoomChanged = Signal(float)  # the new zoom factor, after the page re-rendered

    def __init__(self, window: MainWindow, state: StateFile, saved: ReadingState) -> None:
        """``saved``: the reading state as the window starts; ``state`` keeps the changes."""
        super().__init__(window)
        self._window = window
        self._state = state
        self.choice = saved.theme
        self.zoom = saved.zoom
        self._platform_dark = _platform_palette_is_dark()
        # The scheme Qt reports costs ~12 ms to ask (it imports Qt's namespace), so the
        # first paint goes by the platform palette and the scheme is asked right after.
        self._system_dark = self._platform_dark
        self.dark = self._wants_dark()
        self._wheel = 0
        self._theme_actions: dict[str, QAction] = {}
        self._apply_palette()
        self._restyle()
        window.when_painted(self._ask_system_scheme)

    def install_actions(self) -> None:
        """The View menu's zoom and theme entries, Ctrl+wheel zoom, and following
        the system's scheme as it changes.

        Not needed for the first paint: the window installs them with its other menus.
        """
        self._build_actions()
        self._window.view.viewport().installEventFilter(self)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.on_system_scheme)

    # --- the reader's choices ------------------------------------------------------

    def set_theme(self, choice: str, *, remember: bool = True) -> None:
        """Use a theme ("system", "light" or "dark"); ``remember`` keeps it for next time."""
        if choice not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {choice!r}")
        self.choice = choice
        if choice in self._theme_actions:
            self._theme_actions[choice].setChecked(True)
        if remember:
            self._save(lambda: self._state.save_theme(choice))
        self._update_theme()

    def set_zoom(self, factor: float, *, remember: bool = True) -> None:
        low, high = zoom_steps.STEPS[0], zoom_steps.STEPS[-1]
        factor = min(max(factor, low), high)
        if abs(factor - self.zoom) < 1e-6:
            return
        old, self.zoom = self.zoom, factor
        if remember:
            self._save(lambda: self._state.save_zoom(factor))
        self._restyle(scale=factor / old)
        self._window.statusBar().showMessage(f"Zoom {zoom_steps.percent(factor)}", 2000)
        self.zoomChanged.emit(factor)

    def zoom_in(self) -> None:
        self.set_zoom(zoom_steps.zoom_in(self.zoom))

    def zoom_out(self) -> None:
        self.set_zoom(zoom_steps.zoom_out(self.zoom))

    def reset_zoom(self) -> None:
        self.set_zoom(1.0)

    # --- applying them ---------------------------------------------------------------

    def _wants_dark(self) -> bool:
        return self.choice == "dark" or (self.choice == "system" and self._system_dark)

    def _update_theme(self) -> None:
        dark = self._wants_dark()
        if dark == self.dark:
            return
        self.dark = dark
        self._apply_palette()
        self._restyle(colours=recolor_map(dark))
        self.themeChanged.emit(dark)

    def _apply_palette(self) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if self.dark == self._platform_dark:
            # The platform's own palette already fits: keep the native look.
            if app.property(THEMED):
                app.setPalette(QPalette())
                app.setProperty(THEMED, False)
            return
        from viewer.palette import theme_palette

        # Native styles (Windows, macOS) draw with their own colours; Fusion follows a palette.
        if app.style().name().lower() != "fusion":
            app.setStyle("Fusion")
        app.setPalette(theme_palette(self.dark))
        app.setProperty(THEMED, True)

    def _restyle(self, colours: dict[str, tuple[str, str]] | None = None,
                 scale: float = 1.0) -> None:
        view = self._window.view
        view.column_width = round(READING_WIDTH * self.zoom)
        font = view.font()
        if font.pointSizeF() != page_points(self.zoom):
            font.setPointSizeF(page_points(self.zoom))
            view.setFont(font)
        view.restyle(page_stylesheet(self.dark, self.zoom), colours, scale)

    def _ask_system_scheme(self) -> None:
        QTimer.singleShot(
            0, lambda: self.on_system_scheme(QGuiApplication.styleHints().colorScheme()))

    def on_system_scheme(self, scheme: object) -> None:
        """The system's light or dark scheme (a ``Qt.ColorScheme``), now or as it changes."""
        name = getattr(scheme, "name", "")
        if name == "Unknown":
            return  # the platform does not say; its palette has told us already
        self._system_dark = name == "Dark"
        # A closed window has nothing to show; the application palette is not its to change.
        if self.choice == "system" and self._window.isVisible():
            self._update_theme()

    def _save(self, write: object) -> None:
        try:
            write()  # type: ignore[operator]
        except (OSError, StorageError) as error:
            self._window.statusBar().showMessage(f"Could not save the setting: {error}", 5000)

    # --- menus and the wheel -------------------------------------------------------

    def _build_actions(self) -> None:
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        window = self._window
        self.zoom_in_action = window.add_action(
            "view", "Zoom &In", self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        # Ctrl+= too: on most keyboards "+" needs Shift, and "=" shares its key.
        window.bind_keys(self.zoom_in_action, QKeySequence.StandardKey.ZoomIn, "Ctrl+=")
        self.zoom_out_action = window.add_action(
            "view", "Zoom &Out", self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.reset_zoom_action = window.add_action(
            "view", "&Actual Size", self.reset_zoom, "Ctrl+0")
        menu = window.menus["view"]
        menu.addSeparator()
        theme_menu = menu.addMenu("&Theme")
        group = QActionGroup(self)
        group.setExclusive(True)
        for choice in THEMES:
            action = QAction(THEME_TITLES[choice], self)
            action.setCheckable(True)
            action.setChecked(choice == self.choice)
            window.bind_keys(action, THEME_KEYS[choice])
            action.setStatusTip(f"Use the {choice} theme" if choice != "system"
                                else "Follow the system's light or dark scheme")
            action.triggered.connect(lambda _checked=False, c=choice: self.set_theme(c))
            group.addAction(action)
            theme_menu.addAction(action)
            self._theme_actions[choice] = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and watched is self._window.view.viewport():
            from PySide6.QtCore import Qt

            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:  # type: ignore[attr-defined]
                # Touchpads send small deltas: zoom one step per notch's worth.
                self._wheel += event.angleDelta().y()  # type: ignore[attr-defined]
                while abs(self._wheel) >= WHEEL_STEP:
                    step = 1 if self._wheel > 0 else -1
                    self._wheel -= step * WHEEL_STEP
                    self.zoom_in() if step > 0 else self.zoom_out()
                return True
        return super().eventFilter(watched, event)


def _platform_palette_is_dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    if app.property(THEMED):
        # Another window of this process themed the application: go back to the
        # platform's palette to see what it is.
        app.setPalette(QPalette())
        app.setProperty(THEMED, False)
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128

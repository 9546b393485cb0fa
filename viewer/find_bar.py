"""Find in page: the bar under the article (Ctrl+F).

Incremental: every keystroke highlights all matches in the page (the "find"
highlight layer, apart from the search panel's) and moves to the nearest one
at or below where the reader is, showing "n of m". Enter and Shift+Enter step
through them, "Match case" narrows them, Esc closes the bar and clears them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from viewer.article_view import ArticleView
from viewer.theme import find_colors

LAYER = "find"
CURRENT_LAYER = "find-current"
_MARGIN = 40  # px: a match closer than this to the view's edge is scrolled into view


def find_spans(text: str, query: str, match_case: bool = False) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, as (start, end), without overlaps.

    A regular expression, not ``str.lower()``: lowering may change a string's
    length (``"İ".lower()``), and the spans must stay positions in the page.
    """
    if not query:
        return []
    flags = 0 if match_case else re.IGNORECASE
    return [match.span() for match in re.finditer(re.escape(query), text, flags)]


class FindBar(QWidget):
    closed = Signal()
    matchesChanged = Signal(int, int)  # current (1-based, 0 = none), total

    def __init__(self, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setAccessibleName("Find in page")
        self._view = view
        self._spans: list[tuple[int, int]] = []
        self._current = -1
        self._refresh_pending = False

        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setAccessibleName("Find in page")
        self.field.setPlaceholderText("Find in page")
        self.field.setClearButtonEnabled(True)
        self.previous_button = self._button("↑", "Previous match (Shift+Enter)", "Previous match")
        self.next_button = self._button("↓", "Next match (Enter)", "Next match")
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.count.setAccessibleName("Matches")
        self.count.setMinimumWidth(90)
        self.match_case = QCheckBox("Match &case")
        self.match_case.setAccessibleName("Match case")
        self.close_button = self._button("✕", "Close (Esc)", "Close find bar")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.count)
        layout.addWidget(self.match_case)
        layout.addStretch(1)
        layout.addWidget(self.close_button)

        self.field.textChanged.connect(lambda _text: self._refresh(move=True))
        self.field.installEventFilter(self)
        self.match_case.toggled.connect(lambda _on: self._refresh(move=True))
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.close_button.clicked.connect(self.close_bar)
        # A new page (another article, a theme, a zoom, a live reload) loses its
        # highlights: find again in it, without moving the reader.
        view.document().contentsChanged.connect(self._page_changed)

    def _button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    # --- what the reader does ----------------------------------------------------

    def open_bar(self) -> None:
        """Show the bar with its field focused and selected, ready to type over."""
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        if self.field.text():
            self._refresh(move=True)

    def close_bar(self) -> None:
        self.hide()
        self._spans, self._current = [], -1
        self._view.set_highlights(CURRENT_LAYER, [], "")
        self._view.set_highlights(LAYER, [], "")
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def status(self) -> str:
        """What the bar says about the matches: "3 of 12", "No matches" or ""."""
        return self.count.text()

    # --- finding -------------------------------------------------------------------

    def _step(self, by: int) -> None:
        if not self._spans:
            return
        self._current = (self._current + by) % len(self._spans)
        self._show_current(scroll=True)

    def _refresh(self, move: bool) -> None:
        # Page positions are those of toPlainText(): one character per position,
        # paragraph and table-cell breaks included.
        origin = self._spans[self._current][0] if move and self._current >= 0 else None
        if origin is None:
            origin = self._view.cursorForPosition(QPoint(0, 0)).position()
        text = self._view.document().toPlainText()
        self._spans = find_spans(text, self.field.text(), self.match_case.isChecked())
        self._current = next((i for i, (start, _end) in enumerate(self._spans)
                              if start >= origin), 0 if self._spans else -1)
        everything, _current = find_colors()
        self._view.set_highlights(CURRENT_LAYER, [], "")
        self._view.set_highlights(LAYER, self._spans, *everything)
        self._show_current(scroll=move)

    def _show_current(self, scroll: bool) -> None:
        _everything, current = find_colors()
        spans = [self._spans[self._current]] if self._current >= 0 else []
        self._view.set_highlights(CURRENT_LAYER, spans, *current)
        if not self.field.text():
            self.count.setText("")
        elif not self._spans:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{self._current + 1} of {len(self._spans)}")
        if scroll and spans:
            self._scroll_to(spans[0][0])
        self.matchesChanged.emit(self._current + 1, len(self._spans))

    def _scroll_to(self, position: int) -> None:
        cursor = QTextCursor(self._view.document())
        cursor.setPosition(position)
        rect = self._view.cursorRect(cursor)
        height = self._view.viewport().height()
        if rect.top() < _MARGIN or rect.bottom() > height - _MARGIN:
            bar = self._view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - height // 3)

    def _page_changed(self) -> None:
        if self.isHidden() or not self.field.text() or self._refresh_pending:
            return
        self._refresh_pending = True

        def again() -> None:
            self._refresh_pending = False
            if not self.isHidden():
                self._refresh(move=False)

        QTimer.singleShot(0, again)

    # --- keys --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc from anywhere in the bar (the case box, a button) closes it too.
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

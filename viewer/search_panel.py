"""The Search tab of the sidebar: the count, "did you mean", and the hits.

It only displays what it is given and says which hit the user picked, by
section id; running queries and opening hits is the search feature's job.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from viewer.search_results import ResultsList, ResultsModel

if TYPE_CHECKING:
    from index import Results

IDLE_HELP = (
    "<p>Type in the search box (Ctrl+K) to find sections.</p>"
    "<p><b>famine</b> plain words (every word ranks first)<br>"
    "<b>\"great leap\"</b> a phrase<br>"
    "<b>decentral*</b> words starting so<br>"
    "<b>mao AND deng</b>, <b>OR</b>, <b>NOT</b><br>"
    "<b>title:reform</b> in headings only<br>"
    "<b>xiaopng~</b> near spellings</p>"
)


def count_text(results: Results) -> str:
    """"12 sections", "120 sections, best 100 shown", or what was not found."""
    if results.total == 0:
        return f"No sections match \u201c{results.query}\u201d"
    noun = "section" if results.total == 1 else "sections"
    text = f"{results.total} {noun}"
    if results.total > len(results.hits):
        text += f", best {len(results.hits)} shown"
    return text


class SearchPanel(QWidget):
    hitActivated = Signal(str)  # section id of the hit the user opened
    suggestionActivated = Signal(str)  # the "did you mean" query the user clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.results: Results | None = None
        self._suggestion = ""

        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setAccessibleName("Search status")
        self.status.setWordWrap(True)
        self.status.setContentsMargins(6, 4, 6, 2)

        self.suggestion_row = QWidget()
        row = QHBoxLayout(self.suggestion_row)
        row.setContentsMargins(6, 0, 6, 2)
        row.setSpacing(4)
        self.suggestion_link = QLabel()
        self.suggestion_link.setObjectName("searchSuggestion")
        self.suggestion_link.setAccessibleName("Did you mean")
        self.suggestion_link.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.suggestion_link.linkActivated.connect(self._suggestion_clicked)
        row.addWidget(QLabel("Did you mean"))
        row.addWidget(self.suggestion_link)
        row.addWidget(QLabel("?"))
        row.addStretch(1)
        self.suggestion_row.hide()

        self.model = ResultsModel(self)
        self.list = ResultsList()
        self.list.setObjectName("searchResults")
        self.list.setAccessibleName("Search results")
        self.list.setModel(self.model)
        self.delegate = self.list.delegate
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.clicked.connect(self._clicked)
        self.list.installEventFilter(self)

        self.help = QLabel(IDLE_HELP)
        self.help.setObjectName("searchHelp")
        self.help.setWordWrap(True)
        self.help.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.help.setContentsMargins(6, 4, 6, 4)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status)
        layout.addWidget(self.suggestion_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.help, 1)
        self.show_idle()

    # --- what the panel shows ------------------------------------------------------

    def show_idle(self, note: str = "") -> None:
        """No query: the query language, and ``note`` (e.g. indexing progress) above it."""
        self.results = None
        self._set_hits(None)
        self.status.setText(note)
        self.status.setVisible(bool(note))
        self._set_suggestion(None)
        self.list.hide()
        self.help.show()

    def show_waiting(self, note: str) -> None:
        """A query waits for the index: say why; no hits yet."""
        self.results = None
        self._set_hits(None)
        self.status.setText(note)
        self.status.show()
        self._set_suggestion(None)
        self.help.hide()
        self.list.show()

    def show_results(self, results: Results) -> None:
        self.results = results
        self._set_hits(results)
        text = count_text(results)
        if results.plain and results.total:
            text += " (read as plain words)"
        self.status.setText(text)
        self.status.show()
        self._set_suggestion(results.suggestion)
        self.help.hide()
        self.list.show()
        if results.hits:
            self.list.setCurrentIndex(self.model.index(0))
            self.list.scrollToTop()

    def set_status(self, text: str) -> None:
        """Change the line above the hits (e.g. indexing progress) and nothing else."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _set_hits(self, results: Results | None) -> None:
        self.delegate.reset()
        self.model.set_hits(results.hits if results is not None else ())

    def _set_suggestion(self, suggestion: str | None) -> None:
        self._suggestion = suggestion or ""
        if suggestion:
            self.suggestion_link.setText(f'<a href="suggestion">{html.escape(suggestion)}</a>')
        self.suggestion_row.setVisible(bool(suggestion))

    @property
    def suggestion(self) -> str:
        return self._suggestion

    # --- choosing a hit --------------------------------------------------------------

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        return self.model.hit(index.row()).id

    def move_selection(self, rows: int) -> None:
        """Move the current hit by ``rows`` (clamped), as Up/Down in the search box do."""
        count = self.model.rowCount()
        if not count:
            return
        current = self.list.currentIndex()
        row = current.row() + rows if current.isValid() else (0 if rows > 0 else count - 1)
        index = self.model.index(max(0, min(count - 1, row)))
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def open_current(self) -> bool:
        """Open the current hit (the best one if none is chosen); False if there is none."""
        section_id = self.current_id()
        if section_id is None:
            if not self.model.rowCount():
                return False
            self.list.setCurrentIndex(self.model.index(0))
            section_id = self.model.hit(0).id
        self.hitActivated.emit(section_id)
        return True

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hitActivated.emit(self.model.hit(index.row()).id)

    def _suggestion_clicked(self, _link: str) -> None:
        if self._suggestion:
            self.suggestionActivated.emit(self._suggestion)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.list and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.open_current()
            return True
        return super().eventFilter(watched, event)

"""The search results list: a model of hits, and a delegate that draws each one.

A hit is drawn as a small rich-text document: the heading trail above, the
section's title, then the snippet with the matched words marked in the
theme's colours. Documents are laid out once per width and cached, so a list
of a hundred hits scrolls and resizes without re-parsing anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from viewer.theme import DARK, LIGHT
from viewer.tree import TRAIL_SEPARATOR

if TYPE_CHECKING:
    from index import Hit

ID_ROLE = Qt.ItemDataRole.UserRole  # the hit's section id
HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the index.Hit itself
DOCUMENT_MARGIN = 6
_MARK = re.compile(r"</?mark>")

ModelIndex = QModelIndex | QPersistentModelIndex


def mark_colours(widget: QWidget) -> tuple[str, str]:
    """Background and text colour of marked words, for the theme ``widget`` shows."""
    dark = widget.palette().color(QPalette.ColorRole.Base).lightness() < 128
    colours = DARK if dark else LIGHT
    return colours["mark"], colours["mark-text"]


def snippet_text(snippet: str) -> str:
    """A snippet's plain text (for screen readers and tooltips)."""
    return html.unescape(_MARK.sub("", snippet))


def hit_html(hit: Hit, mark: tuple[str, str]) -> str:
    """The rich text of one hit. The snippet is already escaped, with matches in <mark>."""
    background, foreground = mark
    # Qt's rich text has no <mark>: the same span with the theme's colours.
    snippet = hit.snippet.replace(
        "<mark>", f'<span style="background-color:{background}; color:{foreground}">'
    ).replace("</mark>", "</span>")
    parts = []
    if len(hit.path) > 1:
        trail = html.escape(TRAIL_SEPARATOR.join(hit.path[:-1]))
        parts.append(f"<div><small>{trail}</small></div>")
    title = html.escape(hit.path[-1] if hit.path else hit.id)
    parts.append(f"<div><b>{title}</b></div>")
    if snippet:
        parts.append(f"<div>{snippet}</div>")
    return "".join(parts)


class ResultsModel(QAbstractListModel):
    """The hits of the latest query, best first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hits: tuple[Hit, ...] = ()

    def set_hits(self, hits: Sequence[Hit]) -> None:
        self.beginResetModel()
        self._hits = tuple(hits)
        self.endResetModel()

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{TRAIL_SEPARATOR.join(hit.path)}: {snippet_text(hit.snippet)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return TRAIL_SEPARATOR.join(hit.path)
        if role == ID_ROLE:
            return hit.id
        if role == HIT_ROLE:
            return hit
        return None


class HitDelegate(QStyledItemDelegate):
    """Draws a hit as rich text, wrapped to the list's width."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._mark = mark_colours(view)
        self._width = -1
        self._documents: dict[int, QTextDocument] = {}

    def reset(self) -> None:
        """Forget laid-out hits (new results, or new colours)."""
        self._mark = mark_colours(self._view)
        self._documents.clear()

    def _document(self, index: ModelIndex, width: int) -> QTextDocument:
        if width != self._width:
            self._width = width
            for document in self._documents.values():
                document.setTextWidth(width)
        found = self._documents.get(index.row())
        if found is not None:
            return found
        document = QTextDocument(self)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(self._view.font())
        document.setHtml(hit_html(index.data(HIT_ROLE), self._mark))
        document.setTextWidth(width)
        self._documents[index.row()] = document
        return document

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        width = max(80, self._view.viewport().width())
        document = self._document(index, width)
        return QSize(width, int(document.size().height()) + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: ModelIndex) -> None:
        styled = QStyleOptionViewItem(option)
        self.initStyleOption(styled, index)
        styled.text = ""
        widget = styled.widget
        style = widget.style() if widget is not None else self._view.style()
        # The item's background, selection and focus frame, as the style draws them.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, styled, painter, widget)
        rect = option.rect
        document = self._document(index, rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = QPalette(option.palette)
        if option.state & QStyle.StateFlag.State_Selected:
            palette.setColor(QPalette.ColorRole.Text,
                             palette.color(QPalette.ColorRole.HighlightedText))
        context.palette = palette
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(0, 0, rect.width(), rect.height())
        document.documentLayout().draw(painter, context)
        painter.restore()

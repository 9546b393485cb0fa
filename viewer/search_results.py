"""The search results list: a model of hits, and a delegate that draws each one.

A hit is drawn as a small rich-text document: the heading trail above, the
section's title, then the snippet with the matched words marked in the
theme's colours. Documents are laid out once per width and cached, so a list
of a hundred hits scrolls and resizes without re-parsing anything.

A row is as tall as its document at the list's width. QListView asks for the
rows' sizes again when its height changes, not its width, so ``ResultsList``
lays the rows out again whenever the width changes (a dragged splitter, a
scroll bar coming or going): a snippet that wraps onto more lines, as CJK text
does at any width, gets the room it needs instead of running into the next row.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
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
ROW_GAP = 2  # px between one hit's text and the next
MIN_WIDTH = 80  # px a hit is laid out at, however narrow the list
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
    """Draws a hit as rich text, wrapped to the list's width.

    Sizes and paints come from the same documents at the same width (the
    viewport's when the rows were last laid out), so a row is always as tall as
    what is drawn in it.
    """

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._mark = mark_colours(view)
        self._width = -1
        self._documents: dict[int, QTextDocument] = {}

    def reset(self) -> None:
        """Forget laid-out hits (new results, new colours, a new font)."""
        self._mark = mark_colours(self._view)
        self._documents.clear()

    def document(self, index: ModelIndex) -> QTextDocument:
        """The hit's laid-out document, as the list draws it."""
        found = self._documents.get(index.row())
        if found is not None:
            return found
        document = QTextDocument(self)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(self._view.font())
        document.setHtml(hit_html(index.data(HIT_ROLE), self._mark))
        document.setTextWidth(max(MIN_WIDTH, self._width))
        self._documents[index.row()] = document
        return document

    def _set_width(self, width: int) -> None:
        if width != self._width:
            self._width = width
            for document in self._documents.values():
                document.setTextWidth(width)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        self._set_width(max(MIN_WIDTH, self._view.viewport().width()))
        height = self.document(index).size().height()
        return QSize(self._width, math.ceil(height) + ROW_GAP)

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
        # At the width the rows were sized for: until they are laid out again for
        # a new width, the text is clipped rather than spilling into the next row.
        document = self.document(index)
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


class ResultsList(QListView):
    """The list of hits: one column of rows as tall as their wrapped text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = HitDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The viewport's size (QAbstractScrollArea passes its resizes here). Adjust
        # mode lays the rows out again only when the height changes.
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A new font wraps the hits anew; a new palette (a theme) marks them in its colours.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.delegate.reset()
            self.scheduleDelayedItemsLayout()

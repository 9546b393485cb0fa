"""How a bookmark looks in the panel: its label, then its heading trail, then its note.

The label is the reader's own name or the heading; the second line, smaller and
muted, says where it is (article › section); a note, if any, follows in italics.
A missing bookmark is drawn greyed out, with its last known heading. Folders
are drawn the ordinary way.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from viewer.bookmarks_model import IS_FOLDER_ROLE, MISSING_ROLE, NOTE_ROLE, TRAIL_ROLE

PADDING = 4  # px above and below a bookmark's lines
SMALLER = 0.88  # the trail and note lines, relative to the label
LABEL, TRAIL, NOTE = "label", "trail", "note"
LEFT_MIDDLE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class BookmarkDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.data(IS_FOLDER_ROLE):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        lines = self._lines(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        missing = bool(index.data(MISSING_ROLE))
        palette: QPalette = opt.palette
        group = QPalette.ColorGroup.Disabled if missing else QPalette.ColorGroup.Normal
        main = palette.color(group, QPalette.ColorRole.HighlightedText if selected
                             else QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.HighlightedText) \
            if selected else palette.color(QPalette.ColorGroup.Normal,
                                           QPalette.ColorRole.PlaceholderText)
        painter.save()
        try:
            top = text_rect.top() + PADDING
            for text, font, kind in lines:
                metrics = QFontMetrics(font)
                painter.setFont(font)
                painter.setPen(main if kind == LABEL or missing else muted)
                line = QRect(text_rect.left(), top, text_rect.width(), metrics.height())
                # A trail keeps both ends: the article and the nearest heading.
                mode = Qt.TextElideMode.ElideMiddle if kind == TRAIL \
                    else Qt.TextElideMode.ElideRight
                elided = metrics.elidedText(text, mode, line.width())
                painter.drawText(line, LEFT_MIDDLE, elided)
                top += metrics.height()
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(IS_FOLDER_ROLE):
            return size
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        height = sum(QFontMetrics(font).height() for _, font, _ in self._lines(opt, index))
        return QSize(size.width(), max(size.height(), height + 2 * PADDING))

    def _lines(self, option: QStyleOptionViewItem,
               index: QModelIndex | QPersistentModelIndex) -> list[tuple[str, QFont, str]]:
        """(text, font, LABEL/TRAIL/NOTE) for each line the bookmark shows."""
        label_font = QFont(option.font)
        small = QFont(option.font)
        if option.font.pointSizeF() > 0:
            small.setPointSizeF(max(6.0, option.font.pointSizeF() * SMALLER))
        else:  # a font sized in pixels
            small.setPixelSize(max(8, round(option.font.pixelSize() * SMALLER)))
        lines = [(option.text, label_font, LABEL)]
        trail = str(index.data(TRAIL_ROLE) or "")
        if trail:
            lines.append((trail, small, TRAIL))
        note = " ".join(str(index.data(NOTE_ROLE) or "").split())
        if note:
            italic = QFont(small)
            italic.setItalic(True)
            lines.append((note, italic, NOTE))
        return lines

"""The toolbar's few icons, drawn rather than loaded: back, forward and the bookmark star.

Drawn in the window's text colour, so they follow the theme, and cheap: no
style or image plugin is loaded before the first page is painted. Qt makes
the greyed-out variant of a disabled action's icon by itself.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

SIZE = 48  # drawn large; Qt scales it down to the toolbar's icon size
STAR_GOLD, STAR_EDGE = "#f4b400", "#b8860b"
_CLEAR = QColor(0, 0, 0, 0)


def _canvas() -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(_CLEAR)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return pixmap, painter


def arrow_icon(pointing_left: bool, ink: QColor) -> QIcon:
    """An arrow for Back (pointing left) or Forward."""
    pixmap, painter = _canvas()
    pen = QPen(ink, 5)
    # Qt.PenCapStyle, reached through the pen: the Qt namespace costs ~12 ms at start-up.
    pen.setCapStyle(type(pen.capStyle()).RoundCap)
    pen.setJoinStyle(type(pen.joinStyle()).RoundJoin)
    painter.setPen(pen)
    tip, tail, middle, wing = 10.0, 38.0, SIZE / 2, 13.0
    if not pointing_left:
        tip, tail = SIZE - tip, SIZE - tail
    back = tip + (wing if pointing_left else -wing)
    painter.drawLine(QPointF(tail, middle), QPointF(tip, middle))
    painter.drawPolyline(QPolygonF([QPointF(back, middle - wing), QPointF(tip, middle),
                                    QPointF(back, middle + wing)]))
    painter.end()
    return QIcon(pixmap)


def star_icon(filled: bool, ink: QColor) -> QIcon:
    """A five-pointed star: gold when the section is bookmarked, an outline when not."""
    pixmap, painter = _canvas()
    centre, outer, inner = SIZE / 2, SIZE * 0.46, SIZE * 0.19
    points = [QPointF(centre + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
                      centre + 2 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5))
              for i in range(10)]
    painter.setPen(QPen(QColor(STAR_EDGE) if filled else ink, 3))
    painter.setBrush(QColor(STAR_GOLD) if filled else _CLEAR)
    painter.drawPolygon(QPolygonF(points))
    painter.end()
    return QIcon(pixmap)

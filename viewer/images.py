"""Images in an article: loaded from the library's own folder, or a placeholder.

The page and the printed page ask here for every ``<img>``. A relative image
below the library root loads (PNG, JPEG, SVG and whatever else Qt's image
plugins read); anything else — a missing file, a file outside the library, a
remote URL — becomes a small placeholder naming the file, so the article
always renders and the viewer never reaches the network.

    >>> page_image(QUrl.fromLocalFile("/lib/img/map.png"), Path("/lib"))
    <QImage ...>                           # the map, or a placeholder saying why not
    >>> is_placeholder(page_image(QUrl("https://example.org/x.png"), Path("/lib")))
    True
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QImageReader, QPainter, QPen

logger = logging.getLogger(__name__)
MAX_WIDTH = 780  # px: no wider than the page's reading column
PLACEHOLDER_KEY = "encyclopedia-placeholder"  # QImage text key that marks a placeholder


def page_image(url: QUrl, root: Path | None, max_width: int = MAX_WIDTH) -> QImage:
    """The image at ``url`` if it is a readable file below ``root``; else a placeholder."""
    if url.scheme() == "data":
        return _data_image(url, max_width)
    if not url.isLocalFile():
        return placeholder(url.fileName() or url.toString(), "not loaded: not a local file")
    path = Path(url.toLocalFile())
    if root is None or not _inside(path, root):
        return placeholder(path.name, "not loaded: outside the library")
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        logger.info("image %s: %s", path, reader.errorString())
        reason = "missing" if not path.exists() else "cannot be read"
        return placeholder(path.name, reason)
    return _fit(image, max_width)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _data_image(url: QUrl, max_width: int) -> QImage:
    # data:image/...;base64,... — part of the page itself, nothing is fetched.
    header, _, payload = url.toString(QUrl.ComponentFormattingOption.FullyEncoded).partition(",")
    image = QImage()
    if header.lower().startswith("data:image/") and header.lower().endswith(";base64"):
        image.loadFromData(QByteArray.fromBase64(payload.encode("ascii", "replace")))
    return _fit(image, max_width) if not image.isNull() else placeholder("image", "unreadable")


def _fit(image: QImage, max_width: int) -> QImage:
    if image.width() <= max_width:
        return image
    return image.scaledToWidth(max_width, Qt.TransformationMode.SmoothTransformation)


def is_placeholder(image: QImage) -> bool:
    return bool(image.text(PLACEHOLDER_KEY))


def placeholder(name: str, reason: str) -> QImage:
    """A framed box with a picture sign, the file name and why it is not shown.

    Mid-grey on transparent, so it reads on both the light and the dark page.
    """
    font = QFont()
    font.setPointSizeF(9.5)
    metrics = QFontMetrics(font)
    lines = [name[:80], reason]
    width = min(MAX_WIDTH, max(metrics.horizontalAdvance(line) for line in lines) + 56)
    height = metrics.lineSpacing() * 2 + 24
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    try:
        grey = QColor("#8a8f96")
        painter.setPen(QPen(grey, 1, Qt.PenStyle.DashLine))
        painter.drawRect(QRect(0, 0, width - 1, height - 1))
        # A tiny landscape: the usual sign for "a picture goes here".
        painter.setPen(QPen(grey, 1.5))
        icon = QRect(10, height // 2 - 9, 24, 18)
        painter.drawRect(icon)
        painter.drawPolyline([icon.bottomLeft(), icon.center(), icon.bottomRight()])
        painter.setFont(font)
        painter.setPen(grey)
        text = QRect(44, 10, width - 52, height - 20)
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         "\n".join(lines))
    finally:
        painter.end()
    image.setText(PLACEHOLDER_KEY, reason)
    image.setText("Description", f"{name}: {reason}")
    return image


"""Images in an article: loaded from the library's own folder, or a placeholder.

The page and the printed page ask here for every ``<img>``. A relative image
below the library root loads (PNG, JPEG, SVG and whatever else Qt's image
plugins read); anything else — a missing file, a file outside the library, a
remote URL — becomes a small placeholder naming the file, so the article
always renders and the viewer never reaches the network.

Qt never opens an image file itself: the bytes are read here, from inside the
library (links followed, then checked), and handed to Qt's decoder for the
format they are. An SVG is made safe first (:func:`content.sanitize.sanitize_svg`),
as Qt's SVG renderer would read any file its ``<image>``s or stylesheets name:
the pictures it draws from the library are put in it as ``data:`` PNGs, and
nothing else it names is read.

    >>> page_image(QUrl.fromLocalFile("/lib/img/map.png"), Path("/lib"))
    <QImage ...>                           # the map, or a placeholder saying why not
    >>> is_placeholder(page_image(QUrl("https://example.org/x.png"), Path("/lib")))
    True
"""

from __future__ import annotations

import base64
import logging
import os
import stat
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QImageReader, QPainter, QPen

logger = logging.getLogger(__name__)
MAX_WIDTH = 780  # px: no wider than the page's reading column
PLACEHOLDER_KEY = "encyclopedia-placeholder"  # QImage text key that marks a placeholder
MAX_BYTES = 64 * 1024 * 1024  # an image file bigger than this is not read
MAX_NESTING = 3  # SVGs drawn inside SVGs: deeper ones are left out
MAX_PICTURES = 64  # pictures drawn inside one image's SVGs, at every depth: the rest left out
SVG_FORMATS = ("svg", "svgz")
OUTSIDE = "not loaded: outside the library"


def page_image(url: QUrl, root: Path | None, max_width: int = MAX_WIDTH) -> QImage:
    """The image at ``url`` if it is a readable file below ``root``; else a placeholder."""
    if url.scheme() == "data":
        image = _decode(_data_bytes(url.toString(QUrl.ComponentFormattingOption.FullyEncoded)),
                        "", None, root, _Budget())
        return _fit(image, max_width) if not image.isNull() else placeholder("image", "unreadable")
    if not url.isLocalFile():
        return placeholder(url.fileName() or url.toString(), "not loaded: not a local file")
    path = Path(url.toLocalFile())
    if root is None:
        return placeholder(path.name, OUTSIDE)
    found = read_inside(path, root)
    if isinstance(found, str):
        return placeholder(path.name, found)
    image = _decode(found, path.suffix, path.parent, root, _Budget())
    if image.isNull():
        return placeholder(path.name, "cannot be read")
    return _fit(image, max_width)


def read_inside(path: Path, root: Path) -> bytes | str:
    """The bytes of the regular file at ``path`` if it is below ``root`` once its links
    are followed; else why not ("missing", "not loaded: outside the library"...)."""
    try:
        target = path.resolve()
        target.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # outside, or a loop of links
        return OUTSIDE
    # Non-blocking, so that a named pipe cannot hang the page; not following a link
    # that appeared since it was resolved.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(target, flags)
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        logger.info("image %s: %s", path, error)
        return "cannot be read"
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return "not a file"
        if info.st_size > MAX_BYTES:
            return "too big"
        with os.fdopen(handle, "rb", closefd=False) as file:
            return file.read(MAX_BYTES + 1)
    except OSError as error:
        logger.info("image %s: %s", path, error)
        return "cannot be read"
    finally:
        os.close(handle)


def _data_bytes(uri: str) -> bytes:
    """The payload of a ``data:image/...`` URI (base64 or percent-encoded); b"" if none."""
    header, _, payload = uri.partition(",")
    header = header.lower()
    if not header.startswith("data:image/"):
        return b""
    if header.endswith(";base64"):
        try:
            return base64.b64decode(unquote(payload).encode("ascii", "replace"))
        except ValueError:
            return b""
    return unquote_to_bytes(payload)


class _Budget:
    """What one image may still draw inside its SVGs: an SVG that draws itself many
    times over, at every depth, would otherwise cost exponential time."""

    def __init__(self, depth: int = 0, pictures: list[int] | None = None) -> None:
        self.depth = depth
        self._pictures = pictures if pictures is not None else [MAX_PICTURES]

    def deeper(self) -> _Budget | None:
        """The budget for one more picture inside, if any is left."""
        if self._pictures[0] <= 0:
            return None
        self._pictures[0] -= 1
        return _Budget(self.depth + 1, self._pictures)


def _decode(data: bytes, suffix: str, base: Path | None, root: Path | None,
            budget: _Budget) -> QImage:
    """``data`` as an image, read by the decoder of the format it is (a null image if none).

    ``base`` is where an SVG's relative ``<image>`` paths start, ``root`` the library.
    """
    if not data:
        return QImage()
    found = _format_of(data, suffix)
    if found is None:
        return QImage()
    if found in SVG_FORMATS:
        if budget.depth >= MAX_NESTING:
            return QImage()
        from content.sanitize import UnsafeSvg, sanitize_svg

        if data.startswith(b"\x1f\x8b"):  # svgz
            data = _gunzip(data)
        try:
            data = sanitize_svg(data, lambda href: _picture(href, base, root, budget.deeper()))
        except UnsafeSvg as error:
            logger.info("SVG not shown: %s", error)
            return QImage()
        found = "svg"
    return _read(data, found)


def _format_of(data: bytes, suffix: str) -> str | None:
    """The image format of ``data``, by its content (by ``suffix`` if that says nothing)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    found = bytes(QImageReader.imageFormat(buffer).data()).decode("ascii", "replace").lower()
    buffer.close()
    if found:
        return found
    if data.startswith(b"\x1f\x8b") or b"<svg" in data[:4096]:
        return "svg"  # whatever the name says, never handed to Qt unread
    wanted = suffix.lower().lstrip(".")
    supported = {bytes(name.data()).decode("ascii") for name in
                 QImageReader.supportedImageFormats()}
    return wanted if wanted in supported else None


def _read(data: bytes, image_format: str) -> QImage:
    """``data`` read by that format's decoder only: never another one Qt might guess."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, image_format.encode("ascii"))
    reader.setAutoDetectImageFormat(False)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        logger.info("image (%s): %s", image_format, reader.errorString())
    return image


def _gunzip(data: bytes) -> bytes:
    import zlib

    inflater = zlib.decompressobj(wbits=31)
    try:
        return inflater.decompress(data, MAX_BYTES)
    except zlib.error:
        return b""


def _picture(href: str, base: Path | None, root: Path | None,
             budget: _Budget | None) -> str | None:
    """An SVG ``<image>``'s picture as a ``data:`` PNG, if it is part of the SVG or a
    file inside the library (and the budget allows); else None, and it is left out."""
    if budget is None:
        return None
    href = href.strip()
    if href[:5].lower() == "data:":
        image = _decode(_data_bytes(href), "", None, root, budget)
    else:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or base is None or root is None:
            return None
        path = base / unquote(parts.path)
        found = read_inside(path, root)
        if isinstance(found, str):
            return None
        image = _decode(found, path.suffix, path.parent, root, budget)
    if image.isNull():
        return None
    png = QBuffer()
    png.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(png, "PNG")
    return "data:image/png;base64," + base64.b64encode(bytes(png.data().data())).decode("ascii")


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


"""An article, or one section of it, on paper or in a PDF with selectable text.

The printed page is the article's own HTML in the light theme at 100 %
(whatever the screen shows: paper is white), laid out by QTextDocument and
drawn onto a QPrinter or a QPdfWriter. Images load as on screen, from the
library's folder only. Needs a QGuiApplication, never a window, so
``encyclopedia pdf`` runs offscreen.

    >>> document = print_document(library, "article#some-section")
    >>> write_pdf(document, Path("out.pdf"), title="Some Section")
"""

from __future__ import annotations

import os
import re
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

from content import Article, Library
from content.pages import article_html
from viewer.images import page_image
from viewer.theme import page_html, page_points, page_stylesheet

CREATOR = "Encyclopedia"


class PrintError(Exception):
    """The PDF could not be written (a folder that does not exist, no permission...)."""


def section_html(article: Article, html: str, section_id: str | None) -> str:
    """The part of an article's HTML that is one section and its sub-sections.

    ``None`` or the article's lead means the whole article. A section runs from
    its heading to the heading of the next section that is not below it.
    """
    sections = list(article.walk())
    ids = [s.id for s in sections]
    if section_id is None or section_id == article.lead.id or section_id not in ids:
        return html
    at = ids.index(section_id)
    section = sections[at]
    start = _heading_start(html, section.anchor)
    if start is None:
        return html
    after = at + sum(1 for _ in section.walk())
    end = _heading_start(html, sections[after].anchor) if after < len(sections) else None
    return html[start:end]


def _heading_start(html: str, anchor: str) -> int | None:
    found = re.search(rf'<h[1-6]\b[^>]*\bid="{re.escape(escape(anchor))}"', html)
    return found.start() if found else None


class PrintDocument(QTextDocument):
    """A page laid out for paper; its images come from the library, as on screen."""

    def __init__(self, root: Path | None) -> None:
        super().__init__()
        self._root = root

    def loadResource(self, kind: int, name: QUrl) -> Any:
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return page_image(self.baseUrl().resolved(name), self._root)
        return None


def print_document(library: Library, section_id: str) -> PrintDocument:
    """The document to print for a section id (a slug or the lead: the whole article)."""
    section = library.section(section_id)
    article = library.article(section.slug)
    document = PrintDocument(library.root)
    document.setDefaultStyleSheet(page_stylesheet(dark=False))
    font = document.defaultFont()
    font.setPointSizeF(page_points())
    document.setDefaultFont(font)
    document.setBaseUrl(QUrl.fromLocalFile(str(article.path.parent) + "/"))
    document.setHtml(page_html(section_html(article, article_html(article), section.id)))
    # After setHtml, which resets it to the HTML's (absent) <title>.
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle,
                                article.title if section.id == article.lead_id else section.title)
    return document


def write_pdf(document: QTextDocument, path: Path, title: str | None = None) -> None:
    """Write ``document`` as a PDF at ``path``, atomically: a failure leaves no half file."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent if str(path.parent) else ".")
        os.close(handle)
    except OSError as error:
        raise PrintError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        writer = QPdfWriter(temporary)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setResolution(300)
        writer.setCreator(CREATOR)
        writer.setTitle(title or document.metaInformation(
            QTextDocument.MetaInformation.DocumentTitle))
        document.print_(writer)
        del writer  # the file is complete only once the writer is gone
        with open(temporary, "rb") as written:
            if written.read(5) != b"%PDF-":
                raise PrintError(f"cannot write {path}: the PDF came out empty")
        os.replace(temporary, path)
    except OSError as error:
        raise PrintError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

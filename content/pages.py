"""Rendered pages, cached on disk so that opening an article skips Markdown.

The key is the article file's fingerprint plus the renderer's own files, so a
changed article or a changed renderer never shows a stale page. The cache is
only an optimisation: if it cannot be read or written, we render.
"""

from __future__ import annotations

import logging

from content.errors import ContentError
from content.files import atomic_write
from content.library import Article, code_stamp
from content.places import cache_dir

logger = logging.getLogger(__name__)
_RENDERER_FILES = ("parse.py", "render.py", "sanitize.py")  # a new renderer: new pages


def article_html(article: Article) -> str:
    """The article's safe HTML, from the cache when it is fresh."""
    path = cache_dir() / "pages" / f"{article.fingerprint}-{code_stamp(*_RENDERER_FILES)}.html"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    from content.render import render_html

    try:
        body, read_from = article.source()
    except ContentError as error:
        from html import escape

        return f"<p class=\"blocked\">{escape(str(error))}</p>"
    html = render_html(article, body)
    if read_from != article.fingerprint:
        return html  # the file changed after its outline was read: not this key's page
    try:
        atomic_write(path, html)
    except OSError as error:
        logger.info("page cache not written: %s", error)
    return html

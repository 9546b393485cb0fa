"""Rendered pages, cached on disk so that opening an article skips Markdown.

The key is the article file's fingerprint, the library's flavour (an mdBook
hides lines a plain folder shows) and the renderer's own files, so a changed
article, flavour or renderer never shows a stale page. The cache is only an
optimisation: if it cannot be read or written, we render.
"""

from __future__ import annotations

import logging

from content.errors import ContentError
from content.files import atomic_write
from content.library import Article, code_stamp, fingerprint
from content.parse import OUTLINE_FILES
from content.places import cache_dir

logger = logging.getLogger(__name__)
RENDERER_FILES = (*OUTLINE_FILES, "render.py", "sanitize.py")  # a new renderer: new pages


def article_html(article: Article) -> str:
    """The article's safe HTML, from the cache when it is fresh."""
    flavour = fingerprint(article.flavour.key().encode())
    name = f"{article.fingerprint}-{flavour}-{code_stamp(*RENDERER_FILES)}.html"
    path = cache_dir() / "pages" / name
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

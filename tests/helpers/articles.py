"""Articles made from Markdown text, read the way a library of some flavour reads it."""

from __future__ import annotations

import re
from pathlib import Path

from content.flavour import PLAIN, Flavour
from content.library import Article, fingerprint
from content.loading import article_from_outline
from content.parse import outline
from content.render import render_html


def article_of(source: str, flavour: Flavour = PLAIN, slug: str = "doc") -> Article:
    """The article a library of ``flavour`` makes of ``source`` (its text kept)."""
    found = outline(source, flavour)
    return article_from_outline(slug, Path(f"{slug}.md"), found.meta, found.headings,
                                fingerprint(source.encode()), found.body, flavour)


def page_of(source: str, flavour: Flavour = PLAIN) -> str:
    """The safe HTML page of ``source``."""
    return render_html(article_of(source, flavour))


def heading_ids(html: str) -> list[str]:
    """The ids of the page's headings, in order."""
    return re.findall(r'<h[1-6][^>]* id="([^"]*)"', html)


def section_anchors(article: Article) -> list[str]:
    """The anchors of the article's sections (its lead's too, if it has a heading), in order."""
    return [section.anchor for section in article.walk() if section.anchor]


def code_text(html: str) -> list[str]:
    """The text of each code block of the page, as shown."""
    from html import unescape

    return [unescape(re.sub(r"<[^>]+>", "", block))
            for block in re.findall(r"(?s)<pre[^>]*>(.*?)</pre>", html)]


def text_outside_code(html: str) -> str:
    """The page's text, without its code blocks and code spans."""
    from html import unescape

    html = re.sub(r"(?s)<pre.*?</pre>|<code>.*?</code>", "", html)
    return unescape(re.sub(r"<[^>]+>", "", html))

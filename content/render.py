"""Rendering an article: Markdown to safe HTML, and the plain text of each section."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from typing import Any

from content.library import Article
from content.sanitize import sanitize

EXTENSIONS = ["toc", "tables", "fenced_code", "footnotes", "attr_list", "def_list", "sane_lists"]
_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "table", "tr", "thead", "tbody", "tfoot", "caption",
    "blockquote", "pre", "dl", "dt", "dd", "hr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "details", "summary", "figure", "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


_local = threading.local()


def _converter() -> Any:
    """This thread's Markdown converter: one instance is not safe to share between threads.

    The window renders in the UI thread while workers index or re-anchor bookmarks.
    """
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _new_converter()
    return converter


def _new_converter() -> Any:
    # Imported here: the window shows a cached page without paying for Markdown.
    import markdown
    from markdown.extensions import Extension
    from markdown.extensions.toc import TocExtension
    from markdown.treeprocessors import Treeprocessor

    class SectionAnchors(Treeprocessor):
        """Gives the top-level headings the anchors the outline computed, in order.

        Done on the element tree rather than by writing ``{#id}`` into the source,
        so no anchor can be mistaken for Markdown (``_x_`` would become emphasis).
        It runs after attr_list and before toc, which keeps ids it finds.
        """

        def __init__(self, md: Any) -> None:
            super().__init__(md)
            self.anchors: list[tuple[int, str]] = []  # (level, anchor), set per render

        def run(self, root: Any) -> None:
            expected = iter(self.anchors)
            want = next(expected, None)
            for element in root:
                if want is None:
                    break
                if element.tag in _HEADINGS and int(element.tag[1]) == want[0]:
                    element.set("id", want[1])
                    want = next(expected, None)

    class SectionAnchorsExtension(Extension):
        def extendMarkdown(self, md: Any) -> None:
            md.treeprocessors.register(SectionAnchors(md), "section_anchors", 6)

    extensions: list[Any] = [e for e in EXTENSIONS if e != "toc"]
    extensions += [TocExtension(permalink=False), SectionAnchorsExtension()]
    return markdown.Markdown(extensions=extensions, output_format="html")


def render_html(article: Article, body: str | None = None) -> str:
    """The article's body (or ``body``, read already) as safe HTML; headings carry
    the section anchors as ids."""
    converter = _converter()
    converter.reset()
    processor = converter.treeprocessors["section_anchors"]
    processor.anchors = [(s.level, s.anchor) for s in article.walk() if s.anchor]
    return sanitize(converter.convert(article.body if body is None else body))


class _SectionText(HTMLParser):
    """Splits rendered HTML into the text of each section, at headings with known ids."""

    def __init__(self, anchors: dict[str, str], lead_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors = anchors
        self.current = lead_id
        self.in_heading = False
        self.parts: dict[str, list[str]] = {lead_id: []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            anchor = dict(attrs).get("id") or ""
            if anchor in self.anchors:
                self.current = self.anchors[anchor]
                self.parts.setdefault(self.current, [])
                self.in_heading = True
                return
        if tag in _BLOCK_TAGS or tag in ("td", "th"):
            self.parts[self.current].append("\n" if tag in _BLOCK_TAGS else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS and self.in_heading:
            self.in_heading = False
        elif tag in _BLOCK_TAGS or tag in ("td", "th"):
            self.parts[self.current].append("\n" if tag in _BLOCK_TAGS else " ")

    def handle_data(self, data: str) -> None:
        if not self.in_heading:
            self.parts[self.current].append(data)


def section_texts(article: Article, html: str | None = None) -> dict[str, str]:
    """Plain text of each section's own content (without its sub-sections), by id."""
    anchors = {s.anchor: s.id for s in article.walk() if s.anchor}
    parser = _SectionText(anchors, article.lead.id)
    parser.feed(html if html is not None else render_html(article))
    parser.close()
    return {section.id: _tidy("".join(parser.parts.get(section.id, [])))
            for section in article.walk()}


def plain_text(article: Article, html: str | None = None) -> str:
    """The whole article as plain text: headings and paragraphs, one per line."""
    texts = section_texts(article, html)
    lines = []
    for section in article.walk():
        lines.append(section.title)
        if texts[section.id]:
            lines.append(texts[section.id])
    return "\n".join(lines)


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{2,}", "\n", "\n".join(line for line in lines if line)).strip()

"""Rendering an article: Markdown to safe HTML, and the plain text of each section.

The Markdown set-up (extensions, fences, CommonMark nesting) is
:mod:`content.converter`'s, shared with the exact outline. What only the page
needs is here: the section anchors on its headings, admonitions and callouts
drawn as boxes QTextBrowser can show, and the sanitizing.
"""

from __future__ import annotations

import logging
import re
import threading
from html import escape
from html.parser import HTMLParser
from typing import Any

from content.flavour import PLAIN, Flavour
from content.library import Article
from content.limits import MAX_TABLE_NESTING, shown_text
from content.sanitize import sanitize

logger = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "table", "tr", "thead", "tbody", "tfoot", "caption",
    "blockquote", "pre", "dl", "dt", "dd", "hr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
    "details", "summary", "figure", "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Admonition kinds (MkDocs', GitHub's and the callouts') by the colour of their box.
_BOX_KINDS = {
    "note": ("note", "info", "todo", "abstract", "summary", "tldr", "seealso", "quote", "cite",
             "example"),
    "tip": ("tip", "hint", "success", "check", "done", "important", "question", "help", "faq"),
    "warning": ("warning", "caution", "attention"),
    "danger": ("danger", "error", "bug", "failure", "fail", "missing"),
}
_BOX_OF = {kind: box for box, kinds in _BOX_KINDS.items() for kind in kinds}
# A highlighted code block, as a one-cell table: QTextBrowser pads and frames a cell,
# never a div or a pre. (Escaped code never holds "</pre>".)
_HIGHLIGHTED = r'(?s)<div class="highlight"><pre>(.*?)\n?(</code>)?</pre></div>'
# (Without the code's last newline, which QTextBrowser would show as an empty line.)
_CODE_BOX = (r'<table class="code" width="100%"><tr><td class="code">'
             r"<pre>\1\2</pre></td></tr></table>")
# The tags of a table, and what each becomes in a table nested too deep for Qt.
_TABLE_TAG = re.compile(r"(?i)<(/?)(table|thead|tbody|tfoot|tr|td|th|caption)\b([^>]*)>")
_ID = re.compile(r"""\sid\s*=\s*("[^"]*"|'[^']*')""")

_local = threading.local()


def _converter(flavour: Flavour) -> Any:
    """This thread's page renderer for a flavour: a Markdown instance is not safe to share
    between threads, and the window renders in the UI thread while workers index."""
    converters: dict[str, Any] = _local.__dict__.setdefault("converters", {})
    converter = converters.get(flavour.name)
    if converter is None:
        converter = converters[flavour.name] = _new_converter(flavour)
    return converter


def _new_converter(flavour: Flavour) -> Any:
    # Imported here: the window shows a cached page without paying for Markdown.
    from markdown.extensions import Extension
    from markdown.extensions.toc import TocExtension
    from markdown.treeprocessors import Treeprocessor

    from content.converter import markdown_for

    class SectionAnchors(Treeprocessor):
        """Gives the page's headings the anchors the outline computed, in order.

        The outline has every heading of the page (in quotes, list items and
        footnotes too), in document order. Done on the element tree rather than
        by writing ``{#id}`` into the source, so no anchor can be mistaken for
        Markdown (``_x_`` would become emphasis). It runs after attr_list and
        before toc, which keeps the ids it finds.
        """

        def __init__(self, md: Any) -> None:
            super().__init__(md)
            self.anchors: list[tuple[int, str]] = []  # (level, anchor), set per render

        def run(self, root: Any) -> None:
            expected = iter(self.anchors)
            want = next(expected, None)
            for element in root.iter():
                if want is None:
                    break
                if element.tag in _HEADINGS and int(element.tag[1]) == want[0]:
                    element.set("id", want[1])
                    want = next(expected, None)

    class Boxes(Treeprocessor):
        """Admonitions, details and callouts as one-cell tables: QTextBrowser draws no
        border or background around a ``div``, but does around a table cell."""

        def run(self, root: Any) -> None:
            for index, element in enumerate(list(root)):
                self.run(element)  # boxes in boxes first
                kind = _box_kind(element)
                if kind is not None:
                    root[index] = _boxed(element, kind)

    class PageExtension(Extension):
        def extendMarkdown(self, md: Any) -> None:
            md.treeprocessors.register(SectionAnchors(md), "section_anchors", 6)
            md.treeprocessors.register(Boxes(md), "boxes", 4)

    return markdown_for(flavour, highlight=True,
                        extensions=[TocExtension(permalink=False), PageExtension()])


def _box_kind(element: Any) -> str | None:
    """The box colour of an admonition, details or callout element, or None if it is none."""
    if element.tag not in ("div", "details"):
        return None
    classes = (element.get("class") or "").split()
    if element.tag == "div" and "admonition" not in classes:
        return None
    kinds = [name for name in classes if name != "admonition"]
    return _BOX_OF.get(kinds[0].lower(), "note") if kinds else "note"


def _boxed(element: Any, kind: str) -> Any:
    import xml.etree.ElementTree as etree

    table = etree.Element("table", {"class": f"box box-{kind}", "width": "100%"})
    table.tail = element.tail
    cell = etree.SubElement(etree.SubElement(table, "tr"), "td", {"class": f"box box-{kind}"})
    for child in list(element):
        if child.tag == "summary" or "admonition-title" in (child.get("class") or ""):
            child.tag = "p"
            child.set("class", f"box-title box-title-{kind}")
        cell.append(child)
    if element.text and element.text.strip():
        cell.text = element.text
    return table


def render_html(article: Article, body: str | None = None) -> str:
    """The article's body (or ``body``, read already) as safe HTML; headings carry
    the section anchors as ids. A page past a limit is its text, plain."""
    from content.converter import convert

    text = article.body if body is None else body
    if article.notice:
        return plain_page(text, article.notice)
    flavour = getattr(article, "flavour", PLAIN)
    converter = _converter(flavour)
    processor = converter.treeprocessors["section_anchors"]
    processor.anchors = [(s.level, s.anchor) for s in article.walk() if s.anchor]
    try:
        html = convert(converter, text, flavour)
    except RecursionError:
        # content.limits keeps a page's nesting well below this: never seen, but a
        # page is never worth a crash. (The renderer is made anew: it broke midway.)
        logger.warning("%s: nested too deep to render; shown as plain text", article.path)
        _local.__dict__.get("converters", {}).pop(flavour.name, None)
        return plain_page(text, "Shown as plain text because it is nested too deep to render.")
    return _flat_deep_tables(sanitize(re.sub(_HIGHLIGHTED, _CODE_BOX, html)))


def plain_page(text: str, notice: str) -> str:
    """A page past a limit: the one-line notice, then its text as it is, escaped, in
    a block whose lines wrap (words past the limit of a word are cut)."""
    return (f'<p class="blocked">{escape(notice)}</p>\n'
            f'<pre class="plain">{escape(shown_text(text), quote=False)}</pre>')


def plain_text_of(text: str) -> str:
    """The text a plain page shows, as :func:`section_texts` gives it."""
    return _tidy(shown_text(text))


def _flat_deep_tables(html: str) -> str:
    """The page with tables nested deeper than :data:`MAX_TABLE_NESTING` written as
    blocks. Qt's layout of nested tables doubles its time with each level (16
    levels: 1 s, 20: 12 s), and every admonition and code block is a table here."""
    if html.count("<table") <= MAX_TABLE_NESTING:
        return html
    depth = 0

    def block(found: re.Match[str]) -> str:
        nonlocal depth
        closing, tag = found.group(1), found.group(2).lower()
        if tag == "table":
            depth += -1 if closing else 1
            deep = depth + (1 if closing else 0) > MAX_TABLE_NESTING
        else:
            deep = depth > MAX_TABLE_NESTING
        if not deep:
            return found.group()
        if tag in ("thead", "tbody", "tfoot"):
            return ""
        if closing:
            return "</div>"
        anchor = _ID.search(found.group(3))
        return f"<div id={anchor.group(1)}>" if anchor else "<div>"

    return _TABLE_TAG.sub(block, html)


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
    if article.notice:  # a plain page: its lead is all it has, the notice left out
        return {article.lead.id: plain_text_of(article.body)}
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

"""Make rendered HTML safe to show: nothing runs, nothing loads from afar.

Articles may hold raw HTML (wiki exports do). We keep the harmless part of it
(formatting, tables, details) and drop the rest: scripts, styles, frames,
forms, event handlers, ``javascript:`` URLs and any remote resource. Links to
http(s) pages stay, since the viewer only opens them in the system browser
when clicked.

Every ``id`` stays (headings, footnotes' ``fn:1`` and ``fnref:1``, raw anchors'
``id`` and ``name``): links lead to them. What an unknown tag leaves behind, an
empty paragraph, goes; and an element that is dropped with its content but never
closed (``<script>`` alone) does not take the rest of the page with it.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var"})
VOID_TAGS = frozenset({"br", "hr", "img", "col"})
# Their content is dropped with them, not shown as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                                  "template", "svg", "math", "head", "title", "textarea",
                                  "select"})
ALLOWED_ATTRS = frozenset({"id", "class", "href", "src", "alt", "title", "colspan", "rowspan",
                           "align", "width", "height", "name", "start", "type", "open"})
LINK_SCHEMES = ("http:", "https:", "mailto:")
REMOTE_PREFIXES = ("http:", "https:", "ftp:", "//")


def safe_link(url: str) -> bool:
    """Whether an ``href`` may be kept: relative, fragment, http(s) or mailto."""
    lowered = "".join(url.split()).lower()
    if ":" not in lowered.split("/", 1)[0].split("#", 1)[0]:
        return True  # relative path or fragment
    return lowered.startswith(LINK_SCHEMES)


def safe_source(url: str) -> bool:
    """Whether an ``src`` may be kept: local files only, never the network."""
    lowered = "".join(url.split()).lower()
    if lowered.startswith(REMOTE_PREFIXES):
        return False
    scheme = lowered.split("/", 1)[0]
    return ":" not in scheme or lowered.startswith("data:image/")


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0  # depth inside a DROPPED_WITH_CONTENT element
        self.dropped_at: tuple[tuple[int, int], str] | None = None  # where, and its tag's text
        self.unclosed: tuple[tuple[int, int], str] | None = None  # that, if never closed
        self.open: list[str] = []
        self.paragraphs: list[int] = []  # where in ``out`` each open <p> starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            if not self.dropping:
                self.dropped_at = (self.getpos(), self.get_starttag_text() or "")
            self.dropping += 1
            return
        if self.dropping:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "input" and values.get("type") == "checkbox":
            # A task list's box (QTextBrowser has no form controls): drawn as a character.
            self.out.append("\u2611" if "checked" in values else "\u2610")
            return
        if tag not in ALLOWED_TAGS:
            return
        if tag == "img" and not safe_source(values.get("src", "")):
            # Keep the image's place and description, never its remote content.
            label = values.get("alt") or "image"
            self.out.append(f'<span class="blocked">[{escape(label)}: not loaded]</span>')
            return
        kept = []
        for name, value in attrs:
            value = value or ""
            if name not in ALLOWED_ATTRS:
                continue
            if name == "href" and not safe_link(value):
                continue
            kept.append((name, value))
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in kept)
        if tag == "p":
            self.paragraphs.append(len(self.out))
        self.out.append(f"<{tag}{attributes}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            return
        self.handle_starttag(tag, attrs)
        if tag in self.open and tag not in VOID_TAGS and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            if closing == "p" and self._drop_if_empty():
                if tag == "p":
                    break
                continue
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def _drop_if_empty(self) -> bool:
        """Take back the <p> just closed if nothing but white space was written in it."""
        start = self.paragraphs.pop()
        if any(part.strip() for part in self.out[start + 1:]):
            return False
        del self.out[start:]
        return True

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        self.unclosed = self.dropped_at if self.dropping else None
        self.dropping = 0
        while self.open:
            self.handle_endtag(self.open[-1])


def sanitize(html: str) -> str:
    """``html`` with only safe tags, attributes and URLs left."""
    while True:
        parser = _Sanitizer()
        parser.feed(html)
        parser.close()
        if parser.unclosed is None:
            return "".join(parser.out)
        # Dropped to the end: that element was never closed. Without its tag, what
        # followed it is read (and made safe) as the rest of the page.
        (line, column), tag = parser.unclosed
        start = _offset(html, line, column)
        if not tag or html[start:start + len(tag)] != tag:
            return "".join(parser.out)
        html = html[:start] + html[start + len(tag):]


def _offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of HTMLParser's (line, column) position."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column

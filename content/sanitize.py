"""Make rendered HTML safe to show: nothing runs, nothing loads from afar.

Articles may hold raw HTML (wiki exports do). We keep the harmless part of it
(formatting, tables, details) and drop the rest: scripts, styles, frames,
forms, event handlers, ``javascript:`` URLs and any remote resource. Links to
http(s) pages stay, since the viewer only opens them in the system browser
when clicked.
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
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED_TAGS:
            return
        values = {name: value or "" for name, value in attrs}
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
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


def sanitize(html: str) -> str:
    """``html`` with only safe tags, attributes and URLs left."""
    parser = _Sanitizer()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)

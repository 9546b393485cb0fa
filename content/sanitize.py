"""Make rendered HTML safe to show: nothing runs, nothing loads from afar.

Articles may hold raw HTML (wiki exports do). We keep the harmless part of it
(formatting, tables, details) and drop the rest: scripts, styles, frames,
forms, event handlers, ``javascript:`` URLs and any remote resource. Links to
http(s) pages stay, since the viewer only opens them in the system browser
when clicked.

Every ``id`` stays (headings, footnotes' ``fn:1`` and ``fnref:1``, raw anchors'
``id`` and ``name``): links lead to them. What an unknown tag leaves behind, an
empty paragraph, goes; and an element that is dropped with its content but never
closed (``<script>`` alone) does not take the rest of the page with it. One pass
reads the page, however many such tags it has.

An SVG picture is made safe too (:func:`sanitize_svg`) before Qt draws it, since
Qt's SVG renderer would read any file, or stylesheet, that the SVG names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from typing import Any

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var"})
VOID_TAGS = frozenset({"br", "hr", "img", "col"})
# Their content is dropped with them, not shown as text. Other unknown tags go alone,
# their content shown: ``<embed>`` has none (it is void), and what ``<noscript>``,
# ``<iframe>`` and ``<object>`` hold is the fallback for a reader that runs no script,
# shows no frame and no plugin, as this one. (Python-Markdown closes a block-level
# tag the source left open, at the next blank line: what followed it stays.)
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "svg", "math", "head",
                                  "title", "textarea", "select"})
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


START, START_END, END, DATA = range(4)
Token = tuple[int, str, list[tuple[str, str | None]]]  # (kind, tag or text, attributes)


class _Tokens(HTMLParser):
    """The page's tags and text, in order, in one pass.

    An element that HTMLParser reads as raw text (``<script>``, ``<style>``; in
    newer Pythons ``<textarea>`` and ``<title>`` too) but that is never closed is
    read as a lone tag: what follows it stays the page, not that element's text.
    """

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.tokens: list[Token] = []
        self._line_starts: list[int] | None = None
        # Per raw-text element: (from, at) -- the first closing tag at or after
        # ``from`` is at ``at`` (-1: none). Later searches reuse it, so many
        # unclosed tags cost one scan, not one each.
        self._closing: dict[str, tuple[int, int]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append((START, tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append((START_END, tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append((END, tag, []))

    def handle_data(self, data: str) -> None:
        self.tokens.append((DATA, data, []))

    def set_cdata_mode(self, elem: str, *args: Any, **kwargs: Any) -> None:
        super().set_cdata_mode(elem, *args, **kwargs)
        after = self._offset() + len(self.get_starttag_text() or "")
        if not self._closed_after(elem, after):
            self.clear_cdata_mode()

    def _closed_after(self, elem: str, start: int) -> bool:
        known = self._closing.get(elem)
        if known is not None:
            since, at = known
            if start >= since and (at < 0 or start <= at):
                return at >= 0
        found = self.interesting.search(self.html, start)  # what ends it, as the parser looks
        at = found.start() if found else -1
        self._closing[elem] = (start, at)
        return at >= 0

    def _offset(self) -> int:
        """Where in ``html`` the parser is, from its (line, column)."""
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.html))]
        line, column = self.getpos()
        return self._line_starts[line - 1] + column


def _closed_pairs(tokens: list[Token]) -> dict[int, int]:
    """For each element dropped with its content that is closed: start index -> end index.

    Elements of one name pair as brackets do; one that is never closed pairs with
    nothing, and is dropped alone.
    """
    opened: dict[str, list[int]] = {}
    pairs: dict[int, int] = {}
    for index, (kind, tag, _) in enumerate(tokens):
        if kind == START and tag in DROPPED_WITH_CONTENT:
            opened.setdefault(tag, []).append(index)
        elif kind == END and opened.get(tag):
            pairs[opened[tag].pop()] = index
    return pairs


class _Writer:
    """The safe HTML of a page's tokens."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[str] = []
        self.paragraphs: list[int] = []  # where in ``out`` each open <p> starts

    def write(self, tokens: list[Token]) -> str:
        pairs = _closed_pairs(tokens)
        index = 0
        while index < len(tokens):
            kind, tag, attrs = tokens[index]
            index += 1
            if kind == DATA:
                self.out.append(escape(tag, quote=False))
            elif tag in DROPPED_WITH_CONTENT:
                if kind == START and index - 1 in pairs:
                    index = pairs[index - 1] + 1  # with everything up to its end tag
            elif kind == END:
                self.end(tag)
            else:
                self.start(tag, attrs)
                if kind == START_END and self.open and self.open[-1] == tag \
                        and tag not in VOID_TAGS:
                    self.end(tag)
        while self.open:
            self.end(self.open[-1])
        return "".join(self.out)

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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

    def end(self, tag: str) -> None:
        if tag not in self.open:
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


def sanitize(html: str) -> str:
    """``html`` with only safe tags, attributes and URLs left."""
    parser = _Tokens(html)
    parser.feed(html)
    parser.close()
    return _Writer().write(parser.tokens)


# --- SVG ---------------------------------------------------------------------------------

# Dropped with everything in them: they run things or hold a page of their own.
SVG_DROPPED = frozenset({"script", "foreignobject", "handler", "listener", "iframe"})
# Elements whose ``href`` names a picture to draw; any other element's may only name an
# element of the same document (``#id``).
SVG_PICTURES = frozenset({"image", "feimage"})
SVG_REFERRING = frozenset({*SVG_PICTURES, "use"})  # nothing without their href
_CSS_URL = re.compile(r"""(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
_CSS_COMMENT = re.compile(r"(?s)/\*.*?(?:\*/|\Z)")
_CSS_IMPORT = re.compile(r"(?i)@import[^;]*;?")
# After the above, any of these is a reference we did not take apart: the CSS goes.
_CSS_LEFT = re.compile(r"(?i)@import|url\s*\((?!#)|image-set\s*\(|image\s*\(|src\s*\(|"
                       r"expression\s*\(|element\s*\(")


class UnsafeSvg(ValueError):
    """An SVG that is not well-formed XML, or declares entities: it is not shown."""


def sanitize_svg(data: bytes, picture: Callable[[str], str | None] | None = None) -> bytes:
    """SVG ``data`` that refers to nothing outside itself, for Qt's renderer.

    Qt's SVG renderer reads the files an ``<image>`` names, the stylesheet of an
    ``<?xml-stylesheet?>`` and more, wherever they are. Here, every reference goes:
    ``href``s other than ``#id`` (an ``<image>``'s is given to ``picture``, which
    returns a ``data:`` URI to put in its place, or None), ``url()``s other than
    ``url(#id)`` in attributes and stylesheets, ``@import``, processing
    instructions, scripts, ``on*`` handlers and ``xml:base``. A document type
    declaration goes too; one that declares entities (billion laughs, a file read
    as an entity) makes the whole SVG refused, with UnsafeSvg, as does XML that
    is not well-formed.

        >>> sanitize_svg(b'<svg><image href="/etc/x.png"/><use href="#a"/></svg>')
        b'<svg><image></image><use href="#a"></use></svg>'
    """
    from xml.parsers import expat

    out: list[str] = []
    dropping = 0  # depth inside an SVG_DROPPED element
    in_style: list[str] | None = None  # the text of the open <style>

    def refuse(*_args: object) -> int:
        raise UnsafeSvg("entities are not allowed in an SVG")

    def start(name: str, attributes: list[str]) -> None:
        nonlocal dropping, in_style
        local = name.rpartition(":")[2].lower()
        if dropping or local in SVG_DROPPED or in_style is not None:
            dropping += 1
            return
        kept = []
        referred = False
        for at in range(0, len(attributes), 2):
            attribute, value = attributes[at], attributes[at + 1]
            safe = _svg_attribute(local, attribute, value, picture)
            if safe is not None:
                kept.append(f' {attribute}="{escape(safe)}"')
                referred = referred or attribute.rpartition(":")[2].lower() == "href"
        if local in SVG_REFERRING and not referred:
            dropping += 1  # an <image> or <use> of nothing: nothing to draw
            return
        out.append(f"<{name}{''.join(kept)}>")
        if local == "style":
            in_style = []

    def end(name: str) -> None:
        nonlocal dropping, in_style
        if dropping:
            dropping -= 1
            return
        if in_style is not None:
            out.append(escape(_safe_css("".join(in_style)) or "", quote=False))
            in_style = None
        out.append(f"</{name}>")

    def text(data: str) -> None:
        if dropping:
            return
        if in_style is not None:
            in_style.append(data)
        else:
            out.append(escape(data, quote=False))

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    # Comments, processing instructions and the document type are not handled: they go.
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise UnsafeSvg(f"not well-formed XML: {error}") from None
    return "".join(out).encode("utf-8")


def _svg_attribute(element: str, name: str, value: str,
                   picture: Callable[[str], str | None] | None) -> str | None:
    """What an SVG attribute becomes (None: dropped); ``element`` is a lowercase local name."""
    local = name.rpartition(":")[2].lower()
    if local.startswith("on") or name == "xml:base":
        return None
    if local == "href":
        if element in SVG_PICTURES:
            return picture(value) if picture is not None else None
        return value if value.strip().startswith("#") else None
    if local == "style" or "(" in value or "@" in value:
        return _safe_css(value)
    return value


def _safe_css(css: str) -> str | None:
    """CSS with no reference to anything but ``#id``; None if it cannot be made so."""
    if "\\" in css:  # an escape could spell url( or @import some other way
        return None
    css = _CSS_IMPORT.sub("", _CSS_COMMENT.sub(" ", css))

    def fragment_only(found: re.Match[str]) -> str:
        target = next((group for group in found.groups() if group is not None), "")
        return f"url({target})" if target.startswith("#") and '"' not in target else "none"

    css = _CSS_URL.sub(fragment_only, css)
    return None if _CSS_LEFT.search(css) else css

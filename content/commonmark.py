"""CommonMark's block structure, written out the way Python-Markdown reads it.

mdBook (pulldown-cmark) and GitHub read Markdown as CommonMark; we render with
Python-Markdown, which differs where nesting is concerned. The main difference
is indentation: CommonMark nests a line in a list item when it is indented to
the item's text (2 spaces under ``- ``, 3 under ``1. ``), Python-Markdown only
at 4 spaces. Real books indent fences and paragraphs under items by 2 or 3.

:func:`python_markdown_text` reads the containers (block quotes and list items)
as CommonMark does and writes every line again with Python-Markdown's prefixes:
``> `` per quote and 4 spaces per item, the item's own marker on its first line.
On the way it settles the few other places where the two read blocks apart:

- a fence closes as CommonMark closes it: with a fence at least as long (it is
  written as the opening one), or where its container ends (a closing fence is
  added), and a blank line keeps a fenced block apart from the text after it;
- a list item or fence that interrupts a paragraph gets a blank line before it
  (Python-Markdown would read it as more of the paragraph);
- ``#word`` and ``#######`` are text, not headings (an ATX heading needs a space);
- an underlined paragraph of several lines is one heading, written as ``##``;
- an ``===`` or ``---`` line that CommonMark reads as text or as a rule is not
  Python-Markdown's underline of the line above.

Lines inside fenced code keep their text (only their container prefix is
rewritten), so code is never changed. The result usually has the same lines as
the input; it has more where a blank line or a closing fence was added.

    >>> python_markdown_text("1. Step\\n   ```sh\\n   make\\n   ```")
    '1. Step\\n\\n    ```sh\\n    make\\n    ```'
"""

from __future__ import annotations

import re
from typing import NamedTuple

from content.flavour import Flavour

COMMONMARK_FLAVOURS = ("mdbook", "plain")  # the others are read as Python-Markdown reads them
QUOTE = 0  # in the container stack; a list item is its content width (2 or more)

_FENCE = r"(`{3,}|~{3,})(.*)$"
_LIST_MARKER = r"([-+*]|(\d{1,9})[.)])( +|$)"
_THEMATIC_BREAK = r"([-*_])(?: *\1){2,} *$"
_ATX = r"#{1,6}(?:[ \t]|$)"
_UNDERLINE = r"(=+|-+) *$"
# A line that starts with none of these reads the same in CommonMark and Python-Markdown.
_MAY_DIFFER = r"(?:[ >*+\-0-9`~<=\[_]|#{7}|#+[^#\s])"
# The tags whose raw HTML block Python-Markdown runs on to their closing tag
# (markdown.Markdown().block_level_elements, less the void ``hr``).
_PYTHON_MARKDOWN_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "colgroup", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "group",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html", "iframe", "legend", "li",
    "main", "map", "math", "menu", "nav", "noscript", "object", "ol", "option", "output", "p",
    "pre", "progress", "script", "section", "style", "summary", "table", "tbody", "td",
    "textarea", "tfoot", "th", "thead", "tr", "ul", "video"})
_LINK_DEFINITION = r"\[[^\]]+\]:\s*\S"
# CommonMark's HTML blocks of kinds 1-6 (kind 7, any lone tag, cannot interrupt a paragraph).
_HTML_RAW = r"(?i)<(pre|script|style|textarea)(?:[\s>]|$)"
_HTML_BLOCK_TAG = (
    r"(?i)</?(address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|"
    r"dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    r"h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    r"optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    r"track|ul)(?:\s|/?>|$)")
_HTML_LONE_TAG = (r"(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+"
                  r"|'[^']*'|\"[^\"]*\"))?)*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$")


class _Fence(NamedTuple):
    marker: str  # the opening fence: what closes it here
    indent: int  # spaces before the opening fence, taken off its lines
    depth: int  # how many containers hold it


class _Paragraph(NamedTuple):
    out: int  # index of the line in the output
    prefix: str  # its container prefix there
    text: str


def source_text(body: str, flavour: Flavour) -> str:
    """The text Python-Markdown reads for ``body``: a CommonMark flavour's is rewritten."""
    if flavour.name in COMMONMARK_FLAVOURS:
        return python_markdown_text(body)
    return body


def python_markdown_text(text: str) -> str:
    """``text`` (CommonMark) as Python-Markdown will read it the same way; see the module."""
    if "\t" in text:
        text = text.expandtabs(4)  # as Python-Markdown does first, and CommonMark's tab stop
    elif re.match(_MAY_DIFFER, text) is None and re.search("\n" + _MAY_DIFFER, text) is None:
        # (Searched from "\n", not with ^ and re.M, which would try every character.)
        return text  # prose and headings only (a big wiki's usual page): nothing to rewrite
    return "\n".join(_Reader().lines(text.split("\n")))


def _indent(line: str, start: int) -> int:
    end = start
    while end < len(line) and line[end] == " ":
        end += 1
    return end - start


def _continuation(stack: list[int], depth: int) -> str:
    return "".join("> " if kind == QUOTE else "    " for kind in stack[:depth])


class _Reader:
    """One pass over the lines, keeping CommonMark's open containers and leaf block."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[int] = []  # open containers, outermost first
        self.fence: _Fence | None = None
        self.paragraph: list[_Paragraph] = []  # the open paragraph's lines
        self.paragraph_depth = 0  # containers around the open paragraph
        self.paragraph_on_marker = False  # it started on its list item's first line
        self.html_end: str | None = None  # what ends the open HTML block ("" a blank line)
        self.html_start = 0  # its first line in the output
        self.fence_closed = False  # the last line closed a fence
        self.code_depth: int | None = None  # the depth of the indented code just written
        self.list_ended: int | None = None  # the depth where a list just ended
        self.empty_items: set[int] = set()  # the items (by depth) that hold nothing yet
        self.empty_item: tuple[int, int] | None = None  # (line, depth) of an empty item's marker
        self.item_kinds: dict[int, bool] = {}  # whether the last item at a depth was numbered
        self.loose_items: dict[int, bool] = {}  # whether the open item at a depth had a blank

    def lines(self, lines: list[str]) -> list[str]:
        out = self.out
        for line in lines:
            if self.stack or self.fence is not None or self.html_end is not None \
                    or self.fence_closed or self.code_depth is not None \
                    or self.list_ended is not None:
                self.line(line)
            elif not line:  # the commonest lines first: blank, and prose at the top
                out.append(line)
                self.paragraph = []
            elif line[0].isalpha():
                if not self.paragraph:
                    self.paragraph_depth, self.paragraph_on_marker = 0, False
                self.paragraph.append(_Paragraph(len(out), "", line))
                out.append(line)
            else:
                self.line(line)
        if self.html_end is not None:
            self._end_html()
        if self.fence is not None:  # open to the end: CommonMark closes it there
            self.out.append(_continuation(self.stack, self.fence.depth) + self.fence.marker)
        return self.out

    def line(self, line: str) -> None:
        stack = self.stack
        pos, matched = 0, 0
        for kind in stack:  # which open containers this line continues
            if kind == QUOTE:
                spaces = _indent(line, pos)
                if spaces > 3 or line[pos + spaces:pos + spaces + 1] != ">":
                    break
                pos += spaces + 1
                if line[pos:pos + 1] == " ":
                    pos += 1
            elif line[pos:].strip():
                if _indent(line, pos) < kind:
                    break
                pos += kind
            elif matched in self.empty_items:
                break  # an item may start with one blank line, not two
            matched += 1
        rest = line[pos:]
        blank = not rest.strip()
        if self.empty_items and not blank:
            self.empty_items = {depth for depth in self.empty_items if depth >= matched}
        fence = self.fence
        if fence is not None:
            if matched == len(stack):
                prefix = _continuation(stack, matched)
                spaces = _indent(rest, 0)
                close = re.match(_FENCE, rest[spaces:]) if spaces < 4 else None
                if close and close.group(1)[0] == fence.marker[0] \
                        and len(close.group(1)) >= len(fence.marker) and not close.group(2).strip():
                    self.out.append(prefix + fence.marker)
                    self.fence, self.fence_closed = None, True
                else:
                    self.out.append((prefix + rest[min(spaces, fence.indent):]).rstrip()
                                    if rest.strip() else prefix.rstrip())
                return
            # The fence's container ends here, and the fence with it.
            self.out.append(_continuation(stack, fence.depth) + fence.marker)
            self.fence, self.fence_closed = None, True
        if self.html_end is not None:
            if matched == len(stack) and not (blank and self.html_end == ""):
                self.out.append(_continuation(stack, matched) + rest)
                if self.html_end and self.html_end in rest.lower():
                    self.html_end = None
                return
            self._end_html()
        # A new block starts from the containers matched; the paragraph is in another,
        # so a list item or a lone tag may start here, as they may not in a paragraph.
        lazy = matched < len(stack) and self.paragraph and not blank \
            and not self._starts_block(rest, interrupting=False)
        if lazy:
            # More of the open paragraph, whose containers stay open.
            self.out.append(_as_text(rest.strip()))
            return
        if matched < len(stack):
            closed = stack[matched:]
            del stack[matched:]
            self.empty_items = {depth for depth in self.empty_items if depth < matched}
            if any(kind != QUOTE for kind in closed):
                self.list_ended = matched
            self._end_paragraph()
            if not blank and self.out and self.out[-1].strip() \
                    and (QUOTE in closed or not re.match(_LIST_MARKER, rest.lstrip())):
                # Python-Markdown would read the line as more of the closed container.
                self._gap(_continuation(stack, matched).rstrip())
        self._blocks(line, pos, matched)

    def _gap(self, line: str) -> None:
        """Add a blank line (``line`` is its container prefix) that Python-Markdown needs
        where CommonMark needs none: the list items around it are loose now."""
        self.out.append(line)
        for depth, kind in enumerate(self.stack):
            if kind != QUOTE:
                self.loose_items[depth] = True

    def _end_html(self) -> None:
        """End the open HTML block, closing the tags it left open.

        CommonMark's HTML block ends at a blank line, and the Markdown after it is
        read as Markdown even inside an open ``<div>``; Python-Markdown's raw block
        runs on to the closing tag. Closed where CommonMark ends it, it ends there
        for both (the later closing tag is a stray, which the sanitizer drops).
        """
        if self.html_end == "":
            lines = self.out[self.html_start:]
            opened: list[str] = []
            for closing, name in re.findall(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])",
                                            "\n".join(lines) + " "):
                name = name.lower()
                if closing:
                    if name in opened:
                        del opened[len(opened) - 1 - opened[::-1].index(name)]
                elif name in _PYTHON_MARKDOWN_BLOCKS:
                    opened.append(name)
            if opened:
                self.out[-1] += "".join(f"</{name}>" for name in reversed(opened))
        self.html_end = None

    def _starts_block(self, rest: str, interrupting: bool) -> bool:
        """Whether ``rest`` starts a block that ends a paragraph (else it continues it)."""
        spaces = _indent(rest, 0)
        if spaces > 3:
            return False
        text = rest[spaces:]
        if not text or text[0] == ">" or re.match(_ATX, text) or _opens_fence(text):
            return True
        if text[0] == "<" and self._html_kind(text, interrupting) is not None:
            return True
        if re.match(_THEMATIC_BREAK, text):
            return True
        item = re.match(_LIST_MARKER, text)
        return item is not None and (not interrupting or _may_interrupt(item))

    def _end_paragraph(self) -> None:
        self.paragraph = []

    def _blocks(self, line: str, pos: int, matched: int) -> None:
        """The rest of a line that continued ``matched`` containers: new containers, then a leaf."""
        stack = self.stack
        prefix = _continuation(stack, matched)
        in_paragraph = bool(self.paragraph) and self.paragraph_depth == len(stack)
        first_of_item = False  # the leaf starts on a new list item's line
        while True:
            spaces = _indent(line, pos)
            if spaces > 3:
                break
            start = pos + spaces
            if line[start:start + 1] == ">":
                if in_paragraph and stack and stack[-1] != QUOTE:
                    self._gap(prefix.rstrip())  # see _leaf's headings
                stack.append(QUOTE)
                prefix += "> "
                pos = start + 1 + (line[start + 1:start + 2] == " ")
                in_paragraph, first_of_item = False, False
                continue
            text = line[start:]
            item = re.match(_LIST_MARKER, text)
            if item is None or re.match(_THEMATIC_BREAK, text):
                break
            if in_paragraph and not _may_interrupt(item):
                break  # more of the paragraph
            if in_paragraph and not self.paragraph_on_marker:
                # Python-Markdown's lists interrupt only an item's first paragraph.
                self._gap(prefix.rstrip())
            ordered = item.group(2) is not None
            if not first_of_item and self.out and self.out[-1].strip(" >") and (
                    (item.group(1) == "-" and item.end() == len(text))  # not an underline
                    or self.item_kinds.get(len(stack), ordered) != ordered  # a new list
                    # after an item with a blank line, which Python-Markdown's indented
                    # block would otherwise go on with
                    or self.loose_items.get(len(stack), False)):
                self._gap(prefix.rstrip())
            self.item_kinds[len(stack)] = ordered
            self.loose_items[len(stack)] = False
            gap = len(item.group(3))
            if gap > 4 or item.end() == len(text):
                gap = 1  # the text is indented code, or starts on the next line
            marker = item.group(1) if item.group(2) is None else item.group(2) + "."
            stack.append(spaces + len(item.group(1)) + gap)
            prefix += marker + " "
            pos = start + len(item.group(1)) + gap
            in_paragraph, first_of_item = False, True
        self._leaf(line[pos:], prefix, in_paragraph, first_of_item)

    def _leaf(self, rest: str, prefix: str, in_paragraph: bool, first_of_item: bool) -> None:
        stack = self.stack
        after_fence, self.fence_closed = self.fence_closed, False
        empty_item, self.empty_item = self.empty_item, None
        if not rest.strip():
            if first_of_item:
                # An empty list item keeps its marker's space: "-" alone is no item to
                # Python-Markdown; and what it holds may start on the next line.
                self.empty_item = (len(self.out), len(stack))
                self.empty_items.add(len(stack) - 1)
            self.out.append(prefix if first_of_item else prefix.rstrip())
            self._end_paragraph()
            for depth, kind in enumerate(stack):
                if kind != QUOTE:
                    self.loose_items[depth] = True
            return
        if after_fence:
            self._gap(_continuation(stack, len(stack)).rstrip())
        spaces = _indent(rest, 0)
        if empty_item == (len(self.out) - 1, len(stack)) and spaces < 4 and not first_of_item \
                and not _opens_fence(rest[spaces:]):
            # Python-Markdown reads an item's first text only on its marker's line.
            prefix, first_of_item = self.out.pop(), True
        list_ended, self.list_ended = self.list_ended, None
        if spaces >= 4:
            # Indented code, or more of a paragraph (which Python-Markdown keeps as it is).
            if list_ended == len(stack) and not in_paragraph:
                # Python-Markdown would read indented code after a list as the list's.
                self.out.append(prefix + "<!-- -->")
                self._gap(prefix.rstrip())
            if in_paragraph:
                self.paragraph.append(_Paragraph(len(self.out), prefix, rest.strip()))
            else:
                self._end_paragraph()
                self.code_depth = len(stack)
            self.out.append(prefix + rest)
            return
        code_depth, self.code_depth = self.code_depth, None
        if code_depth is not None and self.out and self.out[-1].strip():
            # Indented code ends here; SuperFences would take a fence right after it for
            # more of it, and Python-Markdown a paragraph for more of its block.
            self._gap(_continuation(stack, min(code_depth, len(stack))).rstrip())
        text = rest[spaces:]
        fence = _opens_fence(text)
        if fence:
            if first_of_item:  # Python-Markdown finds a fence only at the start of a line
                if prefix.endswith("- ") and self.out and self.out[-1].strip():
                    # Else "- " alone would underline the line above.
                    self._gap(_continuation(stack, len(stack) - 1).rstrip())
                self.out.append(prefix)
                prefix = _continuation(stack, len(stack))
            elif self.out and self.out[-1].strip(" >"):
                self._gap(prefix.rstrip())  # else Python-Markdown would join them
            self.out.append(prefix + text)
            self.fence = _Fence(fence, spaces, len(stack))
            self._end_paragraph()
            return
        if text[0] == "#":
            if re.match(_ATX, text):
                if in_paragraph and stack and stack[-1] != QUOTE:
                    # In a list item, Python-Markdown reads a heading right under a line
                    # of text as more of that text.
                    self._gap(prefix.rstrip())
                self.out.append(prefix + text)
                self._end_paragraph()
                return
            text = "\\" + text  # not a heading in CommonMark
        elif text[0] == "<":
            end = self._html_kind(text, interrupting=in_paragraph)
            if end is not None:
                if in_paragraph and stack and stack[-1] != QUOTE:
                    self._gap(prefix.rstrip())
                self.out.append(prefix + text)
                self._end_paragraph()
                if not (end and end in text.lower()[1:]):
                    self.html_end, self.html_start = end, len(self.out) - 1
                return
        if not in_paragraph and text[0] == "[" and re.match(_LINK_DEFINITION, text):
            self.out.append(prefix + text)  # a link's definition: no paragraph to underline
            self._end_paragraph()
            self.list_ended = list_ended  # Python-Markdown takes it out of the text
            return
        if in_paragraph and text[0] in "=-" and re.match(_UNDERLINE, text):
            self._underline(prefix, text)
            return
        if text[0] in "-*_" and re.match(_THEMATIC_BREAK, text):
            if self.out and self.out[-1].strip(" >"):
                self._gap(prefix.rstrip())  # a rule, never the line above's underline
            self.out.append(prefix + text)
            self._end_paragraph()
            return
        if in_paragraph:
            text = _as_text(text)  # a marker CommonMark does not let interrupt: text
        else:
            self.paragraph = []
            self.paragraph_depth = len(stack)
            self.paragraph_on_marker = first_of_item
            if text[0] == "=" and re.match(_UNDERLINE, text):
                text = _as_text(text)  # a lone underline is text
        self.paragraph.append(_Paragraph(len(self.out), prefix, text))
        self.out.append(prefix + text)

    def _underline(self, prefix: str, text: str) -> None:
        """A setext underline under the open paragraph: the paragraph is a heading."""
        lines = self.paragraph
        self._end_paragraph()
        first = lines[0]
        if len(lines) == 1 and not (self.stack and self.stack[-1] != QUOTE) \
                and not (first.out and self.out[first.out - 1].strip(" >")):
            self.out.append(prefix + text)
            return
        # Python-Markdown underlines only the first line of a block, and none in a list
        # item: write the heading as ATX instead (its closing hashes escaped).
        level = "#" if text[0] == "=" else "##"
        joined = " ".join(part.text.strip() for part in lines)
        hashes = len(joined) - len(joined.rstrip("#"))
        if hashes:
            joined = joined[:-hashes] + "\\#" * hashes
        self.out[first.out] = f"{first.prefix}{level} {joined}"
        for part in lines[1:]:
            self.out[part.out] = _continuation(self.stack, len(self.stack)).rstrip()
        self._gap(prefix.rstrip())

    def _html_kind(self, text: str, interrupting: bool) -> str | None:
        """What ends the HTML block ``text`` starts ("" a blank line), or None if it is none."""
        lower = text.lower()
        if re.match(_HTML_RAW, text):
            return "</" + re.match(_HTML_RAW, text).group(1).lower()  # type: ignore[union-attr]
        if lower.startswith("<!--"):
            return "-->"
        if lower.startswith("<?"):
            return "?>"
        if lower.startswith("<![cdata["):
            return "]]>"
        if re.match(r"<![A-Za-z]", text):
            return ">"
        if re.match(_HTML_BLOCK_TAG, text):
            return ""
        if not interrupting and re.match(_HTML_LONE_TAG, text):
            return ""
        return None


def _opens_fence(text: str) -> str | None:
    """The fence ``text`` (indented less than 4) opens, or None."""
    if text[:3] not in ("```", "~~~"):
        return None
    found = re.match(_FENCE, text)
    if found is None or (found.group(1)[0] == "`" and "`" in found.group(2)):
        return None
    return found.group(1)


def _as_text(text: str) -> str:
    """A line of paragraph text, escaped where Python-Markdown would read a block in it."""
    first = text[:1]
    if first == "#" or (first in "-+*" and re.match(_LIST_MARKER, text)) \
            or (first == "-" and re.match(_UNDERLINE, text)):
        return "\\" + text
    if first == "=" and re.match(_UNDERLINE, text):
        return "&#61;" + text[1:]  # `=` has no backslash escape in Python-Markdown
    if first.isdigit():
        number = re.match(_LIST_MARKER, text)
        if number is not None:
            return number.group(2) + "\\" + text[len(number.group(2)):]
    return text


def _may_interrupt(item: re.Match[str]) -> bool:
    """Whether a list item may interrupt a paragraph: not empty, and numbered from 1."""
    if item.end() == len(item.string) or not item.string[item.end():].strip():
        return False
    return item.group(2) is None or item.group(2) == "1"

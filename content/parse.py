"""Reading a Markdown source: front matter and the heading outline.

The outline is what the section tree, the section ids and the index need: every
heading the rendered page has, in order, with the anchor the page gives it. It
must agree exactly with the page, so it has two ways to read a file:

- the exact one (:mod:`content.headings`): Python-Markdown's own parser, with the
  page's extensions, which imports Markdown and costs a few milliseconds a file;
- a fast pass, line by line, without Markdown, which answers only for files it
  can be sure of (headings, paragraphs, lists, tables, quotes and fenced code at
  the top level, plain heading titles) and declines anything else: a fence in a
  quote or a list, raw HTML, something that could be a heading inside a quote or
  a list item, emphasis or markup in a heading. A property test holds it to the
  exact outline wherever it answers.

The window reads the library before its first paint, so the built-in article
and most simple files take the fast pass and never import Markdown. A big
library's outlines are cached (:mod:`content.outlines`).

A CommonMark library (mdBook, plain folders) is first rewritten the way
Python-Markdown must read it (:mod:`content.commonmark`); both passes read that.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from content.commonmark import source_text
from content.flavour import PLAIN, Flavour
from content.limits import MAX_PAGE_BYTES, notice, over_limit, too_many_headings

# Patterns are strings, compiled (and cached) by ``re`` on first use, and each is
# tried only on lines that could match it: the window reads the library before its
# first paint, and most articles never need most of them.

_ATX = r"^(#{1,6})(.*?)$"
_SETEXT = r"^(=+|-+)[ \t]*$"
_RULE = r"^ {0,3}([-*_])[ \t]*(\1[ \t]*){2,}$"
_LIST_ITEM = r"^ {0,3}(?:[*+-]|\d+\.)[ ]+"
# What a line in a container (a quote, a list item, an indented block) starts with:
# quote markers, list markers, a definition's colon and the spaces between them.
_CONTAINER_PREFIX = r"^(?:[ >]|[*+-][ ]|\d+\.[ ]|:[ ])*"
# Started inside a container, these could make a heading there, or code, or raw HTML.
_NESTED_BLOCK = r"#|(=+|-+)[ \t]*$|```|~~~|<"
_FENCE_LINE = r"(`{3,}|~{3,})(.*)$"
_CODE_SPAN = r"(`+)(.+?)(?<!`)\1(?!`)"
# Outside code spans, a heading's title is simple without these: each is inline
# Markdown, an escape, an entity, raw HTML or an attribute list.
_TITLE_MARKUP = frozenset("\\<>&*_[]~{}#`")
# Only for plain_heading's approximation of other titles (see there).
_INLINE_MARKUP = [  # (characters without which it cannot match, pattern, replacement)
    (frozenset("["), r"!?\[([^\]]*)\]\([^)]*\)", r"\1"),  # links and images keep their text
    (frozenset("["), r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1"),
    (frozenset("*_"), r"(\*\*|__)(.+?)\1", r"\2"),
    (frozenset("*_"), r"(?<!\w)([*_])(.+?)\1(?!\w)", r"\2"),
    (frozenset("<"), r"<[^>]+>", ""),
]
_ATTR_LIST = r"\s*\{\s*:?[^}]*\}\s*$"
_CLOSING_HASHES = r"\s+#+\s*$|^#+\s*$"


# The modules whose code decides an outline: a cache of outlines is stamped with them.
OUTLINE_FILES = ("parse.py", "commonmark.py", "converter.py", "fences.py", "headings.py",
                 "limits.py")


class NotSimple(Exception):
    """The fast pass is not sure of this file: the exact outline reads it."""


class Heading(NamedTuple):
    """One heading of the page: its level, its text as shown, its anchor (the page's id)."""

    level: int
    title: str
    anchor: str
    line: int  # 0-based line of the heading text in the body; -1 when not known


class Outline(NamedTuple):
    """What the outline pass learns from a source."""

    meta: dict[str, str | list[str]]
    headings: list[Heading]
    body: str  # the source without front matter
    # Set when the source is past a limit (content.limits): then the page is its
    # text, shown plain under this one-line notice, and has no headings.
    notice: str = ""


def slugify(text: str) -> str:
    """A heading's anchor: Unicode letters kept (so Chinese headings work), lower case.

    >>> slugify("Outcomes and Impact")
    'outcomes-and-impact'
    >>> slugify("七千人大会 (1962)")
    '七千人大会-1962'
    """
    if text.isascii() and text.replace(" ", "").isalnum():  # the usual heading: words
        return "-".join(text.lower().split())
    if not text.isascii():  # NFKC leaves ASCII alone, and unicodedata costs an import
        import unicodedata

        text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


class Anchors:
    """The anchors of one page so far, each unique: ``anchor``, else ``anchor-1``,
    ``anchor-2``..., whichever is still free.

    It remembers the last number each anchor was given, so a page with
    thousands of headings of the same title does not try every number again.

    >>> anchors = Anchors()
    >>> [anchors.unique(a) for a in ("notes", "notes", "notes-1", "")]
    ['notes', 'notes-1', 'notes-1-1', 'section']
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self._last: dict[str, int] = {}

    def unique(self, anchor: str) -> str:
        base = anchor or "section"
        candidate, n = base, self._last.get(base, 0)
        if n:
            candidate = f"{base}-{n}"
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self._last[base] = n
        self.taken.add(candidate)
        return candidate


def plain_heading(text: str) -> str:
    """A heading's visible text: exactly the page's for a simple title, else with
    the usual inline Markdown (links, emphasis, tags) taken off."""
    try:
        return _simple_title(text)
    except NotSimple:
        pass
    code = [span.strip() for span in re.findall(r"`([^`]*)`", text)]
    text = re.sub(r"`[^`]*`", "\x00", text)
    for triggers, pattern, replacement in _INLINE_MARKUP:
        if not triggers.isdisjoint(text):
            text = re.sub(pattern, replacement, text)
    for span in code:
        text = text.replace("\x00", span, 1)
    return " ".join(text.split())


def split_front_matter(source: str) -> tuple[dict[str, str | list[str]], str]:
    """Split a leading ``---`` block off ``source``.

    Only the simple YAML that notes tools write is understood: ``key: value``,
    ``key: [a, b]`` and ``key:`` followed by ``- item`` lines. Anything else is
    ignored rather than rejected, so a foreign front matter never hides an article.
    """
    if source.split("\n", 1)[0].strip() != "---":  # most files have none
        return {}, source
    lines = source.split("\n")
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, source
    meta: dict[str, str | list[str]] = {}
    key = None
    for raw in lines[1:end]:
        item = re.match(r"^\s+-\s+(.*)$", raw) or re.match(r"^-\s+(.*)$", raw)
        if item and key is not None:
            current = meta.get(key)
            values = current if isinstance(current, list) else []
            values.append(_unquote(item.group(1)))
            meta[key] = values
            continue
        pair = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", raw)
        if not pair:
            continue
        key, value = pair.group(1).lower(), pair.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            meta[key] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            meta[key] = _unquote(value)
        else:
            meta[key] = []
    return meta, "\n".join(lines[end + 1 :])


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def outline(source: str, flavour: Flavour = PLAIN, size: int | None = None) -> Outline:
    """Front matter, the page's headings with unique anchors, and the body to render.

    ``size``: the size of the whole file (with its includes), when ``source`` is
    only its beginning. A source past a limit (see :mod:`content.limits`) is a
    plain-text page: no front matter, no headings, a notice.
    """
    reason = over_limit(source, size)
    if reason is not None:
        return plain_outline(source, reason, cut=max(size or 0, len(source)) > MAX_PAGE_BYTES)
    meta, body = split_front_matter(source)
    text = source_text(body, flavour)
    try:
        headings = _simple_headings(text)
    except NotSimple:
        headings = _exact_headings(text, flavour)
    else:
        if text is not body and text.count("\n") != body.count("\n"):
            # Read from a text with lines added: its line numbers are not the body's.
            headings = [heading._replace(line=-1) for heading in headings]
    reason = too_many_headings(len(headings))
    if reason is not None:
        return plain_outline(source, reason)
    return Outline(meta, headings, body)


def plain_outline(source: str, reason: str, cut: bool = False) -> Outline:
    """The outline of a page shown as plain text because ``reason``: its text alone."""
    return Outline({}, [], plain_body(source), notice(reason, cut))


def plain_body(source: str) -> str:
    """What a plain-text page is made of: its source, up to the limit of a page."""
    return source[:MAX_PAGE_BYTES]


def _exact_headings(text: str, flavour: Flavour) -> list[Heading]:
    from content.headings import exact_headings

    anchors = Anchors()
    found = []
    for level, title, explicit in exact_headings(text, flavour):
        anchor = explicit or slugify(title)
        found.append(Heading(level, title or anchor, anchors.unique(anchor), -1))
    return found


def _simple_headings(text: str) -> list[Heading]:
    """The headings of ``text`` as Python-Markdown reads it, if this pass can be sure of
    them; else NotSimple."""
    if "\t" in text:
        text = text.expandtabs(4)  # as Python-Markdown does first
    lines = text.split("\n")
    headings: list[Heading] = []
    anchors = Anchors()
    # Lines in fenced code: found before anything else, as SuperFences does.
    fenced = _top_level_fences(lines) if "```" in text or "~~~" in text else set()
    previous_is_text = False
    block_start = True
    in_code = False  # inside an indented code block
    # The last block at the top was a list: then an indented block is one of its
    # items' (Python-Markdown's ListIndentProcessor), headings and all.
    after_list = False
    in_item = False  # inside such a block
    # Python-Markdown blanks lines of spaces, but not the first: that one is text,
    # which an underline under it makes an (empty) heading.
    spaces_first = lines[0].isspace()
    for number, line in enumerate(lines):
        if spaces_first and not number:
            previous_is_text, block_start = True, False
            continue
        if fenced and number in fenced:
            previous_is_text = after_list = False
            continue
        if not line:
            # An empty line, the commonest: it ends the block, as the last branch has it.
            in_code = previous_is_text = in_item = False
            block_start = True
            continue
        first = line[0]
        if first.isalpha():
            # Prose, the next commonest: no heading, rule, container or raw HTML
            # starts with a letter. As the paragraph branch below would have it:
            if in_code:
                block_start = True  # an indented code block ends here
            in_code = False
            if in_item:
                previous_is_text = block_start = False
                continue
            after_list = after_list and not block_start  # a paragraph, or a list's lazy line
            previous_is_text, block_start = block_start, False
            continue
        if first in " >*+-:0123456789\t" or (first == "[" and line.startswith("[^")):
            _refuse_nested(line)
        elif first == "<":
            raise NotSimple("raw HTML")
        if in_item or (after_list and block_start and line.startswith("    ")):
            if first in "#=-":  # a heading in that list item, or an underline
                raise NotSimple("a heading in a list item")
            in_item = bool(line.strip())  # to the end of the block
            previous_is_text, block_start = False, not in_item
            continue
        atx = re.match(_ATX, line) if first == "#" else None
        setext = (re.match(_SETEXT, line)
                  if previous_is_text and first in ("=", "-") else None)
        if atx:
            level, text = len(atx.group(1)), atx.group(2)
            title = _simple_title(text.rstrip("#"))
            target = number
        elif setext:
            level, title = (1 if setext.group(1)[0] == "=" else 2), _simple_title(lines[number - 1])
            target = number - 1
        elif first in ("-", "*", "_") and re.match(_RULE, line):
            # A rule ends its block, unless it opens one (as it does right after indented
            # code) and is underlined: Python-Markdown tries setext headings first.
            opens, in_code = block_start or in_code, False
            previous_is_text, block_start, after_list = opens, True, False
            continue
        else:
            # Python-Markdown underlines only the first line of a block; an indented
            # code block ends at the first line that is not indented.
            blank = line.isspace()
            indented = line.startswith("    ")
            if in_code and not indented and not blank:
                block_start = True
            in_code = indented and (block_start or in_code)
            # What a setext underline can make a heading of: any line but indented code
            # (Python-Markdown tries setext headings before quotes, lists and tables).
            is_text = not blank and not indented
            if block_start and not blank:  # what the block is: a list, or something else
                after_list = bool(re.match(_LIST_ITEM, line))
            previous_is_text = is_text and block_start
            block_start = blank
            continue
        previous_is_text = after_list = False
        block_start = True  # a heading ends its block
        anchor = slugify(title)
        headings.append(Heading(level, title or anchor, anchors.unique(anchor), target))
    return headings


def _refuse_nested(line: str) -> None:
    """NotSimple if a line in a container (a quote, a list item, an indented block, a
    definition or a footnote) could hold a heading, code or raw HTML there."""
    if line.startswith("[^"):
        raise NotSimple("a footnote")  # which may hold blocks of its own
    inner = re.sub(_CONTAINER_PREFIX, "", line)
    if len(inner) < len(line) and re.match(_NESTED_BLOCK, inner):
        raise NotSimple("a heading, code or HTML in a container")


def _top_level_fences(lines: list[str]) -> set[int]:
    """The numbers of the lines in fenced code blocks, their fences included.

    Only a fence at the start of a line, with a blank line (or nothing) before it
    and after its closing fence, is sure to be read alike by this pass and by
    SuperFences; any other line that could be a fence is NotSimple.
    """
    found: set[int] = set()
    number = 0
    while number < len(lines):
        line = lines[number]
        start = len(line) - len(line.lstrip(" >"))
        if line[start:start + 3] not in ("```", "~~~"):
            number += 1
            continue
        opening = re.match(_FENCE_LINE, line)
        if start or opening is None or (line[0] == "`" and "`" in opening.group(2)):
            raise NotSimple("a fence in a container, or not surely a fence")
        closing = re.compile(re.escape(opening.group(1)) + r"[ \t]*")
        end = number + 1
        while end < len(lines) and not closing.fullmatch(lines[end]):
            end += 1
        if end == len(lines):
            raise NotSimple("a fence never closed")  # not a fence to SuperFences
        if (number and lines[number - 1].strip()) or (end + 1 < len(lines)
                                                      and lines[end + 1].strip()):
            raise NotSimple("text right before or after a fence")
        found.update(range(number, end + 1))
        number = end + 1
    return found


def _simple_title(text: str) -> str:
    """A heading's text as the page shows it, if it has no inline Markdown but code
    spans in single backticks; else NotSimple."""
    if _TITLE_MARKUP.isdisjoint(text):  # the usual heading: words
        return " ".join(text.split())
    if "``" in text:
        raise NotSimple("a heading with double backticks")
    parts = re.split(r"`([^`]*)`", text)  # outside, code, outside, code, ..., outside
    for outside in parts[::2]:
        if not _TITLE_MARKUP.isdisjoint(outside) and not _plain_text(outside):
            raise NotSimple("markup in a heading")
    return " ".join("".join(part if n % 2 == 0 else part.strip()
                            for n, part in enumerate(parts)).split())


def _plain_text(text: str) -> bool:
    """Whether Python-Markdown shows ``text`` (outside code) as it is written.

    Besides words: an underscore inside a word (``snake_case`` is never emphasis),
    an ampersand that starts no entity, brackets that cannot pair into a link.
    """
    rest = _TITLE_MARKUP.intersection(text) - frozenset("_&[]")
    if rest:
        return False
    if "_" in text and re.search(r"(?<!\w)_|_(?!\w)", text):
        return False
    if "&" in text and re.search(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z0-9]+);", text):
        return False
    return not ("[" in text and "]" in text)

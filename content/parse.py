"""Reading a Markdown source: front matter and the heading outline.

This is the cheap pass that the section tree needs; it never renders. It finds
headings the way Python-Markdown does (ATX ``#`` at the start of a line, setext
underlines, nothing inside fenced code) and gives each a unique anchor. The
renderer sets these anchors on the headings, so a section id is always exactly
the id its rendered heading carries.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Patterns are strings, compiled (and cached) by ``re`` on first use, and each is
# tried only on lines that could match it: the window reads the library before its
# first paint, and most articles never need most of them.

# A fenced code block as Python-Markdown's fenced_code finds it: an opening fence at
# the very start of a line, with an optional language or {attributes}, and later
# exactly the same fence again. An opening fence that is never closed is text.
_FENCED_BLOCK = (r"(?ms)^(?P<fence>~{3,}|`{3,})[ ]*"
                 r"(?:\{[^\n]*\}"  # {attributes}, or a language and the lines to highlight
                 r"|(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=(?P<quote>[\"']).*?(?P=quote)[ ]*)?)"
                 r"\n.*?(?<=\n)(?P=fence)[ ]*$")
_ATX = r"^(#{1,6})(.*?)$"
_SETEXT = r"^(=+|-+)[ \t]*$"
_RULE = r"^ {0,3}([-*_])[ \t]*(\1[ \t]*){2,}$"
_LIST_ITEM = r"^ {0,3}(?:[*+-]|\d+\.)[ ]+"
# A raw HTML block: Python-Markdown leaves its inside alone, headings included.
_HTML_BLOCK = (r"(?i)^<(address|article|aside|blockquote|details|div|dl|fieldset|figure|"
               r"footer|form|h[1-6]|header|iframe|nav|ol|p|pre|script|section|style|"
               r"table|ul)\b")
_EXPLICIT_ID = r"\s*\{\s*:?[^}]*?#([^\s}]+)[^}]*\}\s*$"
_ATTR_LIST = r"\s*\{\s*:?[^}]*\}\s*$"
_CLOSING_HASHES = r"\s+#+\s*$|^#+\s*$"
_INLINE_MARKUP = [  # (characters without which it cannot match, pattern, replacement)
    (frozenset("["), r"!?\[([^\]]*)\]\([^)]*\)", r"\1"),  # links and images keep their text
    (frozenset("["), r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1"),
    (frozenset("`"), r"`+([^`]*)`+", r"\1"),
    (frozenset("*_"), r"(\*\*|__)(.+?)\1", r"\2"),
    (frozenset("*_"), r"(?<!\w)([*_])(.+?)\1(?!\w)", r"\2"),
    (frozenset("<"), r"<[^>]+>", ""),
]
_MARKUP_CHARS = frozenset().union(*(triggers for triggers, _, _ in _INLINE_MARKUP))


class Heading(NamedTuple):
    """One heading as written in the source."""

    level: int
    title: str
    anchor: str
    line: int  # 0-based line of the heading text in the body


class Outline(NamedTuple):
    """What the cheap pass learns from a source."""

    meta: dict[str, str | list[str]]
    headings: list[Heading]
    body: str  # the source without front matter


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


def unique_anchor(anchor: str, taken: set[str]) -> str:
    """``anchor``, or ``anchor-1``, ``anchor-2``... whichever is still free."""
    base = anchor or "section"
    candidate, n = base, 0
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def plain_heading(text: str) -> str:
    """A heading's visible text, with inline Markdown removed."""
    if not _MARKUP_CHARS.isdisjoint(text):  # most headings are plain words
        for triggers, pattern, replacement in _INLINE_MARKUP:
            if not triggers.isdisjoint(text):
                text = re.sub(pattern, replacement, text)
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


def outline(source: str) -> Outline:
    """Front matter, headings with unique anchors, and the body ready to render."""
    meta, body = split_front_matter(source)
    lines = body.split("\n")
    headings: list[Heading] = []
    taken: set[str] = set()
    # Lines in fenced code: found (before anything else, as Python-Markdown does)
    # when the first line that could open a fence comes, so prose pays nothing.
    fenced: set[int] = set()
    fences_looked_for = False
    html_tag: str | None = None  # the tag of the raw HTML block we are in
    html_depth = 0  # how many of that tag are open: raw blocks end where it closes
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
        if not fences_looked_for and line[:1] in ("`", "~") and line.startswith(("```", "~~~")):
            fences_looked_for = True
            fenced = _fenced_lines(body)
        if fenced and number in fenced:
            previous_is_text = after_list = False
            continue
        if html_tag is not None:
            html_depth += _tag_balance(line, html_tag)
            if html_depth <= 0:
                html_tag = None
            previous_is_text, block_start = False, True  # the next line starts a block
            continue
        if in_item or (after_list and block_start and line.startswith(("    ", "\t"))):
            in_item = bool(line.strip())  # to the end of the block
            previous_is_text, block_start = False, not in_item
            continue
        if not line:
            # An empty line, the commonest: it ends the block, as the last branch has it.
            in_code = previous_is_text = False
            block_start = True
            continue
        if line[0].isalpha():
            # Prose, the next commonest: no heading, rule or raw HTML starts with
            # a letter. As the paragraph branch below would have it:
            if in_code:
                block_start = True  # an indented code block ends here
            in_code = False
            after_list = after_list and not block_start  # a paragraph, or a list's lazy line
            previous_is_text, block_start = block_start, False
            continue
        starts_html = re.match(_HTML_BLOCK, line) if line.startswith("<") else None
        # A block-level tag at the start of a line starts raw HTML, even in the middle
        # of a paragraph (Python-Markdown 3 reads it so).
        if starts_html:
            tag = starts_html.group(1).lower()
            depth = _tag_balance(line, tag)
            if depth > 0:
                html_tag, html_depth = tag, depth
            previous_is_text, block_start, after_list = False, True, False
            continue
        first = line[:4].lstrip(" ")[:1]  # rules allow at most 3 spaces before
        atx = re.match(_ATX, line) if line.startswith("#") else None
        setext = (re.match(_SETEXT, line)
                  if previous_is_text and line[:1] in ("=", "-") else None)
        if atx and _ends_in_escape(atx.group(2)):
            atx = None  # Python-Markdown reads a trailing backslash as a paragraph
        if atx:
            level, text = len(atx.group(1)), atx.group(2)
            target = number
        elif setext:
            level, text = (1 if setext.group(1)[0] == "=" else 2), lines[number - 1]
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
            blank = not line or line.isspace()
            indented = line.startswith(("    ", "\t"))
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
        explicit = re.search(_EXPLICIT_ID, text) if "{" in text else None
        plain = plain_heading(_strip_heading(text))
        anchor = explicit.group(1) if explicit else slugify(plain)
        title = plain or anchor
        headings.append(Heading(level, title, unique_anchor(anchor, taken), target))
    return Outline(meta, headings, body)


def _fenced_lines(body: str) -> set[int]:
    """The numbers of the lines in fenced code blocks, their fences included."""
    found: set[int] = set()
    pattern = re.compile(_FENCED_BLOCK)  # compiled once: re keeps it
    line, counted_to = 0, 0
    block = pattern.search(body)
    while block is not None:
        line += body.count("\n", counted_to, block.start())
        last = line + body.count("\n", block.start(), block.end())
        found.update(range(line, last + 1))
        line, counted_to = last, block.end()
        block = pattern.search(body, block.end())
    return found


def _tag_balance(line: str, tag: str) -> int:
    """How many ``tag`` elements a line opens, less those it closes."""
    lower = line.lower()
    opened = len(re.findall(rf"<{tag}(?=[\s/>]|$)", lower))
    return opened - len(re.findall(rf"</{tag}\s*>", lower))


def _ends_in_escape(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def _strip_heading(text: str) -> str:
    if "{" in text:
        text = re.sub(_ATTR_LIST, "", text)
    if "#" in text:
        text = re.sub(_CLOSING_HASHES, "", text)
    return text.strip()

"""The plain text of each section, read straight from simple Markdown.

``content.render.section_texts`` renders the article with Python-Markdown and
reads the text back out of the HTML: faithful for any Markdown, and 20-25% of
a big build's time (12 s of a 20,000-section build, measured). Most articles
use only paragraphs, headings, lists, tables, quotes, fenced code, emphasis
with asterisks, code spans and links. For those, this module reads the same
text from the source, about ten times faster. Anything else (raw HTML,
entities, escapes, underscores, footnotes, reference links, attribute and
definition lists, indented code, admonitions and callouts, strikethrough, task
lists, a
list or quote inside a paragraph, a heading the outline did not read line by
line) goes to ``section_texts``; a property test holds the two to the same output.

Like the page, it reads the text Python-Markdown reads (a CommonMark library's
is rewritten first, see :mod:`content.commonmark`), and a fenced block's text is
the code as the page shows it: without the lines mdBook hides.

    >>> section_texts(article) == content.render.section_texts(article)
    True
"""

from __future__ import annotations

import re

from content.commonmark import source_text
from content.fences import hidden_prefix, info_hidelines, info_language, visible_code
from content.library import Article
from content.parse import outline
from content.render import section_texts as rendered_section_texts

# Anything that needs the real renderer, anywhere outside a heading line or code.
_NOT_SIMPLE = re.compile(r"[<&\\\t_]|\[\^|\[!|\]\s*:|\]\s*\[|\[TOC\]|\{\s*[:#.]|~~|^ {4}|^ {0,3}:"
                         r"|^(?:!!!|\?\?\?)|^(?:> ?)*[A-Z]{2,}:(?:[ ]|$)|\[[ xX]\]",
                         re.MULTILINE)
_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
_SETEXT_UNDERLINE = re.compile(r"^(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*])[ ]*(\1[ ]*){2,}$")
_LIST_ITEM = re.compile(r"^ {0,3}([-*+]|\d+[.)])[ ]+")
_QUOTE = re.compile(r"^ {0,3}>[ ]?")
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ ]*:?-+:?[ ]*(\|[ ]*:?-+:?[ ]*)*\|?[ ]*$")
_BLOCK_START = re.compile(r"^ {0,3}(>|#|\||([-*+]|\d+[.)])[ ]|`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1")
# Emphasis in emphasis deeper than this is left to the renderer: each pass over a
# line unwraps one level, and a line of thousands of "*" would take as many passes.
_EMPHASIS_DEPTH = 3
_INLINE_SCAN = 1_000_000

class NotSimple(Exception):
    """This Markdown needs the real renderer."""


def section_texts(article: Article) -> dict[str, str]:
    """Plain text of each section's own content, by id, as ``content.render`` gives it."""
    if article.notice:
        return rendered_section_texts(article)  # a plain page: its text, never rendered
    try:
        return _simple_section_texts(article)
    except NotSimple:
        return rendered_section_texts(article)


def _simple_section_texts(article: Article) -> dict[str, str]:
    body = article.body
    if body.lstrip().startswith("---"):
        raise NotSimple  # could be read as front matter a second time
    flavour = article.flavour
    headings = outline(body, flavour).headings
    anchored = [section for section in article.walk() if section.anchor]
    if [h.anchor for h in headings] != [s.anchor for s in anchored] \
            or any(heading.line < 0 for heading in headings):
        raise NotSimple  # read by Python-Markdown, or from lines of its own
    text = source_text(body, flavour)
    if "\t" in text:
        text = text.expandtabs(4)
    lines = text.split("\n")
    starts: dict[int, str] = {}  # heading line -> the section that starts there
    skip: set[int] = set()
    for heading, section in zip(headings, anchored, strict=True):
        starts[heading.line] = section.id
        skip.add(heading.line)
        following = heading.line + 1
        if following < len(lines) and _SETEXT_UNDERLINE.match(lines[following]) \
                and not lines[heading.line].lstrip().startswith("#"):
            skip.add(following)
    code = _fenced_lines(lines)  # the outline has made sure every fence is simple
    for found in _NOT_SIMPLE.finditer(text):
        # Rare in simple articles, so finding the line afterwards is cheap.
        number = text.count("\n", 0, found.start())
        if number not in skip and number not in code:
            raise NotSimple
    texts: dict[str, list[str]] = {section.id: [] for section in article.walk()}
    current = article.lead.id
    block: list[str] = []

    def flush() -> None:
        texts[current].extend(_block_text(block))
        block.clear()

    fence: str | None = None
    language, prefix = "", None
    code_lines: list[str] = []
    for number, line in enumerate(lines):
        if fence is not None:
            if line.rstrip(" \t") == fence:  # SuperFences closes with the same fence
                # Code is text as the page shows it: without its hidden lines.
                texts[current].append(visible_code("\n".join(code_lines), language, prefix))
                fence = None
            else:
                code_lines.append(line)
            continue
        if number in starts:
            flush()
            current = starts[number]
            continue
        if number in skip:
            continue
        opened = _FENCE.match(line) if number in code else None
        if opened:
            flush()
            fence, info = opened.group(1), opened.group(2)
            language = info_language(info)
            prefix = hidden_prefix(language, flavour, info_hidelines(info))
            code_lines = []
            continue
        if not line.strip():
            flush()
            continue
        block.append(line)
    if fence is not None:
        raise NotSimple  # an unclosed fence runs to the end: leave that to the renderer
    flush()
    return {section_id: _tidy(parts) for section_id, parts in texts.items()}


def _fenced_lines(lines: list[str]) -> set[int]:
    """The lines of fenced code blocks, fences included: each opens at the start of a
    line and closes with the same fence (as the outline's fast pass has checked)."""
    found: set[int] = set()
    fence = None
    for number, line in enumerate(lines):
        if fence is None:
            opened = _FENCE.match(line) if line[:3] in ("```", "~~~") else None
            if opened is None:
                continue
            fence = opened.group(1)
        elif line.rstrip(" \t") == fence:
            fence = None
        found.add(number)
    if fence is not None:
        raise NotSimple  # never closed: not a fence to SuperFences
    return found


def _block_text(block: list[str]) -> list[str]:
    """The text lines of one block (the lines between blank lines)."""
    if not block:
        return []
    # Block quotes in block quotes, as a loop: a quote nested thousands deep is no
    # reason to exhaust the stack.
    while True:
        if len(block) >= 2 and "|" in block[0] and _TABLE_RULE.match(block[1]):
            # The renderer writes each cell on a line of its own.
            return [_inline(cell) for row in [block[0], *block[2:]] for cell in _cells(row)]
        first = block[0]
        if not _QUOTE.match(first):
            break
        block = [_QUOTE.sub("", line, count=1) for line in block]
    if _RULE.match(first):
        if len(block) > 1:
            raise NotSimple
        return []
    if _LIST_ITEM.match(first):
        return [_inline(_LIST_ITEM.sub("", line, count=1)) for line in block]
    if any(_BLOCK_START.match(line) or _SETEXT_UNDERLINE.match(line) for line in block[1:]):
        raise NotSimple  # where Python-Markdown's rules for interruptions get subtle
    if _BLOCK_START.match(first):
        raise NotSimple
    return [_inline(line) for line in block]


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return row.split("|")


def _inline(text: str) -> str:
    """A line's text: code spans as written; links, images and emphasis unwrapped."""
    # A code span's or an emphasis's pattern may scan from each mark to the end of
    # the line: past this budget, the renderer (which does not) reads the line.
    if (text.count("`") + text.count("*")) * len(text) > _INLINE_SCAN:
        raise NotSimple
    parts = []
    done = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(_unwrap(text[done:span.start()]))
        parts.append(span.group(2).strip())
        done = span.end()
    parts.append(_unwrap(text[done:]))
    return "".join(parts)


def _unwrap(text: str) -> str:
    if "`" in text:
        raise NotSimple  # an unmatched backtick
    text = _IMAGE.sub("", text)  # an image's alt text is an attribute, not text
    text = _LINK.sub(r"\1", text)
    if "](" in text:
        raise NotSimple
    for _ in range(_EMPHASIS_DEPTH):  # each pass unwraps one level
        if "*" not in text:
            break
        text = _EMPHASIS.sub(r"\2", text)
    if "*" in text:
        raise NotSimple
    return text


def _tidy(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "\n".join(parts).split("\n"))
    return "\n".join(line for line in lines if line).strip()

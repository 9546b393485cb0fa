"""The limits that keep every page bounded in time and memory, whatever its shape.

A library may hold any file: a list nested 5,000 deep, one 5,000,000-character
word, 50 MB of text, 10,000 unclosed ``[x](``. Python-Markdown, Pygments and
Qt each have a shape that costs them time out of all proportion to the size of
the file (measured on this project's 2-core machine, see :mod:`tests.bench.hostile`):

- Python-Markdown's block processors recurse once per level of nesting and read
  the nested lines again at each level: a list nested 1,000 deep took 14 s to
  outline, one 5,000 deep never finished;
- some of its processors search the whole rest of a block (a paragraph and what
  follows it without a blank line) each time they split it: 200 footnote or
  reference definitions in a 500 KB block took 5 s; and it scans from each
  ``<`` to the end of its tag, and from each ``](`` to the ``)`` that closes the
  link: 4,000 unclosed ``<a `` took 2.6 s, 10,000 unclosed ``[x](`` 16 s;
- Qt lays out a word it cannot wrap in a time that grows with its square (200,000
  characters: 1.4 s; 5,000,000: never), and a page with 10,000 headings in 6 s.

:func:`over_limit` looks at a file's text before any of them does, with cheap
searches that read it once (no Markdown), and says why a file is past a limit.
Such a page is shown as plain text, with a one-line notice, and has no sections
but its lead; it is indexed by the text it shows (:func:`shown_text`).

    >>> over_limit("- " * 5000 + "item")
    'it is nested 5,000 deep (the limit is 32)'
    >>> over_limit("# A page\\n\\nText.") is None
    True

The renderer has three limits of its own, which change how a page looks but not
what it says (see :mod:`content.converter` and :mod:`content.render`):
code past :data:`MAX_HIGHLIGHTED` characters, or with a line longer than
:data:`MAX_HIGHLIGHTED_LINE`, is not coloured; and tables nested deeper than
:data:`MAX_TABLE_NESTING` are drawn as plain blocks.
"""

from __future__ import annotations

import bisect
import re

# A file bigger than this is shown as plain text, its first MAX_PAGE_BYTES only:
# Python-Markdown renders 0.15 to 5 MB a second, depending on the markup, and
# a 50 MB file took 10 s and 330 MB to render, then stalled Qt.
MAX_PAGE_BYTES = 1 << 20
# Levels of block quotes, list items and other containers (indentation counts a
# level for each 4 columns). Python-Markdown's cost grows with depth times size,
# and Qt's with the square of depth: 64 levels still render in 0.25 s, 1,000 in
# minutes, and about 250 exhaust Python's recursion limit.
MAX_NESTING = 32
# Characters in a run without a space (a "word"): Qt cannot wrap one, and lays
# it out in time that grows with its square (10,000: 17 ms; 200,000: 1.4 s).
# Pictures inlined as data: URLs do not count.
MAX_WORD = 5_000
# Blocks (paragraphs, list items, code blocks, headings, counted from the lines
# that start them): Python-Markdown spends 50 to 150 us on each, however small.
MAX_BLOCKS = 10_000
# Headings on a page: Qt lays out 2,000 in 0.16 s and 10,000 in 6 s, and each
# is a row of the Contents tree and a section of the index.
MAX_HEADINGS = 2_000
# Table cells (counted as "|" characters and <td>/<th> tags): Qt needs about
# 0.1 ms for each cell.
MAX_TABLE_CELLS = 20_000
# Table columns ("|" on one line).
MAX_TABLE_COLUMNS = 256
# Characters Python-Markdown may have to scan again (see _scan_cost): from each
# "<" to the ">" that ends its tag, from each "](" to the ")" that ends the link,
# and for each definition or heading that splits a block, the rest of the
# block. 10,000,000 of them cost about a second.
MAX_SCAN = 10_000_000

# Characters Python-Markdown copies while it reads inline markup: it writes a
# paragraph's text again for each link, code span, emphasis... it finds in it, so
# the cost is the marks in a paragraph times its length. 2,000,000,000 of them (a
# 1 MB paragraph with 2,000 marks) take about half a second.
MAX_INLINE_COPY = 2_000_000_000

# What the renderer does past its own limits (no notice: the page says the same).
MAX_HIGHLIGHTED = 200_000  # characters of code a page colours with Pygments
HIGHLIGHTED_BLOCK = 500  # what a block costs of that, besides its characters
MAX_HIGHLIGHTED_LINE = 1_000  # a code block with a longer line is not coloured
MAX_TABLE_NESTING = 8  # Qt's table layout doubles its time with each level

_MARKER = r"(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])|:(?=[ \t])|!!!|\?\?\?)"
_OPENER = f"[ \\t]*{_MARKER}"
# A line that opens more containers than the limit, or is indented past it.
_OPENERS = re.compile(f"(?:{_OPENER})*")
_DEEP_OPENERS = re.compile(f"(?:{_OPENER}){{{MAX_NESTING + 1}}}")
_DEEP_INDENT = re.compile(f"(?: {{4}}| {{0,3}}\\t){{{MAX_NESTING + 1}}}[ \\t]*\\S")
# The same at the start of a line after the first. Searched from "\\n" (a literal
# the engine skips to), not with ^ and re.M, which would try every character.
_DEEP_OPENERS_LINE = re.compile("\\n" + _DEEP_OPENERS.pattern)
_DEEP_INDENT_LINE = re.compile("\\n" + _DEEP_INDENT.pattern)
_LONG_WORD = re.compile(f"(?<!\\S)\\S{{{MAX_WORD + 1}}}")
_DATA_URL = re.compile(r"\(data:image/[^\s()]*\)")
_ROW = re.compile(f"[^\\n|]*(?:\\|[^\\n|]*){{{MAX_TABLE_COLUMNS + 1}}}")
_ROW_LINE = re.compile("\\n" + _ROW.pattern)
# The start of a block: a blank line, a list item, a fence or a heading.
_BLOCK_START = re.compile(r"\n(?:[ \t]*\n|[ \t>]*(?:[-+*][ \t]|\d{1,9}[.)][ \t]|```|~~~|#))")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*?)?(/?)>")
# Elements that never nest: void ones, and those whose end tag HTML lets one leave out.
_UNNESTED = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
    "optgroup", "colgroup", "caption", "rb", "rt", "rp"})
_HTML_CELL = re.compile(r"(?i)<t[dh][\s>/]")
# Lines at which Python-Markdown splits a block and searches the rest again:
# ATX headings, definitions (of links, footnotes, terms) and GitHub callouts.
_SPLITTER = re.compile(r"\n(?:#|[ ]{0,3}(?:\[[^\[\]\n]*\]:|:[ \t]|>[ ]?\[!))")
# Where one run of inline text ends: a blank line, or a line that starts a list
# item, a heading or a table row. (Lines of a block quote are one paragraph.)
_INLINE_RUNS = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-+*][ \t]|\d{1,9}[.)][ \t]|#|\|))")
_INLINE_MARKS = ("`", "*", "_", "[", "<", "&", "\\", "~")
_NEAR = 256  # characters: a tag or link closed within them is costed by its length
_NEAR_TAG = re.compile(f"<[A-Za-z/!?][^>]{{0,{_NEAR}}}>")
_FAR_TAG = re.compile(f"<(?=[A-Za-z/!?])(?![^>]{{0,{_NEAR + 1}}}>)")
_NEAR_LINK = re.compile(f"\\]\\([^)]{{0,{_NEAR}}}\\)")
_FAR_LINK = re.compile(f"\\]\\((?![^)]{{0,{_NEAR}}}\\))")
_FENCE = re.compile(r"\n[ \t>]*(`{3,}|~{3,})")


def over_limit(text: str, size: int | None = None) -> str | None:
    """Why ``text`` is past a limit, as a clause with the limit, or None if it is
    within them all.

    ``size``: the file's size in bytes, when ``text`` is only its beginning.
    """
    size = max(size or 0, len(text))  # includes may have made the text bigger
    if size > MAX_PAGE_BYTES:
        return f"the file is {_bytes(size)} (the limit is {_bytes(MAX_PAGE_BYTES)})"
    depth = _nesting(text)
    if depth > MAX_NESTING:
        return f"it is nested {depth:,} deep (the limit is {MAX_NESTING})"
    blocks = len(_BLOCK_START.findall(text))
    if blocks > MAX_BLOCKS:
        return f"it has {blocks:,} blocks (the limit is {MAX_BLOCKS:,})"
    depth = _html_nesting(text) if text.count("<") > MAX_NESTING else 0
    if depth > MAX_NESTING:
        return f"its HTML is nested {depth:,} deep (the limit is {MAX_NESTING})"
    cells = text.count("|") + (len(_HTML_CELL.findall(text)) if "<" in text else 0)
    if cells > MAX_TABLE_CELLS:
        return f"it has {cells:,} table cells (the limit is {MAX_TABLE_CELLS:,})"
    if cells > MAX_TABLE_COLUMNS and _wide_row(text):
        return f"it has a table of more than {MAX_TABLE_COLUMNS} columns"
    word = _longest_word(text)
    if word > MAX_WORD:
        return f"it has a word of {word:,} characters (the limit is {MAX_WORD:,})"
    if _scan_cost(text) > MAX_SCAN or _inline_cost(text) > MAX_INLINE_COPY:
        return ("its markup would take too long to read (unclosed tags or links, or "
                "definitions and headings in long blocks)")
    return None


def too_many_headings(count: int) -> str | None:
    """Why a page with ``count`` headings is past the limit, or None."""
    if count > MAX_HEADINGS:
        return f"it has {count:,} headings (the limit is {MAX_HEADINGS:,})"
    return None


def notice(reason: str, cut: bool = False) -> str:
    """The one line a plain-text page opens with; ``cut``: it shows only the
    first :data:`MAX_PAGE_BYTES` of its file."""
    shown = f", its first {_bytes(MAX_PAGE_BYTES)} only," if cut else ""
    return f"Shown as plain text{shown} because {reason}."


def shown_text(text: str) -> str:
    """What a plain-text page shows of ``text``: each word past :data:`MAX_WORD`
    characters is cut there, and marked with an ellipsis."""
    if _LONG_WORD.search(text) is None:
        return text
    return re.sub(f"(?<!\\S)(\\S{{{MAX_WORD}}})\\S+", "\\1\u2026", text)


def _bytes(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.1f} MB".replace(".0 MB", " MB")
    return f"{size / 1024:,.0f} KB"


def _nesting(text: str) -> int:
    """How deep the deepest line is nested, if deeper than the limit (else 0)."""
    deepest = 0
    for pattern, first in ((_DEEP_OPENERS_LINE, _DEEP_OPENERS), (_DEEP_INDENT_LINE, _DEEP_INDENT)):
        found = first.match(text)
        lines = [found] if found else []
        if lines or pattern.search(text):
            lines += pattern.finditer(text)
        for line in lines:  # only the lines past the limit: count their levels
            deepest = max(deepest, _levels(text, line.start() + (text[line.start()] == "\n")))
    return deepest


def _levels(text: str, start: int) -> int:
    end = text.find("\n", start)
    line = text[start:end if end != -1 else len(text)].expandtabs(4)
    prefix = _OPENERS.match(line)
    levels = len(re.findall(_MARKER, line[:prefix.end() + 1])) if prefix else 0
    return max(levels, (len(line) - len(line.lstrip(" "))) // 4)


def _html_nesting(text: str) -> int:
    """How deep the raw HTML's elements nest (those whose end tag may not be left out)."""
    depth = deepest = 0
    for closing, name, empty in _TAG.findall(text):
        name = name.lower()
        if empty or name in _UNNESTED:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _longest_word(text: str) -> int:
    # A word is no longer than its line, and most files' lines are short: their
    # lengths are quicker to find than the start of every word.
    if max(map(len, text.split("\n"))) <= MAX_WORD or _LONG_WORD.search(text) is None:
        return 0
    if "(data:image/" in text:
        text = _DATA_URL.sub("()", text)
    return max((len(word) for word in re.findall(f"\\S{{{MAX_WORD + 1},}}", text)), default=0)


def _wide_row(text: str) -> bool:
    return _ROW.match(text) is not None or _ROW_LINE.search(text) is not None


def _scan_cost(text: str) -> int:
    """About how many characters Python-Markdown scans again, up to just past the limit.

    Each term is what one of its searches costs: from a tag's "<" to its ">", from
    a link's "](" to its ")" (to the end, when none closes it), from a line that
    splits a block to the block's end. Fenced code is left out: it is put aside
    before any of them. The searches here cost the same, but in C, and stop once
    the limit is passed.
    """
    cost = 0
    far: list[re.Match[str]] = []
    for near, beyond, opener in ((_NEAR_TAG, _FAR_TAG, "<"), (_NEAR_LINK, _FAR_LINK, "](")):
        if opener in text:
            # Most close within a line: each costs the length of what ``near`` matched.
            cost += sum(map(len, near.findall(text)))
            far += beyond.finditer(text)
    splitters = list(_SPLITTER.finditer(text)) if "\n" in text else []
    if cost > MAX_SCAN or not (far or splitters):
        return cost
    code = _fenced_ranges(text) if "```" in text or "~~~" in text else []
    starts = [low for low, _ in code]

    def in_code(position: int) -> bool:
        at = bisect.bisect_right(starts, position) - 1
        return at >= 0 and position < code[at][1]

    for found in far:
        if not in_code(found.start()):
            end = text.find(">" if found.group() == "<" else ")", found.start())
            cost += (end if end != -1 else len(text)) - found.start()
            if cost > MAX_SCAN:
                return cost
    for found in splitters:
        if not in_code(found.start()):
            end = text.find("\n\n", found.start() + 1)
            cost += (end if end != -1 else len(text)) - found.start()
            if cost > MAX_SCAN:
                return cost
    return cost


def _inline_cost(text: str) -> int:
    """About how many characters Python-Markdown copies reading the inline markup:
    for each run of inline text (a paragraph, a list item, a heading, a table row),
    its marks times its length."""
    marks = sum(map(text.count, _INLINE_MARKS)) + text.count("  \n")
    if marks * len(text) <= MAX_INLINE_COPY:
        return 0  # the usual file: no need to look at its paragraphs one by one
    if "```" in text or "~~~" in text:  # fenced code is put aside first: not inline
        code = _fenced_ranges(text)
        text = "".join(text[start:end] for start, end in zip(
            [0, *(high for _, high in code)], [*(low for low, _ in code), len(text)],
            strict=True))
    runs = _INLINE_RUNS.split(text)
    if marks * max(map(len, runs)) <= MAX_INLINE_COPY:
        return 0
    cost = 0
    for run in runs:
        if len(run) >= 1000:  # the shorter cost at most a million each, half the limit in all
            cost += (sum(map(run.count, _INLINE_MARKS)) + run.count("  \n")) * len(run)
            if cost > MAX_INLINE_COPY:
                break
    return cost


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    """Where fenced code is, about: from each opening fence to its closing one."""
    ranges = []
    opened: tuple[int, str] | None = None
    for found in _FENCE.finditer("\n" + text):
        fence = found.group(1)
        if opened is None:
            opened = (found.start(), fence)
        elif fence[0] == opened[1][0] and len(fence) >= len(opened[1]):
            ranges.append((opened[0], found.end() - 1))
            opened = None
    if opened is not None:
        ranges.append((opened[0], len(text)))
    return ranges

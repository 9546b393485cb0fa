r"""Plain text to Markdown: the converter behind ``encyclopedia import``.

Our source documents are plain text with no markup: one paragraph per line
(hard-wrapped text works too), and a structure that a reader sees from the
shape of the lines. :func:`text_to_markdown` recognises

- the **title**: the first non-blank line, which becomes the ``#`` heading;
- **headings**: short lines without closing punctuation that sit between a
  finished paragraph and the text they introduce (``##``);
- **tables**: runs of two or more lines with ``|`` between the cells; a
  ``---|---`` separator is optional, ragged rows are padded;
- **lists**: lines that start with ``- ``, ``* `` or ``• ``;
- **FAQs**: a question (a line ending in ``?``) followed by a line starting
  with ``+``, its answer. Consecutive entries are grouped under a
  "Frequently asked questions" heading (or the heading right above them), each
  question a ``###`` sub-section.

Anything else is a paragraph. Only the markers named above are dropped: every
character that Markdown would read as markup is escaped, so the page shows the
original text. A worked example:

    >>> print(text_to_markdown(
    ...     "Tea\n"
    ...     "Tea is made from the leaves of *Camellia sinensis*.\n"
    ...     "Kinds\n"
    ...     "Kind | Oxidised |\n"
    ...     "---|---|\n"
    ...     "Green | no\n"
    ...     "Black | fully | (the most common)\n"
    ...     "- Drunk hot\n"
    ...     "- Drunk iced\n"
    ...     "Is tea healthy?\n"
    ...     "+In moderation, yes.\n"
    ...     "1. Boil water; 2. steep.\n"), end="")
    # Tea
    <BLANKLINE>
    Tea is made from the leaves of \*Camellia sinensis\*.
    <BLANKLINE>
    ## Kinds
    <BLANKLINE>
    | Kind | Oxidised |  |
    | --- | --- | --- |
    | Green | no |  |
    | Black | fully | (the most common) |
    <BLANKLINE>
    - Drunk hot
    - Drunk iced
    <BLANKLINE>
    ## Frequently asked questions
    <BLANKLINE>
    ### Is tea healthy?
    <BLANKLINE>
    In moderation, yes.
    <BLANKLINE>
    1\. Boil water; 2. steep.

A heading or question is only made a heading when its text needs no escaping:
the section tree shows heading titles as written, so an escaped title would
show its backslashes. Such a line stays a paragraph (a question becomes a bold
paragraph) and nothing is lost.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from content.parse import plain_heading, slugify

__all__ = ["FAQ_HEADING", "escape_block", "escape_inline", "text_to_markdown"]

FAQ_HEADING = "Frequently asked questions"

# Headings are short; a longer unpunctuated line is more likely a paragraph
# that lost its full stop than a title.
MAX_HEADING_CHARS = 70
MAX_HEADING_WORDS = 12
# A document whose longest prose line is this many characters was hard-wrapped
# by an editor; in one, a line that reaches WRAP_FRACTION of that width without
# finishing its sentence runs on into the next line. Documents with one
# paragraph per line have far longer lines and are never joined this way.
WRAPPED_WIDTHS = range(40, 101)
WRAP_FRACTION = 0.75

# Quotes and brackets may close a sentence after its punctuation: 'He said "no."'
# (Full-width forms are written as escapes: they look like their ASCII twins.)
_CLOSERS = "\"')]}»\u2019\u201d\u203a」』\uff09】"
# A line ending in one of these has finished what it was saying.
_SENTENCE_END = ".!?:;…。\uff01\uff1f\uff1a\uff1b"
# A heading ends in none of these (a comma means the line goes on).
_NOT_HEADING_END = _SENTENCE_END + ",、\uff0c"
_QUESTION_END = "?\uff1f"

_BULLET = re.compile(r"^[-*•‣◦]\s+(?=.*[^\W_])")
_SEPARATOR_CELL = re.compile(r"^:?-*:?$")
_ORDERED = re.compile(r"^(\d+)\.(?=\s|$)")
_WORD = re.compile(r"[^\W_]")
# C0 controls are not text, and Python-Markdown uses \x02/\x03 internally.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]+")
# What Python-Markdown reads as inline markup. The underscore is left alone
# inside a word (snake_case), where Markdown does not read it as emphasis;
# ``<`` only before something a tag or autolink could start with; ``&`` only
# where it would begin a character reference.
_INLINE_SPECIAL = re.compile(
    r"""\\(?=[!-/:-@\[-`{-~])
      | [`*\[\]{}]
      | (?<![^\W_])_ | _(?![^\W_])
      | <(?=\S)
      | &(?=\#[0-9]+;|\#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)
      | ~(?=~)
    """,
    re.VERBOSE,
)
# Braces as references, not backslash escapes: the outline pass reads "{...}"
# at the end of a heading as attributes even when the "{" is escaped.
# A tilde before another (``~~struck~~``, a ``~~~`` fence) as a reference too:
# Python-Markdown has no backslash escape for it.
_REFERENCES = {"<": "&lt;", "&": "&amp;", "{": "&#123;", "}": "&#125;", "~": "&#126;"}


def escape_inline(text: str) -> str:
    r"""``text`` as Markdown that renders as exactly this text, inside a line.

    >>> escape_inline("2*3 = [six] <b>, snake_case & __init__ &amp;")
    '2\\*3 = \\[six\\] &lt;b>, snake_case & \\_\\_init\\_\\_ &amp;amp;'
    """
    return _INLINE_SPECIAL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _REFERENCES.get(char, "\\" + char)


def escape_block(text: str) -> str:
    r"""``text`` as Markdown for a whole paragraph or list item: inline escapes,
    plus whatever at the start of a line would open a block (heading, quote,
    list, numbered list, definition, code fence).

    >>> escape_block("1. First")
    '1\\. First'
    >>> escape_block("# not a heading")
    '\\# not a heading'
    """
    text = escape_inline(text)
    ordered = _ORDERED.match(text)
    if ordered:
        return f"{ordered.group(1)}\\.{text[ordered.end():]}"
    if text[:1] in ("#", ">", "-", "+", "|"):
        return "\\" + text
    # Neither ':' nor '~' can be backslash-escaped in Python-Markdown.
    if text.startswith(":"):
        return "&#58;" + text[1:]
    if text.startswith("~~~"):
        return "&#126;" + text[1:]
    return text


def _heading_markdown(text: str) -> str:
    """``text`` escaped for use after ``#`` marks: a leading or trailing ``#``
    would be taken as part of the marks."""
    escaped = escape_inline(text)  # leaves every "#" where it was
    if text.startswith("#"):
        escaped = "\\" + escaped
    if text.endswith("#") and len(text) > 1:
        escaped = escaped[:-1] + "\\#"
    return escaped


def _renders_as_itself(text: str) -> bool:
    """Whether ``text`` can be a heading that the renderer *and* the section tree
    (:func:`content.parse.plain_heading`) both show exactly as written."""
    return _heading_markdown(text) == text and plain_heading(text) == text


def _strip_closers(text: str) -> str:
    return text.rstrip(_CLOSERS)


def _is_open(text: str) -> bool:
    """Whether a line stops in the middle of a sentence."""
    return not _strip_closers(text).endswith(tuple(_SENTENCE_END))


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _is_question(text: str) -> bool:
    return _strip_closers(text).endswith(tuple(_QUESTION_END))


def _is_answer(text: str) -> bool:
    return text.startswith("+")


def _is_separator(text: str) -> bool:
    cells = _cells(text)
    return any("-" in c for c in cells) and all(_SEPARATOR_CELL.match(c) for c in cells)


def _is_pipe_line(text: str) -> bool:
    # "- a | b" is a list item that happens to hold a pipe; "-|-" is a separator.
    return "|" in text and (not _BULLET.match(text) or _is_separator(text))


def _cells(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [" ".join(cell.split()) for cell in text.split("|")]


def _looks_like_heading(text: str) -> bool:
    return (len(text) <= MAX_HEADING_CHARS
            and len(text.split()) <= MAX_HEADING_WORDS
            and not _strip_closers(text).endswith(tuple(_NOT_HEADING_END))
            and _WORD.search(text) is not None
            and not _starts_lower(text)
            and not _BULLET.match(text)
            and not _is_answer(text)
            and "|" not in text
            and _renders_as_itself(text))


@dataclass(frozen=True)
class _Line:
    text: str  # stripped, runs of spaces and tabs collapsed
    indented: bool


@dataclass(frozen=True)
class _Heading:
    text: str


@dataclass
class _Paragraph:
    lines: list[str]  # grows while a hard-wrapped paragraph is read


@dataclass(frozen=True)
class _List:
    items: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    rows: tuple[tuple[str, ...], ...]  # the first is the header


@dataclass(frozen=True)
class _FaqEntry:
    question: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class _Faq:
    entries: tuple[_FaqEntry, ...]
    heading: str | None  # None when the heading right above introduces the group


_Block = _Heading | _Paragraph | _List | _Table | _Faq


def _clean_lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff")
    lines = []
    # splitlines() also ends lines at CR, CRLF and the Unicode separators.
    for raw in text.splitlines():
        raw = _CONTROL.sub("", raw)
        lines.append(_Line(_SPACES.sub(" ", raw).strip(), raw[:1].isspace()))
    return lines


@dataclass
class _Reader:
    """Reads the lines after the title into blocks."""

    lines: list[_Line]
    wrap_at: float = field(init=False)

    def __post_init__(self) -> None:
        widths = [len(line.text) for line in self.lines
                  if line.text and not _is_pipe_line(line.text)]
        widest = max(widths, default=0)
        self.wrap_at = WRAP_FRACTION * widest if widest in WRAPPED_WIDTHS else math.inf

    def runs_on(self, text: str) -> bool:
        """Whether a line was cut by hard wrapping and goes on in the next one."""
        return _is_open(text) and len(text) >= self.wrap_at

    def next_content(self, start: int) -> int | None:
        for i in range(start, len(self.lines)):
            if self.lines[i].text:
                return i
        return None

    def blocks(self) -> list[_Block]:
        out: list[_Block] = []
        i = 0
        after_blank = True  # the title ends a block
        no_table_before = 0  # the rest of a run of pipe lines that is not a table
        while i < len(self.lines):
            text = self.lines[i].text
            if not text:
                after_blank = True
                i += 1
                continue
            run_end, is_table = self.pipe_run(i) if i >= no_table_before else (i, False)
            if is_table:
                out.append(self.table(i, run_end))
                i = run_end
            elif _BULLET.match(text):
                items, i = self.list_items(i)
                out.append(_List(items))
            elif (faq := self.faq(i)) is not None:
                entries, i = faq
                # A heading right above the questions introduces them; else add ours.
                heading = None if out and isinstance(out[-1], _Heading) else FAQ_HEADING
                out.append(_Faq(entries, heading))
            else:
                no_table_before = max(no_table_before, run_end)
                block = self.text_block(i, out[-1] if out else None, after_blank)
                if block is not None:
                    out.append(block)
                i += 1
            after_blank = False
        return out

    def pipe_run(self, start: int) -> tuple[int, bool]:
        """Where the run of pipe lines from ``start`` ends, and whether it is a table:
        two lines or more, with some text besides separators."""
        end = start
        while end < len(self.lines) and self.lines[end].text and _is_pipe_line(
                self.lines[end].text):
            end += 1
        run = [line.text for line in self.lines[start:end]]
        return end, len(run) >= 2 and not all(_is_separator(row) for row in run)

    def table(self, start: int, end: int) -> _Table:
        rows = [_cells(line.text) for line in self.lines[start:end]
                if not _is_separator(line.text)]
        width = max(len(row) for row in rows)
        return _Table(tuple(tuple(row + [""] * (width - len(row))) for row in rows))

    def list_items(self, start: int) -> tuple[tuple[str, ...], int]:
        items: list[str] = []
        i = start
        while i < len(self.lines):
            line = self.lines[i]
            if _BULLET.match(line.text):
                items.append(_BULLET.sub("", line.text, count=1))
            elif line.text and line.indented and self.lines[i - 1].text:
                items[-1] += " " + line.text  # a wrapped item goes on, indented
            elif not line.text:
                after = self.next_content(i)
                if after is None or not _BULLET.match(self.lines[after].text):
                    break
                i = after
                continue
            else:
                break
            i += 1
        return tuple(items), i

    def faq(self, start: int) -> tuple[tuple[_FaqEntry, ...], int] | None:
        """Consecutive question/+answer entries from ``start``, and where they end."""
        entries: list[_FaqEntry] = []
        end = start
        i: int | None = start
        while i is not None and _is_question(self.lines[i].text) and not _is_answer(
                self.lines[i].text) and not _BULLET.match(self.lines[i].text):
            answer = self.next_content(i + 1)
            if answer is None or not _is_answer(self.lines[answer].text):
                break
            answers = []
            while answer is not None and _is_answer(self.lines[answer].text):
                text = self.lines[answer].text[1:].strip()
                if text:
                    answers.append(text)
                end = answer + 1
                answer = self.next_content(answer + 1)
            entries.append(_FaqEntry(self.lines[i].text, tuple(answers)))
            i = answer
        return (tuple(entries), end) if entries else None

    def text_block(self, i: int, previous: _Block | None, after_blank: bool) -> _Block | None:
        """A line that is not a table, list or FAQ: a heading, a new paragraph,
        or (None) more of the paragraph before it, which it joins."""
        text = self.lines[i].text
        open_before = (isinstance(previous, _Paragraph) and not after_blank
                       and _is_open(previous.lines[-1]))
        if open_before and isinstance(previous, _Paragraph) and (
                self.runs_on(previous.lines[-1]) or _starts_lower(text)):
            previous.lines.append(text)
            return None
        # A heading follows a finished block: after an unfinished line it is
        # more likely the tail of a list of short lines ("Name: Ann / Age: 42").
        if not open_before and self.is_heading(i):
            return _Heading(text)
        return _Paragraph([text])

    def is_heading(self, i: int) -> bool:
        text = self.lines[i].text
        if not _looks_like_heading(text) or self.runs_on(text):
            return False
        following = self.next_content(i + 1)
        if following is None:
            return False
        after = self.lines[following].text
        # Two heading-like lines in a row are more likely a list of short lines;
        # a lower-case start means the line was the start of a wrapped sentence.
        return not _looks_like_heading(after) and not _starts_lower(after)


def _table_markdown(table: _Table) -> str:
    def row(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(escape_inline(cell) for cell in cells) + " |"

    header, *body = table.rows
    lines = [row(header), "| " + " | ".join(["---"] * len(header)) + " |"]
    return "\n".join(lines + [row(cells) for cells in body])


def _faq_markdown(faq: _Faq) -> str:
    parts = [f"## {faq.heading}"] if faq.heading else []
    for entry in faq.entries:
        if _renders_as_itself(entry.question):
            parts.append(f"### {entry.question}")
        else:
            parts.append(f"**{escape_inline(entry.question)}**")
        parts += [escape_block(answer) for answer in entry.answers]
    return "\n\n".join(parts)


def _block_markdown(block: _Block) -> str:
    if isinstance(block, _Heading):
        return f"## {block.text}"
    if isinstance(block, _Paragraph):
        return escape_block(" ".join(block.lines))
    if isinstance(block, _List):
        return "\n".join(f"- {escape_block(item)}" for item in block.items)
    if isinstance(block, _Table):
        return _table_markdown(block)
    return _faq_markdown(block)


def _title_markdown(title: str) -> list[str]:
    if _renders_as_itself(title):
        return [f"# {title}"]
    # The section tree takes the heading's text as written, escapes and all;
    # front matter gives it the title as it is. The explicit anchor has no
    # underscores: Python-Markdown would read "{#_a_}" as emphasis before
    # attr_list sees it.
    anchor = re.sub(r"[-_]+", "-", slugify(title)).strip("-") or "title"
    return [f'---\ntitle: "{title}"\n---', f"# {_heading_markdown(title)} {{#{anchor}}}"]


def text_to_markdown(text: str) -> str:
    """An article in plain text (see the module docstring) as Markdown.

    Blank or empty text gives an empty string; anything else ends in a newline.
    """
    lines = _clean_lines(text)
    first = next((i for i, line in enumerate(lines) if line.text), None)
    if first is None:
        return ""
    blocks = _Reader(lines[first + 1:]).blocks()
    parts = _title_markdown(lines[first].text) + [_block_markdown(b) for b in blocks]
    return "\n\n".join(parts) + "\n"

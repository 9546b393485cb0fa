"""The Python-Markdown set-up that both the page and the exact outline read with.

Both must agree on what is a block (and so on what is a heading), so both are
made here, from the same extensions, with one difference: the page highlights
code with Pygments, the outline never looks at code.

The extensions, and why:

- ``tables``, ``footnotes``, ``attr_list``, ``def_list``, ``sane_lists``: the
  Markdown of wikis, mdBook (tables, footnotes, definition lists, ``{#id}``) and
  MkDocs; ``toc`` on the page only, for ``[TOC]``;
- ``pymdownx.superfences`` for fenced code: backticks or tildes, in block quotes
  and list items too. Its header is widened here to any info string, whose first
  word is the language (``rust,ignore``), and one formatter takes every block,
  to drop the lines mdBook hides (see :mod:`content.fences`);
- ``pymdownx.highlight``: Pygments, with CSS classes (the stylesheet colours them);
- ``admonition`` (``!!! note``), ``pymdownx.details`` (``??? note``), and
  ``github-callouts`` (``> [!NOTE]``, which mdBook renders too); MkDocs libraries
  also get ``callouts`` (a ``NOTE:`` paragraph), as mkdocs.yml files ask for it;
- ``pymdownx.tilde``: ``~~struck~~``, and ``pymdownx.tasklist``: ``- [x] done``, as in
  GitHub and mdBook (no subscripts; the sanitizer draws the check boxes as ☐ and ☑).

mdBook and plain folders are CommonMark: their text is first rewritten by
:mod:`content.commonmark` so that Python-Markdown nests it the same way.

    >>> md = markdown_for(MDBOOK, highlight=True)
    >>> html = convert(md, body, MDBOOK)
"""

from __future__ import annotations

import html
import re
import string
from typing import Any

import markdown
import markdown.util
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.superfences import (
    SuperFencesBlockPreprocessor,
    SuperFencesCodeExtension,
    SuperFencesException,
    fence_code_format,
    highlight_validator,
)

from content.commonmark import source_text
from content.fences import hidden_prefix, info_hidelines, info_language, visible_code
from content.flavour import Flavour
from content.limits import HIGHLIGHTED_BLOCK, MAX_HIGHLIGHTED, MAX_HIGHLIGHTED_LINE

_BLOCK_EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "sane_lists", "admonition",
                     "pymdownx.details", "github-callouts"]
_FLAVOUR_EXTENSIONS = {"mkdocs": ["callouts"]}
_CONFIGS: dict[str, dict[str, Any]] = {
    "pymdownx.tilde": {"subscript": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
    "pymdownx.highlight": {"use_pygments": True, "noclasses": False, "guess_lang": False,
                           "css_class": "highlight"},
}
# mdBook's listing wrapper (the Rust Book's), alone on its line.
_LISTING_OPEN = r"(?i)^ {0,3}<listing(\s[^>]*)?>\s*$"
_LISTING_CLOSE = r"(?i)^ {0,3}</listing\s*>\s*$"
_ATTRIBUTE = r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"


def markdown_for(flavour: Flavour, highlight: bool, extensions: list[Any] | None = None) -> Any:
    """A new Markdown instance for a library of this flavour (not safe to share between threads).

    ``highlight``: code blocks go through Pygments (the page), or are only
    escaped (the outline, which never shows them).
    """
    chosen: list[Any] = [*_BLOCK_EXTENSIONS, *_FLAVOUR_EXTENSIONS.get(flavour.name, []),
                         "pymdownx.tilde", "pymdownx.tasklist", "pymdownx.highlight", _Fences(
                             relaxed_headers=True,
                             custom_fences=[{"name": "*", "class": "", "format": _code_block,
                                             "validator": _validate}]),
                         _Wrappers(), *(extensions or [])]
    md = markdown.Markdown(extensions=chosen, extension_configs=_CONFIGS, output_format="html")
    if flavour.name != "mkdocs":
        # CommonMark escapes any ASCII punctuation (`\<title\>`); Python-Markdown, which
        # MkDocs reads with, only its own few.
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS,
                            *(c for c in string.punctuation if c not in md.ESCAPED_CHARS)]
    md.code_highlight = highlight
    md.code_flavour = flavour
    md.code_budget = MAX_HIGHLIGHTED
    if highlight:
        md.treeprocessors.register(_IndentedCode(md), "indent-highlight", 30)
    inline = md.treeprocessors["inline"]
    for processor in md.inlinePatterns:
        if isinstance(processor, LinkInlineProcessor):
            _BracketEnds(processor, inline)
    return md


def convert(md: Any, body: str, flavour: Flavour) -> str:
    """``body`` as HTML (not yet sanitized), read by ``md`` the way ``flavour`` reads it."""
    md.reset()
    md.code_flavour = flavour  # the book's hidelines can differ between two mdBooks
    md.code_budget = MAX_HIGHLIGHTED
    return str(md.convert(source_text(body, flavour)))


def _validate(language: str, inputs: dict[str, str], options: dict[str, Any],
              attrs: dict[str, str], md: Any) -> bool:
    """SuperFences' own options (``hl_lines``, ``title``...), and mdBook's ``hidelines``."""
    hidelines = inputs.pop("hidelines", None)
    okay = bool(highlight_validator(language, inputs, options, attrs, md))
    if hidelines:
        options["hidelines"] = hidelines
    return okay


def _code_block(source: str, language: str, class_name: str, options: dict[str, Any], md: Any,
                **kwargs: Any) -> str:
    """One fenced code block: without its hidden lines, highlighted on the page."""
    prefix = hidden_prefix(language, md.code_flavour, options.pop("hidelines", None))
    source = visible_code(source, language, prefix)
    if not md.code_highlight:
        return str(fence_code_format(source, language, class_name, options, md, **kwargs))
    # Pygments takes 1 to 10 us a character, 0.4 ms a block to set up, and some of
    # its lexers (reStructuredText's) the square of a line's length: past the page's
    # budget, or with a line too long, code is shown as it is, in the same box.
    md.code_budget -= len(source) + HIGHLIGHTED_BLOCK
    if md.code_budget < 0 or max(map(len, source.split("\n"))) > MAX_HIGHLIGHTED_LINE:
        return _plain_code(html.escape(source, quote=False))
    fences = md.preprocessors["fenced_code_block"]
    return str(fences.highlight(src=source, language=language, options=options, md=md, **kwargs))


def _plain_code(escaped: str) -> str:
    """A code block as Pygments writes one it does not colour, without Pygments."""
    code = escaped.strip("\n")
    return f'<div class="highlight"><pre><span></span><code>{code}\n</code></pre></div>'


class _IndentedCode(Treeprocessor):  # type: ignore[misc]
    """Indented code blocks, in the box of fenced ones. They name no language, so
    Pygments would not colour them, but would cost 0.2 ms a block to say so."""

    def run(self, root: Any) -> None:
        for block in root.iter("pre"):
            if len(block) == 1 and block[0].tag == "code":
                placeholder = self.md.htmlStash.store(_plain_code(block[0].text or ""))
                block.clear()
                block.tag, block.text = "p", placeholder  # the stash's placeholder paragraph


class _BracketEnds:
    """A link processor's ``getText`` (where the ``]`` of a ``[`` is), in time that
    grows with the paragraph, not with its square.

    Python-Markdown finds the closing bracket of every index of a paragraph's text
    in one pass, and reuses that while the text is the same. But each link found
    replaces itself in the text with a placeholder, and the next link then pays
    for a new pass over all of it: 1,000 links in one paragraph took 2.8 s, 4,000
    more than 20 s. The text after a link is unchanged, though, and where a bracket
    closes depends only on the text after it; so the same ends are used again,
    shifted, as long as the new text is provably the old one with the last link
    made into its placeholder (the placeholder names that very link's element).
    """

    def __init__(self, processor: LinkInlineProcessor, inline: Any) -> None:
        self.inline = inline  # the inline tree processor, whose stash names the placeholders
        self.handle = processor.handleMatch
        self.text: str | None = None  # the text the ends were found in
        self.ends: list[int | None] = []  # for each index of it: past the closing "]"
        self.current: str | None = None  # the text now, made from ``text``
        self.shift = 0  # index in ``current`` + shift = index in ``text``
        self.valid_from = 0  # only indexes of ``current`` from here are in ``text``
        self.last: tuple[Any, int, int, int] | None = None  # the link last made in ``current``
        processor.getText = self.get_text
        processor.handleMatch = self.handle_match

    def handle_match(self, match: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:
        element, start, end = self.handle(match, data)
        if element is not None and start is not None and end is not None \
                and data is self.current:
            self.last = (element, start, end, len(data))
        return element, start, end

    def get_text(self, data: str, index: int) -> tuple[str, int, bool]:
        if (data is not self.current and not self._follows(data)) or index < self.valid_from:
            self.text = self.current = data
            self.ends = _bracket_ends(data)
            self.shift = self.valid_from = 0
            self.last = None
        end = self.ends[index + self.shift]
        if end is None:
            return data[index:], len(data), False
        end -= self.shift
        return data[index:end - 1], end, True

    def _follows(self, data: str) -> bool:
        """Whether ``data`` is the current text with its last link made a placeholder
        (then it becomes the current text)."""
        if self.last is None:
            return False
        element, start, end, length = self.last
        prefix = markdown.util.INLINE_PLACEHOLDER_PREFIX
        close = data.find(markdown.util.ETX, start) if data.startswith(prefix, start) else -1
        if close == -1:
            return False
        placeholder = close + 1 - start
        if len(data) != length - (end - start) + placeholder \
                or self.inline.stashed_nodes.get(data[start + len(prefix):close]) is not element:
            return False
        self.current, self.last = data, None
        self.shift += end - start - placeholder
        self.valid_from = start + placeholder
        return True


def _bracket_ends(text: str) -> list[int | None]:
    """For each index of ``text``, the index just past the ``]`` that closes a ``[``
    opened before it, or None if it never closes (Python-Markdown's own reading)."""
    ends: list[int | None] = [None] * (len(text) + 1)
    depth = 0
    # The indexes still waiting for their closing bracket; the bracket depth before
    # each is strictly increasing from the bottom of the stack to its top.
    waiting: list[tuple[int, int]] = []
    for position in range(len(text) + 1):
        while waiting and depth < waiting[-1][1]:
            ends[waiting.pop()[0]] = position
        waiting.append((position, depth))
        if position < len(text):
            if text[position] == "[":
                depth += 1
            elif text[position] == "]":
                depth -= 1
    return ends


class _InfoStringFences(SuperFencesBlockPreprocessor):  # type: ignore[misc]
    """SuperFences, taking any CommonMark info string: its first word is the language.

    SuperFences reads a header it does not know (``rust,ignore``) as having no
    language; with ``relaxed_headers`` it hands it here instead, at the moment it
    would open the block, so the reading of headers never leaves its own fence state.
    """

    def handle_unrecognized(self, m: re.Match[str]) -> bool:
        fence = m.group("fence")
        info = m.group(0)[len(fence):].strip()
        if fence[0] == "`" and "`" in info:
            return False  # CommonMark: a code span, not a fence
        self.lang = info_language(info)
        self.options, self.attrs, self.formatter = {}, {}, None
        hidelines = info_hidelines(info)
        for entry in reversed(self.extension.superfences):
            if not entry["test"](self.lang):
                continue
            options: dict[str, Any] = {}
            attrs: dict[str, str] = {}
            try:
                okay = entry["validator"](self.lang, {"hidelines": hidelines} if hidelines else {},
                                          options, attrs, self.md)
            except SuperFencesException:
                raise
            except Exception:
                okay = False
            if okay:
                self.formatter, self.options = entry["formatter"], options
                if self.attr_list:
                    self.attrs = attrs
                return True
        return False


    def reassemble(self, lines: list[str]) -> list[str]:
        """The lines with each fenced block in place of its own (SuperFences' own
        splices the list once a block: 30,000 blocks took 18 s)."""
        blocks = sorted(self.stack, key=lambda block: block[1])
        self.stack.clear()
        out: list[str] = []
        done = 0
        for fenced, start, end in blocks:
            if start < done:  # never seen: blocks do not overlap
                raise SuperFencesException("overlapping fenced blocks")
            out += lines[done:start]
            out.append(fenced)
            done = end
        out += lines[done:]
        return out


class _Fences(SuperFencesCodeExtension):  # type: ignore[misc]
    def patch_fenced_rule(self) -> None:
        super().patch_fenced_rule()
        fenced = _InfoStringFences(self.md)
        fenced.config = self.getConfigs()
        fenced.extension = self
        self.md.preprocessors.register(fenced, "fenced_code_block", 25)


class _ListingWrapper(Preprocessor):  # type: ignore[misc]
    """mdBook's ``<Listing number file-name caption>`` wrapper around Markdown (the Rust Book's).

    Python-Markdown does not know the tag, so it would leave it as text in empty
    paragraphs. Its Markdown shows, the file name above it and the caption below,
    as the Rust Book shows them. Fenced code is stashed by now, so a listing shown
    as code is left alone.
    """

    def run(self, lines: list[str]) -> list[str]:
        if not any("<" in line and re.match(r"(?i) {0,3}</?listing\b", line) for line in lines):
            return lines
        out: list[str] = []
        captions: list[str] = []
        for line in lines:
            opening = re.match(_LISTING_OPEN, line)
            if opening:
                attributes = {found.group(1).lower(): html.unescape(found.group(2) or found.group(3)
                                                                    or "")
                              for found in re.finditer(_ATTRIBUTE, opening.group(1) or "")}
                number, caption = attributes.get("number", ""), attributes.get("caption", "")
                label = f"Listing {number}" if number else "Listing"
                captions.append(f"**{label}:** {caption}" if caption else "")
                file_name = attributes.get("file-name")
                out.append("")
                if file_name:
                    out += [self.md.htmlStash.store(
                        f'<p class="listing-file">Filename: {html.escape(file_name)}</p>'), ""]
                continue
            if captions and re.match(_LISTING_CLOSE, line):
                caption = captions.pop()
                out += ["", caption, ""] if caption else [""]
                continue
            out.append(line)
        return out


class _Wrappers(markdown.Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: Any) -> None:
        # After the fences are stashed (25), before raw HTML is (20).
        md.preprocessors.register(_ListingWrapper(md), "listing", 22)

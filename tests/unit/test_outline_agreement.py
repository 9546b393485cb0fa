"""The outline and the page agree on every heading, and CommonMark libraries read as CommonMark.

The outline (the section tree, the section ids, the index) comes from a fast
line-by-line pass where it is sure of a file, else from Python-Markdown's own
parser (the exact outline). These tests hold the three together, on generated
documents full of what real books have: fences with comma info strings, tildes,
longer fences around shorter ones, fences and headings in quotes and list items.

- wherever the fast pass answers, it equals the exact outline;
- the exact outline's anchors are the page's heading ids, in order;
- for mdBook and plain folders (CommonMark), the page has as many headings as
  markdown-it-py (CommonMark's reference behaviour) finds.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from content.commonmark import source_text
from content.flavour import MDBOOK, MKDOCS, PLAIN, Flavour
from content.library import BUILTIN_ARTICLES
from content.parse import NotSimple, _exact_headings, _simple_headings, outline
from content.render import render_html
from tests.helpers.articles import article_of, heading_ids, page_of, section_anchors

FLAVOURS = [PLAIN, MDBOOK, MKDOCS]
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --- Generated documents --------------------------------------------------------------------

WORDS = st.sampled_from(["alpha", "Beta", "gamma_delta", "`RefCell<T>`", "a & b", "*em*",
                         "x", "七千", "[link](x)", "C#", "<b>raw</b>", "snake_case"])
INFO = st.sampled_from(["", "rust", "rust,ignore", "rust, editable", "rust,editable,ignore",
                        "python,hidelines=!!!", "{.python}", "text", "sh"])
CODE_LINE = st.sampled_from(["# struct Point {", "let x = 1;", "## not a heading", "```",
                             "~~~", "> # quoted", "- # item", "", "    indented", "---"])


def _words(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))


@st.composite
def fence(draw: st.DrawFn) -> list[str]:
    marker = draw(st.sampled_from(["```", "````", "~~~", "~~~~"]))
    closing = marker + draw(st.sampled_from(["", "", marker[0]]))  # CommonMark: as long or more
    lines = draw(st.lists(CODE_LINE, max_size=4))
    return [f"{marker}{draw(INFO)}", *lines, closing]


@st.composite
def block(draw: st.DrawFn, depth: int = 0) -> list[str]:
    kinds = ["paragraph", "heading", "heading", "setext", "fence", "fence", "rule", "html"]
    if depth < 2:
        kinds += ["quote", "list", "list"]
    kind = draw(st.sampled_from(kinds))
    if kind == "paragraph":
        return [_words(draw) for _ in range(draw(st.integers(1, 2)))]
    if kind == "heading":
        return [f"{'#' * draw(st.integers(1, 4))} {_words(draw)}"]
    if kind == "setext":
        return [_words(draw), draw(st.sampled_from(["===", "---"]))]
    if kind == "fence":
        return draw(fence())
    if kind == "rule":
        return [draw(st.sampled_from(["---", "***", "* * *"]))]
    if kind == "html":
        return draw(st.sampled_from([["<div>", "# in html", "</div>"], ["<!-- a comment -->"],
                                     ['<a id="x"></a>']]))
    inner = draw(blocks(depth + 1))
    if kind == "quote":
        return [f"> {line}".rstrip() for line in inner]
    marker = draw(st.sampled_from(["- ", "* ", "1. ", "2) "]))
    indent = " " * draw(st.sampled_from([len(marker), 4]))
    return [marker + inner[0], *((indent + line) if line else "" for line in inner[1:])]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for part in draw(st.lists(block(depth), min_size=1, max_size=3)):
        if lines and draw(st.booleans()):
            lines.append("")  # mostly blank lines between blocks, sometimes none
        lines += part
    return lines


@st.composite
def document(draw: st.DrawFn) -> str:
    return "\n".join(draw(blocks())) + "\n"


# Line soup: odd neighbours that no well-formed generator would think of.
LINE = st.one_of(
    st.sampled_from(["", "```", "~~~", "````", "```rust,ignore", "```rust, editable", "~~~python",
                     "---", "===", "> # quoted", "> ```", "> ```rust,ignore", ">", "> text",
                     "    # indented", "| a | b |", "text line", "# ", "#", "## Two ##",
                     "Title {#x}", "\\", "# a\\", "- item", "1. one", "  ```", "   ```",
                     "  # two", "- ```rust", "  text", "!!! note", "    body", "<div>", "</div>",
                     "# struct Point {", "Term", ": def", "[^1]: note", "x[^1]",
                     "## `RefCell<T>` and", "- # item heading", "> - item", ">     code",
                     "  - nested", "***", '<Listing number="1">', "</Listing>", "    more"]),
    st.builds(lambda hashes, words: f"{'#' * hashes} {words}", st.integers(1, 7),
              st.text(alphabet="ab _*`\\#{}<>&[]七", max_size=8)),
)


def _check_outline(source: str, flavour: Flavour) -> None:
    text = source_text(source, flavour)
    exact = _exact_headings(text, flavour)
    try:
        fast = _simple_headings(text)
    except NotSimple:
        pass
    else:
        assert [h[:3] for h in fast] == [h[:3] for h in exact]
    article = article_of(source, flavour)
    assert heading_ids(render_html(article)) == section_anchors(article)


@SETTINGS
@given(source=document(), flavour=st.sampled_from(FLAVOURS))
def test_outline_and_page_agree_on_nested_documents(source: str, flavour: Flavour) -> None:
    _check_outline(source, flavour)


@SETTINGS
@given(lines=st.lists(LINE, max_size=14), flavour=st.sampled_from(FLAVOURS))
def test_outline_and_page_agree_on_any_lines(lines: list[str], flavour: Flavour) -> None:
    _check_outline("\n".join(lines), flavour)


# --- CommonMark: the reference's headings ------------------------------------------------

COMMONMARK = MarkdownIt("commonmark")
# What both read alike: no front matter, tables, raw HTML or Python-Markdown's own blocks.
# Not modelled: empty list items, and indented code holding a fence-like line (which
# SuperFences takes for a fence).
COMMONMARK_LINE = st.sampled_from([
    "", "```", "~~~", "````", "```rust,ignore", "~~~python", "===", "> # quoted", "> ```", ">",
    "> text", "    # indented", "    code", "text line", "# ", "#", "## Two ##", "#hash",
    "####### seven", "- item", "1. one", "2. two", "  ```", "   ```", "  # two", "- ```rust",
    "  text", "   text", "# struct Point {", "- # item heading", "* star", "+ plus", "> - item",
    ">     code", "  - nested", "***", "* * *", "    more", "Title", "  ===", "  ---",
    "[ref]: /x", "> > deep", "1) paren", "10. ten", "---"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(COMMONMARK_LINE, max_size=12), flavour=st.sampled_from([PLAIN, MDBOOK]))
def test_commonmark_libraries_have_the_headings_commonmark_finds(lines: list[str],
                                                                 flavour: Flavour) -> None:
    source = "\n".join(lines)
    if source.split("\n", 1)[0].strip() == "---":
        return  # front matter, which CommonMark does not know
    if "> >" in source and "\n    " in source:
        return  # markdown-it reads an indented lazy line under nested quotes unlike cmark
    page = page_of(source, flavour)
    expected = sum(token.type == "heading_open" for token in COMMONMARK.parse(source))
    assert page.count("<h") - page.count("<hr") == expected


# --- Python-Markdown's own blocks (MkDocs), and CommonMark's -----------------------------

@pytest.mark.parametrize(("lines", "mkdocs", "commonmark"), [
    # A block-level tag starts raw HTML even in the middle of a paragraph.
    (["text line", "<div>", "# hidden", "</div>", "# shown"], ["shown"], ["shown"]),
    # Raw HTML blocks nest: the first closing tag does not end the outer one.
    (["<div>", "<div>", "</div>", "# hidden", "</div>", "# shown"], ["shown"], ["shown"]),
    # A fence is code only once it is closed (in CommonMark, by the end of the page).
    (["```python", "# hidden", "```", "# shown"], ["shown"], ["shown"]),
    (["Intro", "", "```", "", "## After"], ["after"], []),
    (["```", "# shown", "````", "text"], ["shown"], []),
    # An underline makes a heading even of a quote or a list item in Python-Markdown.
    (["> a", "---"], ["a"], []),
    (["- item", "==="], ["-item"], []),
    # An indented block after a list is one of its items', headings and all.
    (["- item", "", "    # Inside", "", "# After"], ["inside", "after"], ["inside", "after"]),
    # Items nest at 4 spaces in Python-Markdown, at the item's text in CommonMark.
    (["- item", "", "  # Inside"], [], ["inside"]),
    (["1. item", "   ```", "   # code", "   ```"], [], []),
])
def test_each_flavour_reads_blocks_as_its_own_tool(lines: list[str], mkdocs: list[str],
                                                    commonmark: list[str]) -> None:
    source = "\n".join(lines)
    for flavour, anchors in ((MKDOCS, mkdocs), (PLAIN, commonmark), (MDBOOK, commonmark)):
        article = article_of(source, flavour)
        assert section_anchors(article) == anchors, flavour.name
        assert heading_ids(render_html(article)) == anchors, flavour.name


# --- The fast pass, where start-up needs it ----------------------------------------------

def test_the_built_in_article_and_simple_files_take_the_fast_pass() -> None:
    for path in BUILTIN_ARTICLES.glob("*.md"):
        assert all(h.line >= 0 for h in outline(path.read_text(encoding="utf-8")).headings)
    simple = ("# Title\n\nSome *text* with `code` and [a link](x).\n\n## `RefCell<T>` and more\n\n"
              "- a list\n- of items\n\n> a quote\n\n```rust,ignore\n# fn main() {}\n```\n\n"
              "| a | b |\n|---|---|\n| c | d |\n\n### snake_case & co\n")
    for flavour in FLAVOURS:
        assert [h.line for h in outline(simple, flavour).headings] == [0, 4, 19]


def test_opening_the_built_in_library_imports_no_markdown() -> None:
    script = ("import sys; from content import load_library; load_library(); "
              "print(sorted(m for m in ('markdown', 'pygments', 'pymdownx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("source", [
    "> # A quoted heading\n", "- text\n\n    # In an item\n", "1. a\n   ```\n   x\n   ```\n",
    "<div>\n# raw\n</div>\n", "Text[^1]\n\n[^1]: x\n", "## *emphasis*\n", "## A {#id}\n",
])
def test_the_fast_pass_declines_what_it_cannot_be_sure_of(source: str) -> None:
    with pytest.raises(NotSimple):
        _simple_headings(source_text(source, PLAIN))
    assert [h.line for h in outline(source).headings] == [-1] * len(outline(source).headings)

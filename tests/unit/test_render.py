"""Rendering: heading ids are the section anchors, and raw HTML is made safe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content import load_library
from content.library import parse_article
from content.render import render_html, section_texts
from content.sanitize import sanitize
from tests.conftest import write_library


def test_every_section_anchor_is_a_rendered_heading_id() -> None:
    for article in load_library().articles:
        html = render_html(article)
        ids = re.findall(r'<h[1-6] id="([^"]+)"', html)
        assert ids == [s.anchor for s in article.walk() if s.anchor]


def test_table_renders_with_header_cells() -> None:
    html = render_html(load_library().articles[0])
    assert "<th>Category</th>" in html and "<th>Description</th>" in html
    assert html.count("<tr>") == 4


def test_extensions_footnotes_definitions_code(tmp_path: Path) -> None:
    write_library(tmp_path, {"x.md": (
        "# X\n\nA claim.[^1]\n\nTerm\n:   Its definition.\n\n```python\nprint('<hi>')\n```\n\n"
        "[^1]: The source.\n")})
    html = render_html(load_library(tmp_path).article("x"))
    assert "<dt>Term</dt>" in html and "<dd>Its definition.</dd>" in html
    assert "print(&#x27;&lt;hi&gt;&#x27;)" in html or "print('&lt;hi&gt;')" in html
    assert "The source." in html and 'class="footnote' in html


def test_section_texts_belong_to_their_own_section(tmp_path: Path) -> None:
    write_library(tmp_path, {"a.md": "# A\n\nlead words\n\n## B\n\nbee words\n\n### C\n\nsea\n"})
    texts = section_texts(load_library(tmp_path).article("a"))
    assert texts == {"a#a": "lead words", "a#b": "bee words", "a#c": "sea"}


def test_raw_html_cannot_run_or_load_anything(tmp_path: Path) -> None:
    write_library(tmp_path, {"evil.md": (
        "# Evil\n\n<script>alert('x')</script>\n\n"
        '<img src="https://tracker.example/pixel.png" alt="pixel" onerror="alert(1)">\n\n'
        '<a href="javascript:alert(1)">click</a> <a href="https://example.org">ok</a>\n\n'
        '<iframe src="https://example.org"></iframe><style>body{display:none}</style>\n\n'
        '<p onclick="x()" style="color:red">kept text</p>\n')})
    html = render_html(load_library(tmp_path).article("evil"))
    lowered = html.lower()
    for forbidden in ("<script", "alert('x')", "onerror", "onclick", "javascript:", "<iframe",
                      "<style", 'src="https://'):
        assert forbidden not in lowered
    assert 'href="https://example.org"' in html
    assert "kept text" in html and "[pixel: not loaded]" in html


def test_sanitize_keeps_local_images_and_escapes_text() -> None:
    html = sanitize('<p>a &lt; b</p><img src="images/map.png" alt="map"><img src="//cdn/x.png">')
    assert "<p>a &lt; b</p>" in html
    assert 'src="images/map.png"' in html
    assert 'src="//cdn' not in html


def test_anchors_that_look_like_markdown_stay_plain(tmp_path: Path) -> None:
    write_library(tmp_path, {"py.md": (
        "# Modules\n\n## _private value\n\n## `code_point`\n\n> # quoted\n\n## End\n")})
    article = load_library(tmp_path).article("py")
    html = render_html(article)
    assert '<h2 id="_private-value">_private value</h2>' in html
    assert "<em>" not in html and "{#" not in html
    assert [s.anchor for s in article.sections] == ["_private-value", "code_point", "end"]
    ids = re.findall(r'<h[1-6] id="([^"]+)"', html)
    assert ids == ["modules", "_private-value", "code_point", "quoted", "end"]


_LINE = st.one_of(
    st.sampled_from(["", "```", "~~~", "---", "===", "> # quoted", "    # indented", "| a | b |",
                     "text line", "# ", "#", "## Two ##", "Title {#x}", "\\",
                     "# a\\"]),
    st.builds(lambda hashes, words: f"{'#' * hashes} {words}", st.integers(1, 7),
              st.text(alphabet="ab _*`\\#{}七", max_size=8)),
)


def _sections_and_page_headings(lines: list[str]) -> tuple[list[str], list[str]]:
    """The anchors of the outline's sections, and of the page's own headings among them."""
    article = parse_article("x", Path("x.md"), "\n".join(lines))
    html = render_html(article)
    expected = [s.anchor for s in article.walk() if s.anchor]
    # Sections are the page's own headings, not those quoted or inside lists:
    # those go, innermost first (they nest).
    top_level, before = html, None
    while top_level != before:
        before, top_level = top_level, re.sub(
            r"<(blockquote|ul|ol)>(?:(?!<(?:blockquote|ul|ol)>).)*?</\1>", "", top_level,
            flags=re.DOTALL)
    rendered = re.findall(r'<h[1-6] id="([^"]*)"', top_level)
    return expected, [a for a in rendered if a in expected]


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LINE, max_size=14))
def test_outline_and_renderer_agree_on_headings(lines: list[str]) -> None:
    """Whatever the Markdown, the tree's sections are exactly the page's headings."""
    expected, rendered = _sections_and_page_headings(lines)
    assert rendered == expected


# Lists, and what may follow them; no fences (a fence beside a list is not modelled).
_LIST_LINE = st.one_of(
    st.sampled_from(["", "  ", "- item", "* star", "1. one", "2) paren", "-item", "- ",
                     "  - nested", "\t# tab", "  continued", "    # indented",
                     "    - indented item", "  # two-space", "text line", "> quote",
                     "> - quoted item", "---", "===", "* * *", "Heading", "- # item heading"]),
    st.builds(lambda indent, hashes, word: f"{indent}{'#' * hashes} {word}",
              st.sampled_from(["", " ", "    "]), st.integers(1, 3),
              st.sampled_from(["Alpha", "Beta", "Gamma"])),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(_LIST_LINE, max_size=12))
def test_outline_and_renderer_agree_on_headings_around_lists(lines: list[str]) -> None:
    expected, rendered = _sections_and_page_headings(lines)
    assert rendered == expected


@pytest.mark.parametrize(("lines", "anchors"), [
    # A block-level tag starts raw HTML even in the middle of a paragraph.
    (["text line", "<div>", "# hidden", "</div>", "# shown"], ["shown"]),
    # Raw HTML blocks nest: the first closing tag does not end the outer one.
    (["<div>", "<div>", "</div>", "# hidden", "</div>", "# shown"], ["shown"]),
    # A one-line HTML block is not the text of a setext heading below it.
    (["<div>x</div>", "---", "# shown"], ["shown"]),
    # An indented code block ends at a line of prose, which may be underlined.
    (["Lead.", "", "    code", "text line", "===", "", "Body."], ["text-line"]),
    # A fence is code only once the same fence closes it, at the start of a line.
    (["```python", "# hidden", "```", "# shown"], ["shown"]),
    (["Intro", "", "```", "", "## After"], ["after"]),
    (["```", "# shown", "````", "text"], ["shown"]),
    (["   ```", "# shown", "   ```"], ["shown"]),
    # An underline makes a heading even of a quote or a list item.
    (["> a", "---"], ["a"]),
    (["- item", "==="], ["-item"]),
    # An indented block after a list is one of its items, headings and all...
    (["- item", "", "    more", "# Inside", "", "# After"], ["after"]),
    (["- item", "", "    # Inside", "", "    # Inside too", "", "# After"], ["after"]),
    # ...but a heading right under an item is not in it, nor is what it leaves.
    (["- item", "## Outside", "    code"], ["outside"]),
    # After indented code, a rule opens a block, and an underline makes it a heading.
    (["    code", "---", "==="], ["-"]),
    # A first line of spaces is text: the list below it is not a list.
    (["  ", "* star", "- "], []),
])
def test_outline_follows_python_markdowns_blocks(lines: list[str], anchors: list[str]) -> None:
    expected, rendered = _sections_and_page_headings(lines)
    assert expected == anchors and rendered == anchors

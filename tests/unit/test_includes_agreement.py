"""Pages made of includes still have one outline: the page's headings are the sections.

Generated mdBooks whose chapters include files (whole, by lines, by anchor, with
rustdoc_include), where the included text holds headings, fences with comma info
strings, and lines that only look like headings. Whatever the mix, the sections
of each chapter are exactly the headings its rendered page carries, and no
directive is left in the text but an escaped one.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content import load_library
from content.render import render_html
from tests.conftest import write_library

SNIPPETS = st.sampled_from([
    "## Included heading", "# struct Point {", "```rust,ignore\n# fn hidden() {}\nlet x = 1;\n```",
    "~~~\n## in code\n~~~", "> ## quoted heading", "- item\n\n    ## in a list", "plain words",
    "Setext\n------", "```\nunclosed", "ANCHOR: part\n## Anchored\nANCHOR_END: part", "",
])
DIRECTIVES = st.sampled_from([
    "{{#include part.md}}", "{{#include part.md:2}}", "{{#include part.md:1:3}}",
    "{{#include part.md::2}}", "{{#include part.md:2:}}", "{{#include part.md:part}}",
    "```rust\n{{#rustdoc_include part.md:part}}\n```", "{{#include missing.md}}",
    "\\{{#include part.md}}", "```rust,editable\n{{#include part.md}}\n```",
])
HEADING_IDS = re.compile(r"<h[1-6][^>]*\sid=\"([^\"]+)\"")


@st.composite
def chapter(draw: st.DrawFn) -> tuple[str, str]:
    """A chapter's text and the text of the file it includes."""
    part = "\n\n".join(draw(st.lists(SNIPPETS, min_size=1, max_size=4)))
    pieces = ["# Chapter"]
    for _ in range(draw(st.integers(1, 3))):
        pieces.append(draw(st.sampled_from(["## Own heading", "Text.", "> quote"])))
        pieces.append(draw(DIRECTIVES))
    return "\n\n".join(pieces) + "\n", part + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chapter())
def test_sections_are_the_headings_the_page_carries(case: tuple[str, str]) -> None:
    text, part = case
    with tempfile.TemporaryDirectory() as folder:
        root = write_library(Path(folder), {"book.toml": "", "src/SUMMARY.md": "- [C](c.md)\n",
                                            "src/c.md": text, "src/part.md": part})
        article = load_library(root).article("c")
        anchors = [section.anchor for section in article.walk() if section.anchor]
        assert HEADING_IDS.findall(render_html(article)) == anchors
        # Only an escaped directive is left, as written less its backslash.
        left = re.findall(r"\{\{#(?:include|rustdoc_include)\s", article.body)
        assert len(left) == text.count("\\{{#")

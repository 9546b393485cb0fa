"""Which part of an article's HTML a section is, for printing one section."""

from __future__ import annotations

from pathlib import Path

from content import load_library
from content.render import render_html
from tests.conftest import write_library
from viewer.printing import section_html


def test_a_section_is_its_heading_to_the_next_section_not_below_it(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path, {"a.md": (
        "# A\n\nLead.\n\n## One\n\nFirst.\n\n### One deeper\n\nDeep.\n\n"
        "## Two\n\nSecond.\n\n```\n## not a heading\n```\n\n## Three\n\nThird.\n")}))
    article = library.article("a")
    html = render_html(article)
    one = section_html(article, html, "a#one")
    assert "First." in one and "Deep." in one and "Second." not in one
    assert one.startswith('<h2 id="one">')
    two = section_html(article, html, "a#two")
    assert "Second." in two and "not a heading" in two and "Third." not in two
    assert "Third." in section_html(article, html, "a#three")
    assert section_html(article, html, "a#one-deeper").count("<h") == 1
    assert section_html(article, html, "a") == html == section_html(article, html, None)

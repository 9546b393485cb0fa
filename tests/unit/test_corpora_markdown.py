"""Four real libraries that we did not write render as their own tools read them.

Every Markdown file of the corpora in ``../shared/corpora`` (copied to a temporary
folder first: they are read-only), rendered with its library's flavour:

- the page has as many headings outside code as markdown-it-py, CommonMark's
  reference behaviour, finds (MkDocs renders with Python-Markdown, but these pages
  read alike; a known difference would be listed in ``PYTHON_MARKDOWN_DIFFERS``);
- no text of the page outside code shows a fence (````` ``` `````): every fence is code;
- the outline's anchors are the page's heading ids, in order.

Each file is read as the library loader reads it: an mdBook's ``{{#include}}``
directives and an MkDocs site's snippets resolved first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from content.flavour import MDBOOK, MKDOCS, PLAIN
from content.loading import library_layout, read_source
from content.render import render_html
from tests.helpers.articles import article_of, heading_ids, section_anchors, text_outside_code

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
LIBRARIES = {  # corpus: (its Markdown folder, its flavour)
    "rust-by-example": ("src", MDBOOK),
    "mdbook-guide": ("src", MDBOOK),
    "mkdocs-docs": ("docs", MKDOCS),
    "tldr-de": ("pages.de", PLAIN),
}
# (corpus, file): why Python-Markdown's page has other headings than CommonMark's.
PYTHON_MARKDOWN_DIFFERS: dict[tuple[str, str], str] = {}
COMMONMARK = MarkdownIt("commonmark")


def _files() -> list[tuple[str, str]]:
    found = []
    for corpus, (folder, _) in LIBRARIES.items():
        root = CORPORA / corpus / folder
        found += [(corpus, path.relative_to(root).as_posix())
                  for path in sorted(root.rglob("*.md"))]
    return found


@pytest.fixture(scope="session")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the corpora (the shared ones are read-only)."""
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    copy = tmp_path_factory.mktemp("corpora")
    for corpus in LIBRARIES:
        shutil.copytree(CORPORA / corpus, copy / corpus)  # whole: includes come from beside
    return copy


@pytest.mark.parametrize(("corpus", "name"), _files(), ids="/".join)
def test_each_page_has_commonmarks_headings_and_no_stray_fences(corpora: Path, corpus: str,
                                                                 name: str) -> None:
    folder, flavour = LIBRARIES[corpus]
    layout = library_layout(corpora / corpus / folder)
    assert layout.flavour.name == flavour.name
    text = read_source(corpora / corpus / folder / name, layout.book_root, layout.flavour).text
    article = article_of(text, layout.flavour)
    page = render_html(article)
    assert heading_ids(page) == section_anchors(article)
    assert "```" not in text_outside_code(page)
    if (corpus, name) not in PYTHON_MARKDOWN_DIFFERS:
        expected = sum(token.type == "heading_open" for token in COMMONMARK.parse(text))
        assert len(heading_ids(page)) == expected


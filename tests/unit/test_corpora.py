"""The four real libraries in ../shared/corpora read as their own tools show them.

Each is copied to a temporary folder and opened as a reader would open it:
rust-by-example and the mdBook guide are mdBooks, mkdocs-docs an MkDocs site,
tldr-de a folder tree of command pages. Every page of each is rendered once
(module-scoped) and checked: the tree against SUMMARY.md or ``nav:``, headings
against a CommonMark parser, no stray fences or directives, no second ``<h1>``,
and every link inside the library leads somewhere.
"""

from __future__ import annotations

import re
import shutil
import stat
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from content import Library, load_library
from content.contents import CHAPTER, DRAFT, PART, UNLISTED, Entry, walk
from content.parse import plain_heading

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no corpora at {CORPORA}")

# What each library is opened at, below its copy.
OPENED_AT = {"rust-by-example": "", "mdbook-guide": "src", "mkdocs-docs": "",
             "tldr-de": "pages.de"}

# Links that lead nowhere in these copies, with why: (library, the target's path
# below the library, the anchor or None for any).
BROKEN_UPSTREAM = {
    # about/contributing.md is one snippet, --8<-- "CONTRIBUTING.md", of a file beside
    # mkdocs.yml in MkDocs' repository that the copy does not have.
    ("mkdocs-docs", "about/contributing.md", None),
    # The copy has no favicon (the repository builds it into the theme).
    ("mkdocs-docs", "img/favicon.ico", None),
    # cli.md is written by the mkdocs-click plugin at build time (`::: mkdocs-click`).
    ("mkdocs-docs", "user-guide/cli.md", "mkdocs-get-deps"),
}


class Page:
    """One article as rendered: its HTML, the text a reader sees, its links and h1s."""

    def __init__(self, html: str) -> None:
        reader = _PageReader()
        reader.feed(html)
        reader.close()
        self.html = html
        self.text = "".join(reader.text)
        self.links = reader.links
        self.h1 = reader.h1


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.h1: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "h1":
            self.h1.append(values.get("id") or "")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Library]]:
    """Each library, copied and opened, with its own throwaway home."""
    home = tmp_path_factory.mktemp("corpora-home")
    copies = tmp_path_factory.mktemp("corpora")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCYCLOPEDIA_HOME", str(home))
        libraries = {}
        for name, below in OPENED_AT.items():
            copy = copies / name
            shutil.copytree(CORPORA / name, copy)
            for path in [copy, *copy.rglob("*")]:
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
            libraries[name] = load_library(copy / below if below else copy)
        yield libraries


@pytest.fixture(scope="module")
def pages(corpora: dict[str, Library]) -> dict[tuple[str, str], Page]:
    """Every page of every library, rendered as the window shows it."""
    from content.pages import article_html

    return {(name, article.slug): Page(article_html(article))
            for name, library in corpora.items() for article in library.articles}


def chapters(entries: tuple[Entry, ...]) -> list[tuple[int, str, str | None]]:
    return [(len(trail), entry.title, entry.slug) for entry, trail in walk(entries)
            if entry.kind != UNLISTED and trail[:1] != ("Other pages",)]


# The tree, as each tool shows it


def test_rust_by_example_is_its_summary(corpora: dict[str, Library]) -> None:
    library = corpora["rust-by-example"]
    summary = (CORPORA / "rust-by-example" / "src" / "SUMMARY.md").read_text()
    expected = []
    for line in summary.splitlines():
        item = re.match(r"^( *)[-*] \[(.*)\]\((.*)\.md\)\s*$", line)
        top = re.match(r"^\[(.*)\]\((.*)\.md\)\s*$", line)
        if item:
            expected.append((len(item.group(1)) // 4, plain_heading(item.group(2)),
                             item.group(3)))
        elif top:
            expected.append((0, plain_heading(top.group(1)), top.group(2)))
    assert len(expected) > 150
    assert chapters(library.contents) == expected
    assert library.kind == "mdbook" and library.title == "Rust By Example"
    assert "SUMMARY" not in {a.slug for a in library.articles}
    assert library.article("conversion/from_into").title == "From and Into"
    assert library.article("std/box").trail == ("Std library types",)


def test_mdbook_guide_has_its_parts_prefix_suffix_and_draft_chapters(
        corpora: dict[str, Library]) -> None:
    library = corpora["mdbook-guide"]
    top = [(entry.kind, entry.title) for entry in library.contents]
    assert top == [(CHAPTER, "Introduction"), (PART, "User guide"), (PART, "Reference guide"),
                   (CHAPTER, "Contributors"), (UNLISTED, "Other pages")]
    # Files SUMMARY.md leaves out still load, at the end (one is only ever included).
    unlisted = [entry.slug for entry, _ in walk(library.contents[-1].children) if entry.slug]
    assert unlisted == ["404", "cli/arg-watcher", "guide/README"]
    drafts = [entry for entry, _ in walk(library.contents) if entry.kind == DRAFT]
    assert [(d.title, d.slug) for d in drafts] == [("Draft chapter", None)]
    assert library.article("format/summary").trail == ("Reference guide", "Format")
    assert library.article("cli/init").title == "init"  # as SUMMARY.md names it


def test_mkdocs_docs_is_its_nav(corpora: dict[str, Library]) -> None:
    library = corpora["mkdocs-docs"]
    assert (library.kind, library.title) == ("mkdocs", "MkDocs")
    top = [(entry.title, entry.slug) for entry in library.contents]
    assert top == [("Home", "index"), ("Getting Started", "getting-started"),
                   ("User Guide", "user-guide/README"), ("Developer Guide", "dev-guide/README"),
                   ("About", None)]
    # A nav entry that names a folder: the list in the folder's README (literate-nav).
    guide = library.contents[3]
    assert [c.slug for c in guide.children] == [
        "dev-guide/themes", "dev-guide/translations", "dev-guide/plugins", "dev-guide/api"]
    assert [c.title for c in library.contents[4].children] == [
        "Release Notes", "Contributing", "License"]
    assert library.article("user-guide/cli").trail == ("User Guide",)


def test_tldr_pages_are_their_folder_tree(corpora: dict[str, Library]) -> None:
    library = corpora["tldr-de"]
    platforms = sorted(p.name for p in (CORPORA / "tldr-de" / "pages.de").iterdir())
    assert [entry.title for entry in library.contents] == platforms
    cals = [a for a in library.articles if a.title == "cal"]
    assert {a.trail for a in cals} == {("common",), ("linux",)}
    assert all(not entry.children or entry.slug is None for entry in library.contents)
    assert len(library.articles) == sum(1 for _ in (CORPORA / "tldr-de" / "pages.de").rglob("*.md"))


# The pages, as the mainstream renderers read them


def test_every_heading_outside_code_is_a_section(corpora: dict[str, Library]) -> None:
    """As many headings as a CommonMark parser finds, after includes are resolved."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    for name in ("rust-by-example", "mdbook-guide", "tldr-de"):
        for article in corpora[name].articles:
            tokens = parser.parse(article.body)
            headings = sum(token.type == "heading_open" for token in tokens)
            sections = sum(1 for section in article.walk() if section.anchor)
            assert sections == headings, f"{name}: {article.slug}"


def test_no_page_shows_a_stray_fence_or_directive(pages: dict[tuple[str, str], Page]) -> None:
    directive = re.compile(r"\{\{\s*#(include|rustdoc_include|playground|title)\s")
    for (name, slug), page in pages.items():
        assert "```" not in page.text, f"{name}: {slug}"
        assert not directive.search(page.text), f"{name}: {slug}"


def test_no_page_has_an_h1_besides_its_title(corpora: dict[str, Library],
                                             pages: dict[tuple[str, str], Page]) -> None:
    for name, library in corpora.items():
        for article in library.articles:
            h1 = pages[(name, article.slug)].h1
            assert len(h1) <= 1, f"{name}: {article.slug} has {h1}"
            if h1:
                assert f"{article.slug}#{h1[0]}" == article.lead_id, f"{name}: {article.slug}"


def test_every_link_inside_a_library_leads_somewhere(corpora: dict[str, Library],
                                                     pages: dict[tuple[str, str], Page]) -> None:
    from viewer.links import resolve_link

    broken = []
    for (name, slug), page in pages.items():
        for href in page.links:
            target = resolve_link(href, corpora[name], slug)
            if target.kind == "refused" and not _broken_upstream(name, slug, href):
                broken.append(f"{name}: {slug}: {href}: {target.value}")
    assert broken == []


def _broken_upstream(name: str, slug: str, href: str) -> bool:
    import posixpath

    path, _, anchor = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(slug), path))
    return (name, target, None) in BROKEN_UPSTREAM or (name, target, anchor) in BROKEN_UPSTREAM

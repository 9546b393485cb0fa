"""Where links lead: every in-library link becomes a section id."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import load_library
from tests.conftest import write_library
from viewer.links import resolve_link


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_library(tmp_path / "lib", {
        "a.md": "# A\n\n## Part\n", "sub/b.md": "# B\n\n## Deep part\n", "sub/pic.png": "x"})
    (tmp_path / "outside.md").write_text("# Outside\n")
    return load_library(tmp_path / "lib")


@pytest.mark.parametrize(("href", "current", "expected"), [
    ("#part", "a", ("section", "a#part")),
    ("sub/b.md#deep-part", "a", ("section", "sub/b#deep-part")),
    ("b.md", "sub/b", ("section", "sub/b#b")),
    ("../a.md#part", "sub/b", ("section", "a#part")),
    ("b.html#deep-part", "sub/b", ("section", "sub/b#deep-part")),
    ("https://example.org/x", "a", ("external", "https://example.org/x")),
    ("mailto:me@example.org", "a", ("external", "mailto:me@example.org")),
])
def test_links_resolve(library, href: str, current: str, expected: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    target = resolve_link(href, library, current)
    assert (target.kind, target.value) == expected


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JavaScript:alert(1)", "../outside.md", "#no-such-anchor",
    "missing.md", "data:text/html,hi", "file:///etc/passwd"])
def test_links_refused(library, href: str) -> None:  # type: ignore[no-untyped-def]
    assert resolve_link(href, library, "a").kind == "refused"


def test_file_link_inside_library_is_allowed(library) -> None:  # type: ignore[no-untyped-def]
    target = resolve_link((library.root / "a.md").as_uri() + "#part", library, "sub/b")
    assert (target.kind, target.value) == ("section", "a#part")
    assert resolve_link("sub/pic.png", library, "a").kind == "file"


@pytest.fixture
def book(tmp_path: Path):  # type: ignore[no-untyped-def]
    write_library(tmp_path / "book", {
        "book.toml": "", "src/SUMMARY.md": "- [A](a.md)\n- [Guide](guide/README.md)\n",
        "src/a.md": ("# A\n\n## `RefCell<T>` and the -- flag\n\nSee[^1] and <a id=\"raw\"></a>"
                     "here.\n\n## Café au lait\n\n[^1]: A footnote.\n"),
        "src/guide/README.md": "# Guide\n\n## Part\n",
        "src/guide/page.md": "# Page\n"})
    return load_library(tmp_path / "book")


@pytest.mark.parametrize(("href", "current", "expected"), [
    # Heading ids as mdBook, MkDocs and this project before spell them.
    ("#refcellt-and-the----flag", "a", ("section", "a#refcellt-and-the-flag", "")),
    ("#refcell-and-the-flag", "a", ("section", "a#refcellt-and-the-flag", "")),
    ("../a.html#cafe-au-lait", "guide/README", ("section", "a#café-au-lait", "")),
    # Ids that are not headings: the section they are in, and the id.
    ("#fn:1", "a", ("section", "a#café-au-lait", "fn:1")),
    ("#fnref:1", "a", ("section", "a#refcellt-and-the-flag", "fnref:1")),
    ("#raw", "a", ("section", "a#refcellt-and-the-flag", "raw")),
    # Pages as mdBook and MkDocs link them.
    ("guide/index.html#part", "a", ("section", "guide/README#part", "")),
    ("guide/", "a", ("section", "guide/README#guide", "")),
    ("page/", "guide/README", ("section", "guide/page#page", "")),
    ("../a/", "guide/page", ("section", "a#a", "")),
])
def test_book_links_resolve(book, href: str, current: str,  # type: ignore[no-untyped-def]
                            expected: tuple[str, str, str]) -> None:
    target = resolve_link(href, book, current)
    assert (target.kind, target.value, target.element) == expected


@pytest.mark.parametrize(("href", "reason"), [
    ("#nowhere", "missing anchor: #nowhere in a.md"),
    ("guide/page.md#nowhere", "missing anchor: #nowhere in page.md"),
    ("gone.md#x", "missing page: gone.md"),
])
def test_a_missing_target_says_which_file_and_anchor(book, href: str,  # type: ignore[no-untyped-def]
                                                     reason: str) -> None:
    target = resolve_link(href, book, "a")
    assert (target.kind, target.value) == ("refused", reason)

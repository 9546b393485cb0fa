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

"""A big library's outline cache: unchanged files are not read again, changed ones are."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from content import load_library
from content.loading import CACHED_FROM
from content.outlines import OutlineCache
from content.pages import article_html
from tests.conftest import write_library


def big_library(root: Path) -> Path:
    """A library just big enough for the outline cache."""
    files = {f"topic-{n:02}.md": f"# Topic {n}\n\nAbout {n}.\n\n## Detail {n}\n\nMore on {n}.\n"
             for n in range(max(CACHED_FROM, 16))}
    files["notes/front.md"] = "---\ntitle: With front matter\naliases: [Front]\n---\n\nText.\n"
    return write_library(root, files)


class CountingReads:
    """Counts the files read (the real reads still happen)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: list[str] = []
        real = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            self.names.append(path.name)
            return real(path)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)


def outline_of(library_root: Path) -> list[tuple[str, str, tuple[str, ...], list[str]]]:
    library = load_library(library_root)
    return [(a.slug, a.title, a.aliases, [s.id for s in a.walk()]) for a in library.articles]


def test_an_unchanged_big_library_opens_without_reading_its_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = big_library(tmp_path / "wiki")
    first = outline_of(root)
    reads = CountingReads(monkeypatch)
    assert outline_of(root) == first
    assert [name for name in reads.names if name.endswith(".md")] == []
    # The text is read when it is wanted, and is the file's.
    article = load_library(root).article("notes/front")
    assert (article.title, article.aliases) == ("With front matter", ("Front",))
    assert article.body.strip() == "Text."
    assert reads.names[-1] == "front.md"


def test_a_changed_file_is_read_again_even_with_its_old_size_and_time(tmp_path: Path) -> None:
    root = big_library(tmp_path / "wiki")
    old = load_library(root).article("topic-03").fingerprint
    page = root / "topic-03.md"
    before = page.stat()
    text = page.read_text(encoding="utf-8").replace("## Detail 3", "## Change 3")
    assert len(text) == before.st_size  # same size, and the same modification time:
    page.write_text(text, encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    library = load_library(root)
    assert "topic-03#change-3" in library and "topic-03#detail-3" not in library
    assert library.article("topic-03").fingerprint != old


def test_added_and_removed_files_are_seen(tmp_path: Path) -> None:
    root = big_library(tmp_path / "wiki")
    load_library(root)
    (root / "topic-00.md").unlink()
    write_library(root, {"new.md": "# New page\n"})
    slugs = [a.slug for a in load_library(root).articles]
    assert "topic-00" not in slugs and "new" in slugs
    cached = json.loads(OutlineCache(root).path.read_text(encoding="utf-8"))["files"]
    assert "topic-00" not in cached and "new" in cached


@pytest.mark.parametrize("damage", [
    b"{ not json", b"[]", b'{"format": "encyclopedia-outlines", "version": 99}',
])
def test_a_damaged_cache_is_ignored_and_written_anew(tmp_path: Path, damage: bytes) -> None:
    root = big_library(tmp_path / "wiki")
    expected = outline_of(root)
    path = OutlineCache(root).path
    path.write_bytes(damage)
    assert outline_of(root) == expected
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "encyclopedia-outlines"


def test_a_damaged_entry_means_reading_that_file(tmp_path: Path) -> None:
    root = big_library(tmp_path / "wiki")
    expected = outline_of(root)
    path = OutlineCache(root).path
    document = json.loads(path.read_text(encoding="utf-8"))
    entry = document["files"]["topic-05"]
    document["files"]["topic-05"] = [entry[0], entry[1], {"title": 7}, entry[3], None]
    document["files"]["topic-06"] = [entry[0], "x", {}, [["one", "t", "a", 0]], None]
    document["files"]["topic-07"] = {"not": "a list"}
    path.write_text(json.dumps(document), encoding="utf-8")
    assert outline_of(root) == expected


def test_a_cache_that_cannot_be_written_costs_only_time(
        tmp_path: Path, encyclopedia_home: Path) -> None:
    root = big_library(tmp_path / "wiki")
    (encyclopedia_home / "cache").mkdir(parents=True)
    (encyclopedia_home / "cache" / "outlines").write_text("a file where a folder should be")
    assert len(load_library(root).articles) == max(CACHED_FROM, 16) + 1


def test_warnings_about_a_file_come_back_with_its_cached_outline(tmp_path: Path) -> None:
    root = big_library(tmp_path / "wiki")
    (root / "latin1.md").write_bytes("# Caf\xe9\n\nna\xefve\n".encode("latin-1"))
    first = load_library(root).warnings
    assert any("latin1.md: not valid UTF-8" in warning for warning in first)
    assert load_library(root).warnings == first


def test_a_page_read_after_its_file_changed_is_shown_but_not_cached(
        tmp_path: Path, encyclopedia_home: Path) -> None:
    root = big_library(tmp_path / "wiki")
    article = load_library(root).article("topic-01")  # outline only
    (root / "topic-01.md").write_text("# Topic 1\n\nRewritten meanwhile.\n", encoding="utf-8")
    assert "Rewritten meanwhile" in article_html(article)
    assert not list((encyclopedia_home / "cache" / "pages").glob(f"{article.fingerprint}-*"))
    (root / "topic-01.md").unlink()
    assert "cannot read" in article_html(article)  # gone: said in the page, no crash

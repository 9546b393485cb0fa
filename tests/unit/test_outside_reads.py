"""Nothing outside the library is read: not through a link, an include or an SVG.

The library sits beside a folder ``outside`` whose files carry words and
pictures that must never reach the reader. An audit hook sees every file this
process opens (:mod:`tests.helpers.audit`); the command line runs as a real
process, under strace where it can (:mod:`tests.helpers.syscalls`), which sees
the opens of every thread and child. The window, print and ``pdf`` are in
``tests/gui/test_outside_files.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content import load_library
from content.render import render_html
from content.sanitize import UnsafeSvg, sanitize_svg
from tests.conftest import DATA, write_library
from tests.helpers.audit import watching
from tests.helpers.outside import SECRET_WORDS, library_with_links
from tests.helpers.syscalls import strace_missing, traced
from viewer.links import resolve_link

HOSTILE = DATA / "hostile"
def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "viewer", *args], cwd=cwd, env=os.environ,
                          capture_output=True, text=True, timeout=120)


def test_links_that_leave_the_library_are_skipped_and_loops_are_harmless(
        tmp_path: Path) -> None:
    library, outside = library_with_links(tmp_path)
    started = time.perf_counter()
    with watching() as seen:
        loaded = load_library(library)
        pages = [render_html(article) for article in loaded.articles]
    assert time.perf_counter() - started < 5
    assert [article.slug for article in loaded.articles] == ["index", "sub/page"]
    skipped = {item.path: item.reason for item in loaded.skipped}
    assert skipped["leak.md"] == skipped["absolute.md"] == "a link to a file outside the library"
    assert "outside" in skipped["outdir.md"] or "folder" in skipped["outdir.md"]
    assert skipped["sub.md"] == "a link to a folder"
    assert seen.files_under(outside) == []
    assert not any(word in page for page in pages for word in SECRET_WORDS)



def test_a_link_that_leads_out_of_the_library_through_a_symlink_is_refused(
        tmp_path: Path) -> None:
    library, outside = library_with_links(tmp_path)
    loaded = load_library(library)
    with watching() as seen:
        for href in ("leak.md", "absolute.md", "outdir/secret.md", "outdir.md",
                     "self/leak.md", "alias/../../outside/secret.md", "../outside/secret.md",
                     f"file://{outside}/secret.md", f"file://{library}/leak.md"):
            target = resolve_link(href, loaded, "index")
            assert target.kind == "refused" and "outside the library" in target.value, href
        assert resolve_link("self/sub/page.md#page", loaded, "index").kind == "section"
    assert seen.files_under(outside) == []



def test_a_cycle_of_links_is_skipped_not_a_crash(tmp_path: Path) -> None:
    library = write_library(tmp_path / "lib", {"index.md": "# Home\n"})
    (library / "a.md").symlink_to("b.md")
    (library / "b.md").symlink_to("a.md")
    loaded = load_library(library)
    assert [article.slug for article in loaded.articles] == ["index"]
    assert {item.path for item in loaded.skipped} >= {"a.md", "b.md"}


def test_the_command_line_never_indexes_finds_or_lists_a_file_outside(
        tmp_path: Path) -> None:
    library, _outside = library_with_links(tmp_path)
    index = _run("index", "--content", str(library), "--json", cwd=tmp_path)
    assert index.returncode == 0, index.stderr
    report = json.loads(index.stdout)
    assert report["articles"] == 2
    assert {"leak.md", "absolute.md", "sub.md"} <= {item["path"] for item in report["skipped"]}
    for word in SECRET_WORDS:
        found = _run("search", word, "--content", str(library), "--json", cwd=tmp_path)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["total"] == 0, word
    toc = _run("toc", "--content", str(library), "--json", cwd=tmp_path)
    assert toc.returncode == 0, toc.stderr
    assert [a["slug"] for a in json.loads(toc.stdout)["articles"]] == ["index", "sub/page"]
    assert "Secret" not in toc.stdout and "Deep" not in toc.stdout


@pytest.mark.skipif(strace_missing() is not None, reason=str(strace_missing()))
def test_the_command_line_opens_no_file_outside_at_the_system_call_level(
        tmp_path: Path) -> None:
    library, outside = library_with_links(tmp_path)
    for args in (("index", "--rebuild"), ("search", "zebracorn"), ("toc",),
                 ("open", "--screenshot", str(tmp_path / "shot.png"))):
        trace = traced([sys.executable, "-m", "viewer", *args, "--content", str(library)],
                       cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert trace.returncode == 0, trace.stderr
        assert trace.opened, "the trace saw no file at all: it watched nothing"
        assert trace.files_under(outside) == [], args


def test_includes_never_read_a_file_outside_the_book(tmp_path: Path) -> None:
    outside = write_library(tmp_path / "outside", {"inc.md": "quokkainclude\n"})
    book = write_library(tmp_path / "book", {
        "book.toml": '[book]\ntitle = "Book"\n',
        "src/SUMMARY.md": "# Summary\n\n- [Chapter](chapter.md)\n",
        "src/chapter.md": ("# Chapter\n\n{{#include ../../outside/inc.md}}\n\n"
                           f"{{{{#include {outside}/inc.md}}}}\n\n{{{{#include linked.txt}}}}\n\n"
                           "Own text.\n")})
    (book / "src" / "linked.txt").symlink_to(outside / "inc.md")
    with watching() as seen:
        html = render_html(load_library(book).article("chapter"))
    assert seen.files_under(outside) == []
    assert "quokkainclude" not in html and "Own text." in html
    assert html.count("include not found") == 3


@pytest.mark.parametrize("config", ["src/SUMMARY.md", "mkdocs.yml"])
def test_a_table_of_contents_outside_the_library_is_not_read(tmp_path: Path,
                                                              config: str) -> None:
    outside = write_library(tmp_path / "outside", {
        "config": ("# Summary\n\n- [Zebracorn title](chapter.md)\n" if config.endswith(".md")
                   else "site_name: Zebracorn site\nnav:\n  - Zebracorn title: chapter.md\n")})
    files = {"src/chapter.md": "# Chapter\n"} if config.endswith(".md") else {
        "docs/chapter.md": "# Chapter\n"}
    if config.endswith(".md"):
        files["book.toml"] = '[book]\ntitle = "Book"\n'
    library = write_library(tmp_path / "lib", files)
    (library / config).symlink_to(outside / "config")
    with watching() as seen:
        loaded = load_library(library)
    assert seen.files_under(outside) == []
    assert all("Zebracorn" not in article.title for article in loaded.articles)
    assert "Zebracorn" not in loaded.title


# --- SVG: what Qt's renderer is given ---------------------------------------------------


def _hostile_svg(name: str, outside: str = "/elsewhere/outside") -> bytes:
    return (HOSTILE / name).read_bytes().replace(b"@OUTSIDE@", outside.encode())


def test_an_svg_keeps_no_reference_to_anything_outside_itself() -> None:
    asked: list[str] = []

    def picture(href: str) -> str | None:
        asked.append(href)
        return None

    safe = sanitize_svg(_hostile_svg("outside-references.svg"), picture).decode()
    # Its <image>s are the viewer's to check and put in as data: URIs; here, refused.
    assert asked == ["../../outside/secret.png", "../../outside/secret.png",
                     "/elsewhere/outside/secret.png", "file:///elsewhere/outside/secret.png",
                     "linked-outside.png", "inside.png", "outside-nested.svg"]
    for gone in ("outside", "elsewhere", "file:", "<image", "<feImage", "<script", "document.",
                 "foreignObject", "onclick", "onload", "alert", "xml-stylesheet", "@import",
                 "<!--"):
        assert gone not in safe, gone
    # References inside the picture itself stay.
    for kept in ("fill: url(#green)", 'filter="url(#f)"', '<use href="#tile"',
                 'id="green"', 'fill="#00ff00"'):
        assert kept in safe, kept


def test_an_svg_keeps_what_the_viewer_gives_for_its_pictures() -> None:
    safe = sanitize_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><image href="a.png"/></svg>',
                        lambda href: "data:image/png;base64,AAAA").decode()
    assert '<image href="data:image/png;base64,AAAA"></image>' in safe


def test_an_svg_names_nothing_on_the_network() -> None:
    safe = sanitize_svg(_hostile_svg("remote-references.svg")).decode()
    safe = re.sub(r'xmlns(:\w+)?="[^"]*"', "", safe)  # names, never fetched
    for gone in ("http", "//tracker", "tracker.invalid", "127.0.0.1", "@import", "<image",
                 "<script", "xml-stylesheet"):
        assert gone not in safe, gone
    assert 'fill="#00ff00"' in safe


def test_an_svg_with_entities_is_refused_whole() -> None:
    with pytest.raises(UnsafeSvg):
        sanitize_svg(_hostile_svg("outside-entity.svg"))
    laughs = (b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY a%d "&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;&a%d;">'
        % (n, *([n - 1] * 10)) for n in range(1, 10)).replace(b"&a0;", b"&a;")
        + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&a9;</text></svg>')
    started = time.perf_counter()
    with pytest.raises(UnsafeSvg):
        sanitize_svg(laughs)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("svg", [
    b"<svg><rect/>",  # not closed
    b"<svg>&undeclared;</svg>",
    b"not xml at all",
])
def test_an_svg_that_is_not_well_formed_is_refused(svg: bytes) -> None:
    with pytest.raises(UnsafeSvg):
        sanitize_svg(svg)


def test_css_that_could_spell_a_reference_another_way_is_dropped() -> None:
    safe = sanitize_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: u\\72l(x.svg#r) }'
        b'</style><rect style="fill:\\75rl(x.svg)" width="1" height="1"/>'
        b'<rect style="fill: url( x.svg#r )" width="1" height="1"/>'
        b'<rect style="fill: image-set(\'x.png\' 1x)" width="1" height="1"/>'
        b"<rect style=\"fill: url('#ok')\" width=\"1\" height=\"1\"/></svg>").decode()
    assert "x.svg" not in safe and "x.png" not in safe and "\\" not in safe
    assert "url(#ok)" in safe

"""Libraries read as their own tools show them: mdBook, MkDocs and plain folder trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import load_library
from content.contents import CHAPTER, DRAFT, FOLDER, PART, UNLISTED, Entry, natural_key, walk
from content.loading import CACHED_FROM
from tests.conftest import write_library


def rows(entries: tuple[Entry, ...]) -> list[tuple[int, str, str, str | None]]:
    """(depth, kind, title, slug) of every row, in order."""
    return [(len(trail), entry.kind, entry.title, entry.slug) for entry, trail in walk(entries)]


# mdBook

SUMMARY = """# Summary

[Introduction](README.md)

# Getting started

- [Installation](start/install.md)
- [`Option<T>` and friends](start/option.md)
    - [Nested](start/option/nested.md)
    - [Not written yet]()
- [A missing file](start/gone.md)

---

# Reference

- [Commands](ref/commands.md)

-----------

[Contributors](misc/contributors.md)
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    write_library(root, {
        "book.toml": '[book]\ntitle = "A Test Book"\n\n[output.html.code.hidelines]\n'
                     'python = "~"\n',
        "src/SUMMARY.md": SUMMARY,
        "src/README.md": "# Welcome\n\nHello.\n",
        "src/start/install.md": "# Install it\n\n## From source\n",
        "src/start/option.md": "# Options\n",
        "src/start/option/nested.md": "# Deep\n",
        "src/ref/commands.md": "# Commands\n",
        "src/misc/contributors.md": "# Thanks\n",
        "src/zz-unlisted.md": "# Not in the summary\n",
        "src/aa/also-unlisted.md": "# Also not listed\n",
        "listings/example.rs": "fn main() {\n    // ANCHOR: body\n    let x = 1;\n"
                               "    // ANCHOR_END: body\n    println!(\"{x}\");\n}\n",
    })
    return root


def test_summary_gives_the_order_nesting_titles_and_parts(book: Path) -> None:
    library = load_library(book)
    assert (library.kind, library.title, library.root) == ("mdbook", "A Test Book",
                                                          (book / "src").resolve())
    assert rows(library.contents) == [
        (0, CHAPTER, "Introduction", "README"),
        (0, PART, "Getting started", None),
        (1, CHAPTER, "Installation", "start/install"),
        (1, CHAPTER, "Option<T> and friends", "start/option"),
        (2, CHAPTER, "Nested", "start/option/nested"),
        (2, DRAFT, "Not written yet", None),
        (1, DRAFT, "A missing file", None),
        (0, PART, "Reference", None),
        (1, CHAPTER, "Commands", "ref/commands"),
        (0, CHAPTER, "Contributors", "misc/contributors"),
        (0, UNLISTED, "Other pages", None),
        (1, CHAPTER, "Not in the summary", "zz-unlisted"),
        (1, FOLDER, "aa", None),
        (2, CHAPTER, "Also not listed", "aa/also-unlisted"),
    ]
    # SUMMARY.md names the chapters; it is no article itself.
    assert [a.slug for a in library.articles] == [
        "README", "start/install", "start/option", "start/option/nested", "ref/commands",
        "misc/contributors", "zz-unlisted", "aa/also-unlisted"]
    assert library.article("start/install").title == "Installation"
    assert library.article("start/option/nested").trail == ("Getting started",
                                                          "Option<T> and friends")
    assert library.section("start/install#from-source").trail == (
        "Getting started", "Installation", "From source")
    assert any("start/gone.md" in warning for warning in library.warnings)


def test_a_book_opens_from_its_root_or_its_source_folder(book: Path) -> None:
    from_root, from_src = load_library(book), load_library(book / "src")
    assert from_root.root == from_src.root
    assert [a.slug for a in from_root.articles] == [a.slug for a in from_src.articles]
    assert from_src.articles[0].flavour.hidelines == (("rust", "#"), ("python", "~"))


def test_a_book_without_summary_is_its_folder_tree(tmp_path: Path) -> None:
    write_library(tmp_path, {"book.toml": "[book]\n", "src/b.md": "# B\n", "src/a.md": "# A\n"})
    library = load_library(tmp_path)
    assert library.kind == "mdbook"
    assert [a.slug for a in library.articles] == ["a", "b"]


INCLUDES = {
    "whole": ("{{#include ../../listings/example.rs}}",
              'fn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR_END: body\n'
              '    println!("{x}");\n}'),
    "line": ("{{#include ../../listings/example.rs:3}}", "    let x = 1;"),
    "range": ("{{#include ../../listings/example.rs:1:3}}",
              "fn main() {\n    // ANCHOR: body\n    let x = 1;"),
    "up to": ("{{#include ../../listings/example.rs::1}}", "fn main() {"),
    "from": ("{{#include ../../listings/example.rs:5:}}", '    println!("{x}");\n}'),
    "anchor": ("{{#include ../../listings/example.rs:body}}", "    let x = 1;"),
    "rustdoc": ("{{#rustdoc_include ../../listings/example.rs:body}}",
                '# fn main() {\n    let x = 1;\n#     println!("{x}");\n# }'),
    "playground": ("{{#playground ../../listings/example.rs editable}}",
                   '```rust,editable\nfn main() {\n    // ANCHOR: body\n    let x = 1;\n'
                   '    // ANCHOR_END: body\n    println!("{x}");\n}\n```\n'),
    "escaped": ("\\{{#include ../../listings/example.rs}}",
                "{{#include ../../listings/example.rs}}"),
    "title": ("{{#title Another title}}", ""),
    "not mdbook's": ("{{#toc}}{{/toc}} and {{#template x.md}}", "{{#toc}}{{/toc}} and "
                     "{{#template x.md}}"),
}


@pytest.mark.parametrize("case", list(INCLUDES))
def test_includes_are_resolved_as_mdbook_resolves_them(book: Path, case: str) -> None:
    directive, expected = INCLUDES[case]
    (book / "src" / "start" / "install.md").write_text(f"# Install it\n\n{directive}\n")
    article = load_library(book).article("start/install")
    assert article.body == f"# Install it\n\n{expected}\n"


def test_a_missing_include_or_one_outside_the_book_leaves_a_note(book: Path) -> None:
    (book.parent / "secret.rs").write_text("the secret\n")
    (book / "src" / "ref" / "commands.md").write_text(
        "# Commands\n\n{{#include nothing.rs}}\n\n{{#include ../../../secret.rs}}\n")
    library = load_library(book)
    body = library.article("ref/commands").body
    assert "include not found: nothing.rs" in body
    assert "include not found: ../../../secret.rs" in body
    assert "secret" not in body.replace("secret.rs", "")
    assert sum("include not found" in w for w in library.warnings) == 2


def test_includes_nest_and_follow_the_included_file(book: Path) -> None:
    write_library(book, {"src/parts/one.md": "One {{#include two.md}}",
                         "src/parts/two.md": "and two.",
                         "src/misc/contributors.md": "# Thanks\n\n{{#include ../parts/one.md}}\n"})
    assert "One and two." in load_library(book).article("misc/contributors").body


def test_an_edited_include_changes_the_page_even_from_the_outline_cache(tmp_path: Path) -> None:
    files = {f"src/page-{n:02}.md": f"# Page {n}\n" for n in range(CACHED_FROM)}
    write_library(tmp_path, {"book.toml": "", **files, "snippet.md": "## Before\n",
                             "src/page-00.md": "# Page 0\n\n{{#include ../snippet.md}}\n"})
    first = load_library(tmp_path).article("page-00")
    assert [s.title for s in first.sections] == ["Before"]
    (tmp_path / "snippet.md").write_text("## After the edit\n")
    second = load_library(tmp_path).article("page-00")
    assert [s.title for s in second.sections] == ["After the edit"]
    assert second.fingerprint != first.fingerprint


# MkDocs

MKDOCS_YML = """site_name: Test Site
docs_dir: pages
theme:
  name: material
  icon: !!python/name:material.icons.bootstrap
extra:
  token: !ENV [SECRET, "none"]
plugins:
  - search
  - literate-nav:
      nav_file: README.md
nav:
  - Home: index.md
  - getting-started.md
  - Guide: guide/
  - About:
    - Licence: about/license.md
    - The web: https://example.org/
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_library(tmp_path / "site", {
        "mkdocs.yml": MKDOCS_YML,
        "pages/index.md": "# Welcome\n",
        "pages/getting-started.md": "# Getting going\n",
        "pages/guide/README.md": "# The guide\n\n- [Second](second.md)\n- [First](first.md)\n",
        "pages/guide/first.md": "# One\n", "pages/guide/second.md": "# Two\n",
        "pages/about/license.md": "# License text\n",
        "pages/extra.md": "# Extra page\n",
    })


def test_mkdocs_nav_is_the_table_of_contents(site: Path) -> None:
    library = load_library(site)
    assert (library.kind, library.title, library.root) == ("mkdocs", "Test Site",
                                                          (site / "pages").resolve())
    assert rows(library.contents) == [
        (0, CHAPTER, "Home", "index"),
        (0, CHAPTER, "Getting going", "getting-started"),  # no title in nav: the page's
        (0, CHAPTER, "Guide", "guide/README"),  # a folder: its nav file's list
        (1, CHAPTER, "Second", "guide/second"),  # titled as the list links them
        (1, CHAPTER, "First", "guide/first"),
        (0, PART, "About", None),
        (1, CHAPTER, "Licence", "about/license"),  # and no row for the external link
        (0, UNLISTED, "Other pages", None),
        (1, CHAPTER, "Extra page", "extra"),
    ]
    assert library.article("guide/first").trail == ("Guide",)
    assert load_library(site / "pages").root == library.root  # docs_dir opens the site too


def test_mkdocs_without_nav_lists_the_index_then_files_then_folders(tmp_path: Path) -> None:
    write_library(tmp_path, {"mkdocs.yml": "site_name: Plain\n", "docs/index.md": "# Home\n",
                             "docs/zeta.md": "# Zeta\n", "docs/alpha/x.md": "# X\n",
                             "docs/beta.md": "# Beta\n"})
    assert [a.slug for a in load_library(tmp_path).articles] == ["index", "beta", "zeta",
                                                                  "alpha/x"]


def test_a_broken_mkdocs_yml_still_opens_the_pages(tmp_path: Path) -> None:
    write_library(tmp_path, {"mkdocs.yml": "nav: [unclosed\n", "docs/a.md": "# A\n"})
    assert [a.slug for a in load_library(tmp_path).articles] == ["a"]


# Plain folders


def test_a_folder_tree_is_the_table_of_contents(tmp_path: Path) -> None:
    write_library(tmp_path, {
        "README.md": "# My notes\n",
        "linux/cal.md": "# cal\n", "common/cal.md": "# cal\n", "common/tar.md": "# tar\n",
        "guide/index.md": "# The guide\n", "guide/ch10.md": "# Ten\n", "guide/ch2.md": "# Two\n",
        "tailscale-up.md": "# tailscale up\n", "tailscale.md": "# tailscale\n",
        "..md": "# dot\n",
    })
    library = load_library(tmp_path)
    assert rows(library.contents) == [
        (0, CHAPTER, "My notes", "README"),
        (0, FOLDER, "common", None),
        (1, CHAPTER, "cal", "common/cal"),
        (1, CHAPTER, "tar", "common/tar"),
        (0, CHAPTER, "The guide", "guide/index"),
        (1, CHAPTER, "Two", "guide/ch2"),
        (1, CHAPTER, "Ten", "guide/ch10"),
        (0, FOLDER, "linux", None),
        (1, CHAPTER, "cal", "linux/cal"),
        (0, CHAPTER, "dot", "..md"),
        (0, CHAPTER, "tailscale", "tailscale"),
        (0, CHAPTER, "tailscale up", "tailscale-up"),
    ]
    # The same title in two folders is told apart by its trail.
    assert library.section("linux/cal#cal").trail == ("linux", "cal")
    assert library.section("common/cal#cal").trail == ("common", "cal")


def test_hidden_folders_and_links_out_are_skipped_with_a_reason(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# Secret\n")
    root = write_library(tmp_path / "lib", {"a.md": "# A\n", ".git/b.md": "# B\n",
                                             ".hidden.md": "# Hidden file, still read\n"})
    (root / "link.md").symlink_to(outside)
    library = load_library(root)
    assert sorted(a.slug for a in library.articles) == [".hidden", "a"]
    assert [(s.path, s.reason) for s in library.skipped] == [
        (".git", "hidden folder"), ("link.md", "a link to a file outside the library")]


@pytest.mark.parametrize(("name", "text", "title"), [
    ("what-is-ownership.md", "Just text.\n", "What is ownership"),
    ("notes_on_RUST.md", "Just text.\n", "notes on RUST"),
    ("sub/index.md", "Just text.\n", "Sub"),
    ("h3.md", "Intro.\n\n### A small heading\n\n## Bigger\n", "A small heading"),
    ("later.md", "## First\n\n# The real title\n\n# Another\n", "The real title"),
])
def test_titles_come_from_headings_else_a_readable_file_name(
        tmp_path: Path, name: str, text: str, title: str) -> None:
    write_library(tmp_path, {name: text})
    assert load_library(tmp_path).articles[0].title == title


def test_natural_order() -> None:
    names = ["ch10", "ch2", "tailscale-up", "tailscale", "Ch1", "a10b2", "a10b10"]
    assert sorted(names, key=natural_key) == ["a10b2", "a10b10", "Ch1", "ch2", "ch10",
                                              "tailscale", "tailscale-up"]


def test_a_search_hit_carries_the_trail_and_follows_a_retitled_summary(book: Path) -> None:
    from index import open_index, update_index

    with open_index(load_library(book)) as searcher:
        (hit,) = searcher.search("Deep", 1).hits
    assert hit.path == ("Getting started", "Option<T> and friends", "Nested")
    (book / "src" / "SUMMARY.md").write_text(SUMMARY.replace("[Nested]", "[Renamed]"))
    library = load_library(book)
    assert update_index(library).updated == 1  # only the retitled chapter
    with open_index(library) as searcher:
        (hit,) = searcher.search("Deep", 1).hits
    assert hit.path == ("Getting started", "Option<T> and friends", "Renamed")


def test_mkdocs_snippets_are_spliced_in_from_the_site(tmp_path: Path) -> None:
    write_library(tmp_path, {
        "mkdocs.yml": "site_name: S\nmarkdown_extensions:\n  - pymdownx.snippets\n",
        "CHANGES.md": "## Version 2\n\nNew things.\n",
        "parts.md": "one\n<!-- --8<-- [start:mid] -->\ntwo\n<!-- --8<-- [end:mid] -->\nthree\n",
        "docs/a.md": ('# A\n\n--8<-- "CHANGES.md"\n\n    --8<-- "parts.md:mid"\n\n'
                      ';--8<-- "CHANGES.md"\n\n--8<-- "parts.md:3:3"\n\n'
                      '--8<--\nparts.md\n--8<--\n\n'
                      '--8<-- "../outside.md"\n'),
    })
    (tmp_path.parent / "outside.md").write_text("secret\n")
    library = load_library(tmp_path)
    article = library.article("a")
    assert [s.title for s in article.sections] == ["Version 2"]  # its headings are sections
    assert article.body == (
        '# A\n\n## Version 2\n\nNew things.\n\n    two\n\n--8<-- "CHANGES.md"\n\n'
        "two\n\none\ntwo\nthree\n\ninclude not found: ../outside.md\n")
    assert any("include not found: ../outside.md" in w for w in library.warnings)


def test_without_the_snippets_extension_a_marker_is_text(tmp_path: Path) -> None:
    write_library(tmp_path, {"mkdocs.yml": "site_name: S\n", "x.md": "# X\n",
                             "docs/a.md": '# A\n\n--8<-- "x.md"\n'})
    assert load_library(tmp_path).article("a").body == '# A\n\n--8<-- "x.md"\n'


def test_an_edited_mkdocs_yml_is_read_again(tmp_path: Path) -> None:
    write_library(tmp_path, {"mkdocs.yml": "nav:\n  - A: a.md\n  - B: b.md\n",
                             "docs/a.md": "# A\n", "docs/b.md": "# B\n"})
    assert [a.slug for a in load_library(tmp_path).articles] == ["a", "b"]
    assert [a.slug for a in load_library(tmp_path).articles] == ["a", "b"]  # from the cache
    (tmp_path / "mkdocs.yml").write_text("nav:\n  - B first: b.md\n  - A: a.md\n")
    library = load_library(tmp_path)
    assert [(a.slug, a.title) for a in library.articles] == [("b", "B first"), ("a", "A")]


def test_linked_folders_and_pipes_are_skipped_and_said(tmp_path: Path) -> None:
    import os

    outside = write_library(tmp_path / "outside", {"far.md": "# Far\n"})
    book = write_library(tmp_path / "lib", {"src/a.md": "# A\n\n{{#include pipe.md}}\n",
                                             "book.toml": ""})
    root = book / "src"
    (root / "notes").symlink_to(outside)
    (root / "self").symlink_to(root)
    (root / "deep.md").symlink_to(outside)
    os.mkfifo(root / "pipe.md")
    library = load_library(root)
    assert [a.slug for a in library.articles] == ["a"]
    assert [(s.path, s.reason) for s in library.skipped] == [
        ("deep.md", "a link to a folder"), ("notes", "a link to a folder"),
        ("pipe.md", "not a regular file"), ("self", "a link to a folder")]
    assert "include not found: pipe.md" in library.article("a").body  # never a hang


@pytest.mark.parametrize(("config", "folder"), [("book.toml", 'src = "../pages"'),
                                                ("mkdocs.yml", "docs_dir: ../pages")])
def test_a_source_folder_outside_the_library_is_not_read(tmp_path: Path, config: str,
                                                        folder: str) -> None:
    write_library(tmp_path, {"pages/secret.md": "# Secret\n", "lib/own.md": "# Own\n",
                             f"lib/{config}": f"[book]\n{folder}\n" if config == "book.toml"
                             else f"{folder}\n"})
    library = load_library(tmp_path / "lib")
    assert library.kind == "folder"
    assert [a.slug for a in library.articles] == ["own"]

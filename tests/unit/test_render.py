"""Rendering: Markdown as mdBook, GitHub and MkDocs read it, made safe, with the outline's ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content import load_library
from content.fences import info_hidelines, info_language, visible_code
from content.flavour import MDBOOK, MKDOCS, PLAIN, Flavour
from content.render import render_html, section_texts
from content.sanitize import sanitize
from tests.conftest import write_library
from tests.helpers.articles import (
    article_of,
    code_text,
    heading_ids,
    page_of,
    section_anchors,
    text_outside_code,
)

RUST_BOOK = Flavour("mdbook", (("rust", "#"), ("python", "~")))


def test_every_section_anchor_is_a_rendered_heading_id() -> None:
    for article in load_library().articles:
        assert heading_ids(render_html(article)) == section_anchors(article)


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
    assert code_text(html) == ["print('<hi>')"]
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


def test_anchors_that_look_like_markdown_stay_plain() -> None:
    article = article_of("# Modules\n\n## _private value\n\n## `code_point`\n\n> # quoted\n\n"
                         "## End\n")
    html = render_html(article)
    assert '<h2 id="_private-value">_private value</h2>' in html
    assert "<em>" not in html and "{#" not in html
    # A heading in a block quote is a section too, with the id the page gives it.
    assert section_anchors(article) == heading_ids(html) == [
        "modules", "_private-value", "code_point", "quoted", "end"]


# --- Fenced code, as CommonMark reads it ---------------------------------------------------

@pytest.mark.parametrize("info", ["rust,ignore", "rust,editable", "rust, ignore",
                                  "rust,editable,ignore,mdbook-runnable", "rust editable",
                                  "{.rust}", "rust no_run"])
def test_any_info_string_opens_a_fence_whose_first_word_is_the_language(info: str) -> None:
    html = page_of(f"# T\n\n```{info}\nfn main() {{}}\n```\n\nProse after.\n\n### After\n",
                   MDBOOK)
    assert code_text(html) == ["fn main() {}"]
    assert '<span class="k">fn</span>' in html  # highlighted as Rust
    assert "<p>Prose after.</p>" in html and heading_ids(html) == ["t", "after"]
    assert "```" not in text_outside_code(html)


def test_info_strings_name_their_language_and_hidden_prefix() -> None:
    assert [info_language(info) for info in ("rust,ignore", "rust, ignore", "{.python}",
                                             ".rust", "", "python hl_lines=\"2\"")] == [
        "rust", "rust", "python", "rust", "", "python"]
    assert info_hidelines("python,hidelines=!!!") == "!!!"
    assert info_hidelines("rust,ignore") is None


def test_tildes_and_longer_fences_hold_shorter_ones() -> None:
    html = page_of("~~~markdown\n```python,hidelines=!!!\n# not a heading\n```\n~~~\n\n"
                   "`````\n````\n```\n`````\n\n## After\n", MDBOOK)
    assert code_text(html) == ["```python,hidelines=!!!\n# not a heading\n```", "````\n```"]
    assert heading_ids(html) == ["after"]


def test_a_fence_closes_with_a_longer_fence_as_in_commonmark() -> None:
    html = page_of("```\ncode\n`````\ntext\n", MDBOOK)
    assert code_text(html) == ["code"] and "<p>text</p>" in html


def test_fences_in_block_quotes_and_list_items_are_code() -> None:
    source = ("> ```rust\n> # struct Point {\n> ```\n\n"
              "1. Build it:\n   ```sh\n   # make all\n   ```\n2. Run it.\n\n"
              "- Then:\n\n  ```rust,ignore\n  # fn hidden() {}\n  let x = 1;\n  ```\n")
    html = page_of(source, PLAIN)
    assert "<h1" not in html
    assert code_text(html) == ["# struct Point {", "# make all", "# fn hidden() {}\nlet x = 1;"]
    assert re.search(r"<li>\s*<p>Build it:</p>\s*<table class=\"code\"", html)


def test_mdbook_and_plain_nest_at_the_items_indentation_mkdocs_at_four_spaces() -> None:
    source = "- item\n\n  # Inside the item\n\n1. step\n   continued\n"
    for flavour in (MDBOOK, PLAIN):
        html = page_of(source, flavour)
        assert re.search(r"<li>\s*<p>item</p>\s*<h1 id=\"inside-the-item\">", html)
    mkdocs = page_of(source, MKDOCS)
    assert "<h1" not in mkdocs and "# Inside the item" in mkdocs


@pytest.mark.parametrize(("source", "shown"), [
    ("#hashtag\n", "<p>#hashtag</p>"),  # an ATX heading needs a space
    ("First line\nsecond line\n===\n", '<h1 id="first-line-second-line">'),
    ("- item\n===\n", "<li>item\n==="),  # a lazy line, not an underline
    ("[ref]: https://example.org\n----\n", "<hr>"),  # a definition is no paragraph
    ("Text\n- a list\n", "<p>Text</p>\n<ul>"),  # a list interrupts a paragraph
])
def test_commonmark_blocks_where_python_markdown_would_read_others(source: str,
                                                                   shown: str) -> None:
    assert shown in page_of(source, PLAIN)


# --- Hidden lines (mdBook) ------------------------------------------------------------------

def test_mdbook_hides_rust_lines_as_mdbook_does() -> None:
    source = ("```rust,editable\n# fn main() {\n#\n    let x = 5;\n    ##x\n"
              "#[derive(Debug)]\n#![allow(unused)]\n  # indented hidden\n# }\n```\n")
    assert code_text(page_of(source, MDBOOK)) == [
        "    let x = 5;\n    #x\n#[derive(Debug)]\n#![allow(unused)]"]
    # A plain folder shows every line: hidden lines are mdBook's.
    assert code_text(page_of(source, PLAIN))[0].startswith("# fn main() {\n")


def test_other_languages_hide_by_the_books_prefix_or_the_blocks_own() -> None:
    source = ("```python\n~hidden()\nshown()\n    ~hidden()\n```\n\n"
              "```python,hidelines=!!!\n!!!hidden()\n~shown()\n```\n\n"
              "```bash\n~shown\n# shown\n```\n")
    assert code_text(page_of(source, RUST_BOOK)) == ["shown()", "~shown()", "~shown\n# shown"]


def test_visible_code_keeps_every_line_without_a_prefix() -> None:
    assert visible_code("# a\nb", "rust", None) == "# a\nb"
    assert visible_code("#\n# a\n##b\n#!c\n#[d]\n#e", "rust", "#") == "#b\n#!c\n#[d]"


# --- Headings -------------------------------------------------------------------------------

def test_heading_titles_keep_inline_code_and_generics() -> None:
    article = article_of("# Book\n\n## `RefCell<T>` and interior mutability\n\n"
                         "## Raw <span>tags</span> <b>dropped</b>\n\n## `Option` & `unwrap`\n",
                         MDBOOK)
    assert [(s.title, s.anchor) for s in article.sections] == [
        ("RefCell<T> and interior mutability", "refcellt-and-interior-mutability"),
        ("Raw tags dropped", "raw-tags-dropped"),
        ("Option & unwrap", "option-unwrap")]
    html = render_html(article)
    assert '<code>RefCell&lt;T&gt;</code> and interior mutability</h2>' in html


def test_headings_in_quotes_lists_admonitions_and_footnotes_are_sections() -> None:
    source = ("# Doc\n\n> ## Quoted\n\n- ### In a list\n\n!!! note\n    #### In a note\n\n"
              "Text.[^1]\n\n[^1]: A note.\n\n    ##### In a footnote\n")
    article = article_of(source, MKDOCS)
    assert section_anchors(article) == ["doc", "quoted", "in-a-list", "in-a-note",
                                        "in-a-footnote"]
    assert heading_ids(render_html(article)) == section_anchors(article)


# --- Boxes, listings, ids -----------------------------------------------------------------

@pytest.mark.parametrize(("source", "flavour", "kind", "title"), [
    ('!!! note "A title"\n    Body text.\n', MKDOCS, "note", "A title"),
    ("??? warning\n    Body text.\n", MKDOCS, "warning", "Warning"),
    ("NOTE: Body text.\n", MKDOCS, "note", "Note"),
    ("> [!CAUTION]\n> Body text.\n", MDBOOK, "danger", "Caution"),
    ("> [!TIP]\n> Body text.\n", PLAIN, "tip", "Tip"),
])
def test_admonitions_and_callouts_are_boxes_with_a_title(source: str, flavour: Flavour,
                                                          kind: str, title: str) -> None:
    html = page_of(source, flavour)
    assert f'<table class="box box-{kind}" width="100%"><tr><td class="box box-{kind}">' in html
    assert f'<p class="box-title box-title-{kind}">{title}</p>' in html
    assert "<p>Body text.</p>" in html and "<div" not in html and "<details" not in html


def test_task_lists_and_strikethrough_as_in_github_and_mdbook() -> None:
    html = page_of("- [ ] to do\n- [x] done\n\n~~struck~~ and H~2~O\n", MDBOOK)
    assert "<li class=\"task-list-item\">\u2610 to do</li>" in html
    assert "<li class=\"task-list-item\">\u2611 done</li>" in html
    assert "<del>struck</del> and H~2~O" in html and "<input" not in html


def test_a_paragraph_starting_note_is_a_box_only_in_mkdocs() -> None:
    assert "box" not in page_of("NOTE: Body text.\n", MDBOOK)


def test_listing_wrappers_show_their_markdown_file_name_and_caption() -> None:
    html = page_of('Before.\n\n<Listing number="1-2" file-name="src/main.rs" '
                   'caption="A `caption`">\n\n```rust\nfn main() {}\n```\n\n</Listing>\n\n'
                   "After.\n", MDBOOK)
    assert '<p class="listing-file">Filename: src/main.rs</p>' in html
    assert code_text(html) == ["fn main() {}"]
    assert "<p><strong>Listing 1-2:</strong> A <code>caption</code></p>" in html
    assert "<p></p>" not in html and "isting>" not in html and "<p>After.</p>" in html


@pytest.mark.parametrize("source", [
    "# A\n\n<script>\nalert(1)\n\n## B\n\nRest of the page.\n",
    "# A\n\n<svg>\n\n## B\n\nRest of the page.\n",
    "# A\n\n<Unknown>\n\n## B\n\nRest of the page.\n\n</Unknown>\n",
    "# A\n\n<div class=\"warning\">\n\n## B\n\nRest of the page.\n\n</div>\n",
])
def test_unclosed_or_unknown_tags_never_hide_the_rest_of_the_page(source: str) -> None:
    html = page_of(source, MDBOOK)
    assert "Rest of the page." in html and "<p></p>" not in html
    assert "<script" not in html and "<svg" not in html


def test_every_id_of_the_page_survives_sanitizing() -> None:
    html = page_of('# T\n\nA claim.[^1]\n\n<a id="raw-a"></a><a name="raw-name"></a>\n\n'
                   '<span id="raw-span">x</span>\n\n<div id="raw-div">y</div>\n\n[^1]: Note.\n')
    for marked in ('id="t"', 'id="fnref:1"', 'href="#fn:1"', 'id="fn:1"', 'href="#fnref:1"',
                   'id="raw-a"', 'name="raw-name"', 'id="raw-span"', 'id="raw-div"'):
        assert marked in html


def test_the_page_cache_tells_flavours_apart(tmp_path: Path) -> None:
    from content.pages import article_html

    source = "```rust\n# hidden\nshown\n```\n"
    plain, mdbook = article_of(source, PLAIN), article_of(source, MDBOOK)
    assert plain.fingerprint == mdbook.fingerprint
    assert code_text(article_html(plain)) == ["# hidden\nshown"]
    assert code_text(article_html(mdbook)) == ["shown"]


def test_commonmark_escapes_any_punctuation_and_mkdocs_only_its_own() -> None:
    source = "# A\n\n## Controlling page \\<title\\>\n\nSee \\<b\\> and 50\\%.\n"
    mdbook = article_of(source, MDBOOK)
    assert [s.title for s in mdbook.sections] == ["Controlling page <title>"]
    html = render_html(mdbook)
    assert '<h2 id="controlling-page-title">Controlling page &lt;title&gt;</h2>' in html
    assert "See &lt;b&gt; and 50%." in html
    mkdocs = article_of(source, MKDOCS)  # Python-Markdown does not escape < or %
    assert [s.title for s in mkdocs.sections] == ["Controlling page \\<title>"]
    assert "See \\&lt;b&gt; and 50\\%." in render_html(mkdocs)

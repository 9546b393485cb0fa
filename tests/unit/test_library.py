"""The content model: the built-in article, and any folder of Markdown."""

from __future__ import annotations

import re
import stat
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import ContentError, NotMarkdown, UnknownSection, load_library
from content.parse import slugify
from content.render import plain_text
from tests.conftest import SEED, write_library

SLUG = "seven-thousand-cadres-conference"


def seed_sentences() -> list[str]:
    """Every sentence of the user's document, table cells and FAQ answers included."""
    lines = SEED.read_text(encoding="utf-8").splitlines()[1:]  # line 1 is the title
    sentences = []
    for line in lines:
        line = re.sub(r"^[+]|^- ", "", line.strip())  # answer and list markers are not text
        if re.fullmatch(r"[-|\s]*", line):
            continue  # the table's separator row
        for cell in line.split("|"):
            sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", cell) if s.strip()]
    return sentences


def test_every_sentence_of_the_seed_is_in_the_builtin_article() -> None:
    article = load_library().article(SLUG)
    text = " ".join(plain_text(article).split())
    sentences = seed_sentences()
    assert len(sentences) > 40
    missing = [s for s in sentences if s not in text]
    assert missing == []


def test_builtin_article_keeps_the_seed_spelling_as_an_alias() -> None:
    article = load_library().article(SLUG)
    first_line = SEED.read_text(encoding="utf-8").splitlines()[0].strip()
    assert article.title == "Seven Thousand Cadres Conference"
    assert first_line in article.aliases


def test_builtin_article_has_the_structure_of_the_seed() -> None:
    article = load_library().article(SLUG)
    assert [s.title for s in article.sections] == [
        "Background and Objectives", "Outcomes and Impact", "Legacy and Reforms",
        "Economic Reforms and Decentralization", "Frequently asked questions", "Conclusion"]
    faq = article.sections[4]
    assert [q.title for q in faq.children] == [
        "What were the main causes of the Great Leap Forward's failure?",
        "How did the Seven Thousand Cadres Conference influence China's future economic reforms?"]
    assert all(q.level == 3 for q in faq.children)
    body = article.body
    assert "| Category | Description |" in body
    for row in ("Attendees", "Objectives", "Outcomes"):
        assert re.search(rf"^\| {row} \|", body, re.MULTILINE)
    assert body.count("\n- ") == 3
    assert "\n+" not in body  # the seed's answer markers are not text


def test_section_ids_are_slug_and_anchor_and_unique() -> None:
    library = load_library()
    ids = [s.id for s in library.sections()]
    assert len(ids) == len(set(ids))
    assert f"{SLUG}#legacy-and-reforms" in ids
    assert library.section(f"{SLUG}#legacy-and-reforms").title == "Legacy and Reforms"
    assert library.section(SLUG) is library.article(SLUG).lead


def test_ids_are_stable_across_loads(tmp_path: Path) -> None:
    write_library(tmp_path, {"a.md": "# A\n\n## One\n\n## One\n\n### Two\n"})
    first = [s.id for s in load_library(tmp_path).sections()]
    second = [s.id for s in load_library(tmp_path).sections()]
    assert first == second == ["a#a", "a#one", "a#one-1", "a#two"]


def test_folder_of_articles_nests_sections_by_level(tmp_path: Path) -> None:
    write_library(tmp_path, {
        "intro.md": "Text before any heading.\n\n## First\n\ntext\n\n### Deeper\n\n## Second\n",
        "guide/setup.md": "---\ntitle: Setting up\naliases: [Install, Setup]\n---\n# Ignored\n",
        "notes/plain.md": "no headings at all\n",
        ".hidden/secret.md": "# not an article\n",
        "picture.png": "not markdown",
    })
    library = load_library(tmp_path)
    # The folder tree: folders first, then files, as a file browser shows them.
    assert [a.slug for a in library.articles] == ["guide/setup", "notes/plain", "intro"]
    intro = library.article("intro")
    assert intro.title == "First"  # no front matter, no # heading: its first heading
    assert intro.lead.id == "intro"
    assert [(s.title, s.level) for s in intro.walk()] == [
        ("First", 0), ("First", 2), ("Deeper", 3), ("Second", 2)]
    assert library.section("intro#deeper").trail == ("First", "First", "Deeper")
    assert library.article("notes/plain").title == "Plain"  # nor any heading: its file name
    assert library.article("notes/plain").trail == ("notes",)
    setup = library.article("guide/setup")
    assert setup.title == "Setting up"
    assert setup.aliases == ("Install", "Setup")
    assert library.article("notes/plain").sections == ()


def test_headings_inside_fenced_code_are_not_sections(tmp_path: Path) -> None:
    write_library(tmp_path, {"code.md": (
        "# Code\n\n```bash\n# a shell comment\n## not a heading\n```\n\n"
        "~~~~\n# also code\n~~~~\n\n## Real\n")})
    assert [s.title for s in load_library(tmp_path).article("code").walk()] == ["Code", "Real"]


def test_setext_headings_and_explicit_ids(tmp_path: Path) -> None:
    write_library(tmp_path, {"s.md": (
        "Title\n=====\n\nlead\n\nPart one\n--------\n\n## Custom {#my-id}\n\n"
        "## **Bold** and `code` ##\n")})
    article = load_library(tmp_path).article("s")
    assert article.title == "Title"
    assert [(s.anchor, s.title) for s in article.sections] == [
        ("part-one", "Part one"), ("my-id", "Custom"), ("bold-and-code", "Bold and code")]


def test_chinese_headings_keep_their_letters(tmp_path: Path) -> None:
    write_library(tmp_path, {"zh.md": "# 会议\n\n## 七千人大会\n\n## 七千人大会\n"})
    anchors = [s.anchor for s in load_library(tmp_path).article("zh").sections]
    assert anchors == ["七千人大会", "七千人大会-1"]


def test_single_markdown_file_is_a_library(tmp_path: Path) -> None:
    write_library(tmp_path, {"one.md": "# One\n", "two.md": "# Two\n"})
    library = load_library(tmp_path / "one.md")
    assert [a.slug for a in library.articles] == ["one"]


def test_bad_paths_raise_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such file or folder"):
        load_library(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(NotMarkdown, match="not a Markdown file"):
        load_library(tmp_path / "notes.txt")
    with pytest.raises(UnknownSection):
        load_library().section("no-such-article#x")
    with pytest.raises(UnknownSection):
        load_library().section(f"{SLUG}#no-such-anchor")


def test_invalid_utf8_empty_and_bom_files_still_load(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"# Bad \xff\xfe bytes\n\ntext \x80 here\n")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "bom.md").write_bytes("\ufeff# With BOM\r\n\r\n## Part\r\n".encode())
    library = load_library(tmp_path)
    assert library.article("bad").title == "Bad \ufffd\ufffd bytes"
    assert any("bad.md" in w and "UTF-8" in w for w in library.warnings)
    assert library.article("empty").title == "Empty"  # its file name, made readable
    assert [s.title for s in library.article("bom").walk()] == ["With BOM", "Part"]


def test_read_only_content_folder_loads_and_renders(tmp_path: Path) -> None:
    from content.pages import article_html

    write_library(tmp_path, {"ro.md": "# Read only\n\n## Part\n"})
    before = sorted(p.name for p in tmp_path.iterdir())
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        library = load_library(tmp_path)
        assert 'id="part"' in article_html(library.article("ro"))
    finally:
        tmp_path.chmod(stat.S_IRWXU)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written there


@given(st.text(alphabet=string.ascii_letters + string.digits + " _-.,!?\t", max_size=30))
def test_slugify_keeps_word_characters_and_joins_words_with_hyphens(text: str) -> None:
    # The rule, as Python-Markdown's toc extension spells it; slugify has a fast
    # path for plain words, which must give the same anchors.
    expected = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())
    assert slugify(text) == expected

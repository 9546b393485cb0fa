"""Plain-text import: the seed becomes the shipped article's sections, nothing is lost."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import content.textimport
from content import Article, Section
from content.library import BUILTIN_ARTICLES
from content.loading import parse_article
from content.render import plain_text, render_html, section_texts
from content.textimport import FAQ_HEADING, text_to_markdown
from tests.conftest import SEED
from tests.unit.test_library import seed_sentences

SHIPPED = BUILTIN_ARTICLES / "seven-thousand-cadres-conference.md"


def article_of(markdown: str) -> Article:
    return parse_article("imported", Path("imported.md"), markdown)


def words(text: str) -> str:
    return " ".join(text.split())


def plain(markdown: str) -> str:
    """What a reader sees of the Markdown, whitespace collapsed."""
    return words(plain_text(article_of(markdown)))


def lead_text(markdown: str) -> str:
    article = article_of(markdown)
    return section_texts(article)[article.lead.id]


def outline(sections: tuple[Section, ...]) -> list[tuple[str, int, list[object]]]:
    return [(s.title, s.level, outline(s.children)) for s in sections]


# --- The seed -----------------------------------------------------------------------------

def test_seed_converts_to_the_shipped_articles_sections() -> None:
    converted = article_of(text_to_markdown(SEED.read_text(encoding="utf-8")))
    shipped = parse_article("shipped", SHIPPED, SHIPPED.read_text(encoding="utf-8"))
    # The editorial touches of the shipped file: its title fixes the seed's
    # "Thousands" (kept as an alias) and it puts the closing paragraph under
    # "Conclusion", which the converter leaves where it falls (after the FAQ).
    assert converted.title == "Seven Thousands Cadres Conference"
    assert converted.title in shipped.aliases
    assert shipped.sections[-1].title == "Conclusion"
    assert outline(converted.sections) == outline(shipped.sections[:-1])
    assert [s.title for s in converted.sections][-1] == FAQ_HEADING


def test_every_seed_sentence_is_in_the_converted_and_in_the_shipped_article() -> None:
    sentences = seed_sentences()
    assert len(sentences) > 40
    converted = plain(text_to_markdown(SEED.read_text(encoding="utf-8")))
    shipped = words(plain_text(parse_article("shipped", SHIPPED,
                                             SHIPPED.read_text(encoding="utf-8"))))
    assert [s for s in sentences if s not in converted] == []
    assert [s for s in sentences if s not in shipped] == []


def test_seed_table_list_and_faq_become_markdown() -> None:
    markdown = text_to_markdown(SEED.read_text(encoding="utf-8"))
    assert "| Category | Description |\n| --- | --- |\n| Attendees | Approximately" in markdown
    assert markdown.count("\n- ") == 3
    assert "\n+" not in markdown
    html = render_html(article_of(markdown))
    assert html.count("<tr>") == 4 and "<th>Category</th>" in html
    faq = article_of(markdown).sections[-1]
    texts = section_texts(article_of(markdown))
    assert texts[faq.children[0].id].startswith("The Great Leap Forward's failure can be")


def test_the_worked_example_in_the_docstring_is_true() -> None:
    result = doctest.testmod(content.textimport, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


# --- Made-up inputs -----------------------------------------------------------------------

def test_bom_crlf_cr_and_blank_lines_do_not_change_the_result() -> None:
    text = "Title\n\nIntro line.\nHistory\nIt began.\n- one\n- two\nWhy?\n+Because.\n"
    expected = text_to_markdown(text)
    assert text_to_markdown("\ufeff" + text.replace("\n", "\r\n")) == expected
    assert text_to_markdown(text.replace("\n", "\r")) == expected
    assert text_to_markdown("\n\n  \n" + text.replace("\n", "\n\n") + "\n\n") == expected
    assert "\r" not in expected and "\ufeff" not in expected
    assert [s.title for s in article_of(expected).sections] == ["History", FAQ_HEADING]


def test_blank_text_gives_nothing() -> None:
    assert text_to_markdown("") == ""
    assert text_to_markdown("\ufeff \r\n\t\n") == ""


@pytest.mark.parametrize("line", [
    "# not a heading", "#hashtag and more", "*not emphasis*", "2 * 3 * 4", "*stars* and **more**",
    "_underscores_ and __dunder__", "snake_case_name stays", "<b>bold</b> <script>x</script>",
    "<http://example.com> and a < b > c", "`code` and ```fence```", "```", "~~~", "---",
    "***", "1. not a numbered list", "1962. The year.", "> not a quote", "+ not an answer",
    "+1 for this", "- - -", "[TOC]", "[link](http://example.com)", "[^1]: not a footnote",
    "[ref]: http://example.com", ": not a definition", "{: #not-an-attribute}",
    "ends with an attribute {#id}", "&amp; &copy; &#58; AT&T", "a backslash \\* \\ and \\\\",
    "| a lone | pipe line |", "    indented four spaces", "C# and F#", "== not setext ==",
])
def test_markdown_special_characters_show_as_written(line: str) -> None:
    markdown = text_to_markdown(f"Title\n{line}\n")
    assert lead_text(markdown) == words(line)
    html = render_html(article_of(markdown))
    body = html.split("</h1>", 1)[1]
    assert re.findall(r"<(\w+)", body) == ["p"], body


def test_lines_it_cannot_classify_stay_paragraphs_in_order() -> None:
    text = ("Notes\nName: Ann\nAge: 42\n:-)\n...\n12345\n(aside)\nok then\n"
            "A sentence without a full stop\nlower case start\n")
    markdown = text_to_markdown(text)
    article = article_of(markdown)
    assert article.sections == ()  # no line above is a heading
    assert words(lead_text(markdown)) == words(" ".join(text.splitlines()[1:]))
    assert "<h2" not in render_html(article)


def test_headings_need_short_unfinished_lines_followed_by_text() -> None:
    text = ("Guide\nIntro.\nFirst Steps\nDo this.\nThis line ends with a full stop.\n"
            "Details (1978\u20131989)\nMore.\nA heading at the end\n")
    sections = article_of(text_to_markdown(text)).sections
    assert [s.title for s in sections] == ["First Steps", "Details (1978\u20131989)"]
    assert plain(text_to_markdown(text)).endswith("More. A heading at the end")


def test_a_ragged_table_is_padded_to_its_widest_row() -> None:
    text = ("Data\nName | Score\n|Ann | 3 | late |\nBob|\n| Cy | 4 * 2 | [x] | <y> |\n"
            "After the table.\n")
    markdown = text_to_markdown(text)
    assert "| Name | Score |  |  |\n| --- | --- | --- | --- |\n" in markdown
    html = render_html(article_of(markdown))
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    assert [len(re.findall(r"<t[hd]", row)) for row in rows] == [4, 4, 4, 4]
    assert "<td>4 * 2</td>" in html and "<td>[x]</td>" in html and "<td>&lt;y&gt;</td>" in html
    assert plain(markdown).endswith("Cy 4 * 2 [x] <y> After the table.")


def test_one_pipe_line_or_a_run_of_separators_is_not_a_table() -> None:
    markdown = text_to_markdown("T\nEither a | b, it depends.\n\n---|---\n---|---\n")
    assert "<table" not in render_html(article_of(markdown))
    assert plain(markdown) == "T Either a | b, it depends. ---|--- ---|---"


def test_list_items_with_wrapped_lines_and_blank_lines_between() -> None:
    text = ("Shopping\nBuy:\n- eggs, a dozen\n   from the farm\n\n* milk\n• bread\n"
            "- 1. odd item\nDone.\n")
    markdown = text_to_markdown(text)
    html = render_html(article_of(markdown))
    items = re.findall(r"<li>(.*?)</li>", html)
    assert items == ["eggs, a dozen from the farm", "milk", "bread", "1. odd item"]
    assert html.count("<ul>") == 1 and plain(markdown).endswith("Done.")


def test_several_faqs_are_grouped_with_questions_as_subsections() -> None:
    text = ("Tea\nTea is a drink.\nIs it hot?\n+Usually.\nIs it old?\n\n+ Very old.\n"
            "+ Older than paper money.\nWhere from?\n+China.\nA closing remark.\n"
            "Rhetorical question?\nNot an answer.\n+ plus, not an answer.\n"
            "Common concerns\nIs it safe?\n+Yes.\n")
    markdown = text_to_markdown(text)
    article = article_of(markdown)
    texts = section_texts(article)
    faq, concerns = article.sections
    assert faq.title == FAQ_HEADING
    assert [q.title for q in faq.children] == ["Is it hot?", "Is it old?", "Where from?"]
    assert all(q.level == 3 for q in faq.children)
    assert texts[faq.children[1].id] == "Very old.\nOlder than paper money."
    # What follows a group stays where it falls, under the last question.
    assert texts[faq.children[2].id].split("\n") == [
        "China.", "A closing remark.", "Rhetorical question?", "Not an answer.",
        "+ plus, not an answer."]
    # A heading right above the questions introduces them; no second heading.
    assert concerns.title == "Common concerns"
    assert [q.title for q in concerns.children] == ["Is it safe?"]
    assert markdown.count(f"## {FAQ_HEADING}") == 1


def test_a_question_that_needs_escaping_is_a_bold_paragraph_not_a_heading() -> None:
    markdown = text_to_markdown("Maths\nWhat is 2*3 in `python`?\n+It is 6.\n")
    article = article_of(markdown)
    assert [s.title for s in article.sections] == [FAQ_HEADING]
    assert article.sections[0].children == ()
    assert "<strong>What is 2*3 in `python`?</strong>" in render_html(article)
    assert plain(markdown) == f"Maths {FAQ_HEADING} What is 2*3 in `python`? It is 6."


def test_a_title_that_needs_escaping_goes_into_front_matter() -> None:
    markdown = text_to_markdown("*Tea* & <Coffee> #1\nText.\n")
    article = article_of(markdown)
    assert article.title == "*Tea* & <Coffee> #1"
    assert "<h1" in render_html(article) and "<em>" not in render_html(article)
    assert plain(markdown) == "*Tea* & <Coffee> #1 Text."


def test_hard_wrapped_paragraphs_are_joined_without_false_headings() -> None:
    text = (
        "Wrapped\n\n"
        "The Great Leap Forward was a campaign launched by the Communist Party\n"
        "of China in 1958 that aimed to transform the country from an agrarian\n"
        "economy into a socialist society\n"
        "through rapid industrialization.\n\n"
        "Aftermath\n\n"
        "It ended in famine, and the party met in 1962 to take stock of what had\n"
        "gone wrong.\n")
    article = article_of(text_to_markdown(text))
    assert [s.title for s in article.sections] == ["Aftermath"]
    lead = section_texts(article)[article.lead.id]
    assert "\n" not in lead and lead.startswith("The Great Leap Forward") \
        and lead.endswith("rapid industrialization.")


def test_control_characters_and_tabs_are_not_text() -> None:
    markdown = text_to_markdown("Title\nA\x02b\x00c\td\x7f.\n")
    assert plain(markdown) == "Title Abc d."


# --- Properties ---------------------------------------------------------------------------

TOKENS = st.sampled_from([
    "alpha", "Beta", "gamma", "Delta", "the", "Conference", "1962", "7,000", "snake_case",
    "中文", "Ünïcödé", "\u2019s", ".", ",", "?", "!", ":", ";", "...", "(", ")", "#", "##", "*",
    "**", "_", "__", "`", "```", "~~~", "<", ">", "<b>", "</b>", "[", "]", "[x]", "(y)",
    "{", "}", "{#id}", "&", "&amp;", "&#58;", "&copy;", "\\", "|", "+", "-", "---", "1.",
    "=", "[TOC]", "[^1]:", "- ", "+ ", "* ", "• ", ": ", "> ", "\t", "\xa0",
])
LINES = st.lists(st.lists(TOKENS, max_size=12).map(" ".join)
                 | st.lists(TOKENS, max_size=8).map("".join), min_size=1, max_size=14)


def fragments(text: str) -> list[str]:
    """The text of each input line, less what the plain-text shape uses as markers:
    a list bullet, an answer's ``+``, the ``|`` between table cells and separator cells."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", line).strip()
        line = re.sub(r"^(?:[-*•‣◦]\s+|\+)", "", line)
        for cell in line.split("|"):
            cell = words(cell)
            if cell and not re.fullmatch(r"[-:\s]*", cell):
                found.append(cell)
    return found


@settings(max_examples=150, deadline=None)
@given(lines=LINES, newline=st.sampled_from(["\n", "\r\n", "\r", "\n\n"]), bom=st.booleans())
def test_every_line_of_any_text_is_in_the_plain_text(lines: list[str], newline: str,
                                                     bom: bool) -> None:
    text = newline.join(lines)
    markdown = text_to_markdown(("\ufeff" if bom else "") + text)
    if not markdown:
        assert not words(text)
        return
    shown = plain(markdown)
    assert [f for f in fragments(text) if f not in shown] == []
    # Headings show on the page exactly as the section tree names them.
    article = article_of(markdown)
    shown_headings = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", render_html(article))
    assert [words(unescape(re.sub(r"<[^>]+>", "", h))) for h in shown_headings] == [
        words(s.title) for s in article.walk() if s.anchor]


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
def test_conversion_never_raises_and_keeps_every_word(text: str) -> None:
    markdown = text_to_markdown(text)
    assert markdown == "" or markdown.endswith("\n")
    shown = plain(markdown) if markdown else ""
    assert [f for f in fragments(text.replace("\ufeff", "", 1)) if f not in shown] == []


# --- The command --------------------------------------------------------------------------

def encyclopedia(*args: str,
                 python_flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """``python -m viewer ARGS`` in a fresh interpreter."""
    return subprocess.run([sys.executable, *python_flags, "-m", "viewer", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_import_prints_the_markdown_without_loading_qt() -> None:
    result = encyclopedia("import", str(SEED), python_flags=("-X", "importtime"))
    assert result.returncode == 0
    assert result.stdout == text_to_markdown(SEED.read_text(encoding="utf-8"))
    imported = re.findall(r"\|\s+([\w.]+)\s*$", result.stderr, re.MULTILINE)
    assert "content.textimport" in imported
    assert [m for m in imported if m.startswith("PySide6")] == []


def test_import_writes_the_output_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "tea.md"
    out.write_text("old contents")
    result = encyclopedia("import", str(SEED), "-o", str(out))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""
    assert out.read_text(encoding="utf-8") == text_to_markdown(SEED.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tea.md"]  # no temporary left


@pytest.mark.parametrize("case", ["missing", "folder", "empty", "blank", "binary", "no-folder",
                                  "same-file"])
def test_user_mistakes_are_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Title\nText.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\xef\xbb\xbf \r\n\n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    args = {
        "missing": [str(tmp_path / "missing.txt")],
        "folder": [str(tmp_path)],
        "empty": [str(tmp_path / "empty.txt")],
        "blank": [str(tmp_path / "blank.txt")],
        "binary": [str(tmp_path / "image.txt")],
        "no-folder": [str(good), "-o", str(tmp_path / "nowhere" / "out.md")],
        "same-file": [str(good), "-o", str(good)],
    }[case]
    result = encyclopedia("import", *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("encyclopedia: ") and "Traceback" not in result.stderr
    assert good.read_text() == "Title\nText.\n"


def test_invalid_utf8_converts_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "latin1.txt"
    source.write_bytes("Café\nA café in Paris.\n".encode("latin-1"))
    result = encyclopedia("import", str(source))
    assert result.returncode == 0
    assert result.stdout == "# Caf\ufffd\n\nA caf\ufffd in Paris.\n"
    assert result.stderr.count("\n") == 1 and "not valid UTF-8" in result.stderr


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    source = tmp_path / "notepad.txt"
    source.write_bytes("Tea\r\nTea is a drink.\r\n".encode("utf-16"))
    result = encyclopedia("import", str(source))
    assert result.returncode == 0 and result.stdout == "# Tea\n\nTea is a drink.\n"

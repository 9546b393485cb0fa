"""The fast plain text of sections is exactly what the renderer gives, or not used."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content import load_library
from content.flavour import MKDOCS, PLAIN, Flavour
from content.render import section_texts as rendered
from index.plaintext import NotSimple, _simple_section_texts, section_texts
from tests.helpers.articles import article_of

WORDS = st.sampled_from(["famine", "Mao", "1962", "cadres", "七千人大会", "it's", "x", "a",
                         "b", "reform", "river", "(CPC)", "7,000", "—", "“quoted”"])


def _words(draw: st.DrawFn, low: int = 1, high: int = 6) -> str:
    return " ".join(draw(st.lists(WORDS, min_size=low, max_size=high)))


@st.composite
def inline(draw: st.DrawFn) -> str:
    text = _words(draw)
    decoration = draw(st.sampled_from([
        "{}", "*{}*", "**{}**", "***{}***", "`{}`", "[{}](https://example.org/a)",
        "![{}](img.png)", "{} *and* {}", "un*{}*done", "`a*b` {}", "[{}](x) and `y`",
        # Beyond the simple subset: these must fall back to the renderer.
        "{} & co", "{} <b>bold</b>", "snake_case {}", "{} \\* star", "5 * 3 {}",
        "{}[^1]", "[{}][ref]", "{} `unclosed", "**{}*",
    ]))
    return decoration.replace("{}", text, 1).replace("{}", _words(draw))


@st.composite
def block(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["para", "para", "heading", "setext", "list", "olist", "quote",
                                 "table", "fence", "rule", "lazy", "indented", "deflist"]))
    if kind == "para":
        return "\n".join(draw(st.lists(inline(), min_size=1, max_size=3)))
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 4))} {_words(draw)}"
    if kind == "setext":
        return f"{_words(draw)}\n{draw(st.sampled_from(['===', '---']))}"
    if kind == "list":
        marker = draw(st.sampled_from(["-", "*", "+"]))
        return "\n".join(f"{marker} {item}" for item in draw(st.lists(inline(), min_size=1,
                                                                      max_size=3)))
    if kind == "olist":
        return "\n".join(f"{n}. {item}" for n, item in
                         enumerate(draw(st.lists(inline(), min_size=1, max_size=3)), 1))
    if kind == "quote":
        return "\n".join(f"> {line}" for line in draw(st.lists(inline(), min_size=1,
                                                               max_size=2)))
    if kind == "table":
        rows = draw(st.lists(st.tuples(inline(), inline()), min_size=1, max_size=3))
        return "\n".join(["| A | B |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)])
    if kind == "fence":
        code = "\n".join(draw(st.lists(st.sampled_from(["x = 1", "  y < 2 & z", "# not a "
                                                        "heading", "*a*", "", "# hidden in rust",
                                                        "##[shown]", "~hidden in python"]),
                                       max_size=3)))
        info = draw(st.sampled_from(["python", "rust,ignore", "rust, editable", "", "text",
                                     "python,hidelines=#"]))
        fence = draw(st.sampled_from(["```", "~~~", "````"]))
        return f"{fence}{info}\n{code}\n{fence}"
    if kind == "rule":
        return draw(st.sampled_from(["---", "***", "* * *"]))
    if kind == "lazy":  # block markers inside a paragraph
        return f"{_words(draw)}\n{draw(st.sampled_from(['- x', '1. y', '> z', '# h']))}"
    if kind == "indented":
        return f"    {_words(draw)}"
    return f"{_words(draw)}\n: {_words(draw)}"


@st.composite
def document(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=8))
    title = draw(st.sampled_from(["", "# Title\n\n", "---\ntitle: T\n---\n\n"]))
    return title + "\n\n".join(blocks) + "\n"


BOOK = Flavour("mdbook", (("rust", "#"), ("python", "~")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document(), st.sampled_from([PLAIN, MKDOCS, BOOK]))
def test_fast_text_always_equals_the_rendered_text(source: str, flavour: Flavour) -> None:
    article = article_of(source, flavour)
    assert section_texts(article) == rendered(article)


def test_hidden_lines_are_not_indexed_and_code_is_text_as_shown() -> None:
    source = ("# Book\n\n```rust,editable\n# fn main() {\nlet shown = 1;\n##[kept]\n# }\n```\n\n"
              "```python\n~hidden()\nvisible()\n```\n")
    book = article_of(source, BOOK)
    assert _simple_section_texts(book) == rendered(book) == {
        "doc#book": "let shown = 1;\n#[kept]\nvisible()"}
    plain = article_of(source, PLAIN)  # a plain folder hides nothing
    assert "# fn main() {" in _simple_section_texts(plain)["doc#book"]
    assert _simple_section_texts(plain) == rendered(plain)


@pytest.mark.parametrize("source", [
    "# T\n\nPlain *emphasis*, **strong**, `code`, [a link](x) and ![](i.png).\n\n## S\n\n"
    "- one\n- two\n\n1. first\n\n> quoted\n\n| a | b |\n|---|---|\n| c | d |\n\n```\nx = 1\n```\n",
    "Lead text\n\nHeading\n=======\n\nBody of it.\n\n---\n\nAfter a rule.\n",
])
def test_simple_markdown_takes_the_fast_path(source: str) -> None:
    article = article_of(source)
    assert _simple_section_texts(article) == rendered(article)


def test_the_built_in_article_takes_the_fast_path() -> None:
    article = load_library().articles[0]
    assert _simple_section_texts(article) == rendered(article)


@pytest.mark.parametrize("source", ["A &amp; B\n", "<div>x</div>\n", "snake_case\n",
                                    "Note[^1]\n\n[^1]: n\n", "    code\n", "a ~~struck~~\n",
                                    "!!! note\n    Boxed.\n", "> [!NOTE]\n> Boxed.\n",
                                    "> # A heading in a quote\n"])
def test_anything_else_goes_to_the_renderer(source: str) -> None:
    with pytest.raises(NotSimple):
        _simple_section_texts(article_of(source))

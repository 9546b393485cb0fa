"""Raw HTML in an article: no tag hides what follows it, nothing runs, nothing loads.

The page is made the way the window makes it (``render_html``). The same file
goes through the real command line and the real window in
``tests/gui/test_raw_html.py``.
"""

from __future__ import annotations

import re
import time

import pytest

from content import load_library
from content.render import render_html, section_texts
from content.sanitize import sanitize
from tests.conftest import DATA
from tests.helpers.articles import page_of

HOSTILE = DATA / "hostile" / "raw-html.md"
TAGS = ("embed", "noscript", "select", "textarea", "style", "script", "title", "iframe")
# What a reader may see of an element's own content: hidden for these, shown (as the
# fallback of a reader that runs no script and shows no frame) for the others.
CONTENT_HIDDEN = ("select", "textarea", "style", "script", "title")


def _text(html: str) -> str:
    return re.sub(r"<[^>]*>", " ", html)


def _words(prefix: str, text: str) -> set[str]:
    return set(re.findall(rf"\b{prefix}\w+", text))


@pytest.mark.parametrize("tag", [*TAGS, *(tag.upper() for tag in TAGS)])
@pytest.mark.parametrize("where", [
    "Before. <{tag}> After one.\n\n## Next\n\nAfter two.\n",  # in a paragraph
    "Before.\n\n<{tag}>\n\nAfter one.\n\n## Next\n\nAfter two.\n",  # on its own line
    "Before.\n\n<{tag} onload=\"x()\" src='https://tracker.invalid/x'>\nstill\n\n"
    "After one.\n\n## Next\n\nAfter two.\n",  # with attributes, text right below
    "Before.\n\n<{tag}>\n\nAfter one.\n\n<{tag}>\n\n## Next\n\nAfter two.\n",  # twice
    "Before.\n\n- an item <{tag}>\n- another\n\nAfter one.\n\n## Next\n\nAfter two.\n",
])
def test_an_unclosed_tag_never_hides_the_rest_of_the_article(tag: str, where: str) -> None:
    html = page_of(where.format(tag=tag))
    text = _text(html)
    for wanted in ("Before", "After one", "Next", "After two"):
        assert wanted in text, (wanted, html)
    lowered = html.lower()
    assert f"<{tag.lower()}" not in lowered and "onload" not in lowered
    assert "tracker.invalid" not in lowered


@pytest.mark.parametrize("tag", TAGS)
def test_a_closed_tag_hides_only_its_own_content(tag: str) -> None:
    inline = page_of(f"Before <{tag}>inside words</{tag}> after.\n\n## Next\n\nAfter two.\n")
    block = page_of(f"Before.\n\n<{tag}>inside words</{tag}>\n\nAfter one.\n\n## Next\n\n"
                    "After two.\n")
    for html in (inline, block):
        text = _text(html)
        for wanted in ("Before", "Next", "After two"):
            assert wanted in text, (wanted, html)
        assert ("inside words" in text) is (tag not in CONTENT_HIDDEN), html
        assert f"<{tag}" not in html


def test_scripts_handlers_and_script_links_are_dropped() -> None:
    html = page_of(
        '<p onclick="alert(1)">handled</p> <a href="javascript:alert(1)">js</a> '
        '<a href=" JaVaScRiPt:alert(1)">spaced</a> <a href="jav&#x09;ascript:alert(1)">tab</a> '
        '<a href="vbscript:msgbox(1)">vb</a> <a href="data:text/html,x">data</a> '
        '<img src="x.png" onerror="alert(1)"> <img src="javascript:alert(1)" alt="jsimg"> '
        '<details ontoggle="alert(1)"><summary>s</summary>d</details> '
        '[md](javascript:void(0)) <a href="https://example.org/">web</a>\n')
    lowered = html.lower()
    for unwanted in ("alert", "onclick", "onerror", "ontoggle", "script:", "vbscript",
                     "data:text"):
        assert unwanted not in lowered, unwanted
    assert re.findall(r'href="([^"]*)"', html) == ["https://example.org/"]
    assert "[jsimg: not loaded]" in html
    for kept in ("handled", ">js<", ">spaced<", ">tab<", ">vb<", ">data<", ">md<"):
        assert kept in html, kept


def test_the_hostile_raw_html_file_shows_every_sentence_and_hides_every_script() -> None:
    article = load_library(HOSTILE).articles[0]
    html = render_html(article)
    source = HOSTILE.read_text(encoding="utf-8")
    seen = _words("seen", source)
    assert len(seen) >= 28
    assert _words("seen", _text(html)) == seen
    assert _words("hidden", _text(html)) == set()
    # What the index reads of each section is what the page shows.
    indexed = " ".join(section_texts(article).values())
    assert _words("seen", indexed) == seen and _words("hidden", indexed) == set()
    lowered = html.lower()
    for unwanted in ("<script", "<style", "<iframe", "<noscript", "<embed", "<select",
                     "<textarea", "<title", "alert", "onclick", "onerror", "ontoggle",
                     "javascript:", "vbscript:", "tracker.invalid"):
        assert unwanted not in lowered, unwanted


def test_thousands_of_unclosed_tags_are_read_in_one_pass() -> None:
    # Each unclosed tag once cost a new pass over the page: 4,000 took minutes.
    html = "<p>lead</p>\n" * 2000 + "".join(
        f"<p>para {n} <select> <textarea> <script> <title> <embed> more</p>\n"
        for n in range(4000))
    started = time.perf_counter()
    safe = sanitize(html)
    assert time.perf_counter() - started < 3
    assert "para 3999" in safe and "<script" not in safe


def test_a_script_closed_only_inside_its_own_start_tag_is_unclosed() -> None:
    safe = sanitize('<p>a <script title="</script>"> b</p><p>rest of the page</p>')
    assert "rest of the page" in safe and "<script" not in safe


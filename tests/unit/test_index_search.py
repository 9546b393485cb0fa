"""Searching: ranking, the query language and its fallbacks, did-you-mean, CJK, snippets."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from content import load_library
from index import Searcher, match_spans, open_index, update_index
from tests.conftest import write_library

ARTICLE = "seven-thousand-cadres-conference"
LEAD = f"{ARTICLE}#seven-thousand-cadres-conference"
FAQ_CAUSES = f"{ARTICLE}#what-were-the-main-causes-of-the-great-leap-forwards-failure"
OUTCOMES = f"{ARTICLE}#outcomes-and-impact"
REFORMS = f"{ARTICLE}#economic-reforms-and-decentralization"
LEGACY = f"{ARTICLE}#legacy-and-reforms"


@pytest.fixture(scope="module")
def builtin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """A searcher on the built-in article, shared by the tests that only read."""
    home = tmp_path_factory.mktemp("search-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCYCLOPEDIA_HOME", str(home))
        searcher = open_index(load_library())
    yield searcher
    searcher.close()


def ids(searcher: Searcher, query: str, limit: int = 20) -> list[str]:
    return [hit.id for hit in searcher.search(query, limit).hits]


# Ranking on the built-in article


def test_inflected_word_finds_its_sections(builtin: Searcher) -> None:
    assert set(ids(builtin, "famines")) == {LEAD, FAQ_CAUSES}
    assert set(ids(builtin, "famine")) == {LEAD, FAQ_CAUSES}


def test_article_title_lands_on_its_lead(builtin: Searcher) -> None:
    assert ids(builtin, "Seven Thousand Cadres Conference")[0] == LEAD
    assert ids(builtin, "Seven Thousands Cadres Conference")[0] == LEAD  # the alias


def test_heading_match_outranks_a_mention_in_the_body(builtin: Searcher) -> None:
    assert ids(builtin, "legacy")[0] == LEGACY
    assert ids(builtin, "decentralization")[0] == REFORMS


def test_sections_with_every_word_come_before_sections_with_some(builtin: Searcher) -> None:
    results = builtin.search("Deng Shaoqi", 20)
    found = [hit.id for hit in results.hits]
    assert found[0] == OUTCOMES  # the only section naming both Deng and Liu Shaoqi
    assert len(found) > 1  # sections with only "Deng" still appear
    assert results.total == len(found)


def test_total_counts_beyond_the_limit(builtin: Searcher) -> None:
    results = builtin.search("conference", 2)
    assert len(results.hits) == 2 and results.total > 2


# The query language


def test_phrase_matches_words_in_order_only(builtin: Searcher) -> None:
    assert FAQ_CAUSES in ids(builtin, '"great leap forward"')
    assert ids(builtin, '"forward leap great"') == []


def test_prefix_expands_to_words_that_start_with_it(builtin: Searcher) -> None:
    assert ids(builtin, "decentral*")[0] == REFORMS
    # Below three letters a prefix searches titles only (a body-wide "d*" is too slow).
    assert set(ids(builtin, "de*")) <= {REFORMS}


def test_and_or_not(builtin: Searcher) -> None:
    mao = set(ids(builtin, "Mao"))
    deng = set(ids(builtin, "Deng"))
    assert set(ids(builtin, "Mao AND Deng")) == mao & deng
    assert set(ids(builtin, "Mao OR Deng")) == mao | deng
    assert set(ids(builtin, "Deng NOT Mao")) == deng - mao
    assert set(ids(builtin, "famine NOT steel")) == {LEAD}


def test_title_field_searches_headings_only(builtin: Searcher) -> None:
    found = ids(builtin, "title:reforms")
    assert set(found) == {REFORMS, LEGACY,
                          f"{ARTICLE}#how-did-the-seven-thousand-cadres-conference-influence-"
                          "chinas-future-economic-reforms"}


def test_fuzzy_word_finds_the_real_one(builtin: Searcher) -> None:
    assert set(ids(builtin, "famnie~")) == {LEAD, FAQ_CAUSES}
    assert ids(builtin, "famnie") == []


@pytest.mark.parametrize("query", ['"', "((", "AND", "title:", "*", "OR deng", "deng AND",
                                   '"great leap', "(famine", "famine)", "a ~ ^ [ ] { } :",
                                   "title:(", "NOT", "x" * 10_000, "great leap " * 1000,
                                   "?*?*?*", "\x00\n\t", "famine" + " OR" * 500])
def test_bad_syntax_never_raises_and_never_hangs(builtin: Searcher, query: str) -> None:
    started = time.perf_counter()
    results = builtin.search(query, 10)
    assert time.perf_counter() - started < 2.0
    assert results.query == query
    assert results.total >= len(results.hits)


def test_bad_syntax_falls_back_to_the_plain_words(builtin: Searcher) -> None:
    unclosed = builtin.search('"great leap', 10)
    assert unclosed.plain and FAQ_CAUSES in [hit.id for hit in unclosed.hits]
    assert set(ids(builtin, "deng AND")) == set(ids(builtin, "deng"))
    assert ids(builtin, "great leap " * 1000)[:3] == ids(builtin, "great leap")[:3]
    assert builtin.search("*", 10).hits == ()


# Did you mean


def test_misspelt_name_gets_a_suggestion(builtin: Searcher) -> None:
    results = builtin.search("Deng Xiaopng", 10)
    assert results.suggestion == "Deng Xiaoping"
    assert builtin.search("famnie", 10).suggestion == "famine"


def test_known_words_get_no_suggestion(builtin: Searcher) -> None:
    assert builtin.search("Deng Xiaoping", 10).suggestion is None
    assert builtin.search("famine~", 10).suggestion is None


# Snippets and highlighting


def test_snippet_marks_the_words_near_the_best_match(builtin: Searcher) -> None:
    hit = builtin.search("deadliest famines", 1).hits[0]
    assert hit.id == LEAD
    assert "<mark>deadliest</mark> <mark>famines</mark>" in hit.snippet
    visible = re.sub(r"</?mark>", "", hit.snippet)
    assert 150 <= len(visible) <= 205


def test_snippet_escapes_everything_but_its_marks(tmp_path: Path) -> None:
    root = write_library(tmp_path, {"code.md": "# Code\n\nCompare `a < b && c > d` for "
                                               "\"quoted\" famines & 'more'.\n"})
    with open_index(load_library(root)) as searcher:
        snippet = searcher.search("famines", 1).hits[0].snippet
    assert "&lt; b &amp;&amp; c &gt;" in snippet and "&quot;quoted&quot;" in snippet
    assert "<mark>famines</mark>" in snippet
    assert "<" not in re.sub(r"</?mark>", "", snippet)


def test_snippet_goes_to_the_part_with_most_query_words(tmp_path: Path) -> None:
    filler = " ".join(["lorem ipsum dolor"] * 60)
    body = f"Apples here. {filler} Apples and pears together. {filler} Pears at the end."
    root = write_library(tmp_path, {"fruit.md": f"# Fruit\n\n{body}\n"})
    with open_index(load_library(root)) as searcher:
        snippet = searcher.search("apples pears", 1).hits[0].snippet
    assert "<mark>Apples</mark> and <mark>pears</mark> together" in snippet
    assert snippet.startswith("\u2026") and snippet.endswith("\u2026")


def test_terms_highlight_every_occurrence_in_a_page(builtin: Searcher) -> None:
    results = builtin.search("famine", 5)
    page = "Famines, a famine, and FAMINE again."
    assert [page[s:e] for s, e in match_spans(page, results.terms)] == \
        ["Famines", "famine", "FAMINE"]
    assert builtin.highlight_terms("famine NOT steel") == results.terms


# CJK


def test_cjk_word_inside_a_sentence_is_found(tmp_path: Path) -> None:
    root = write_library(tmp_path, {
        "zh.md": "# 会议\n\n1962年1月\uff0c中共中央在北京召开扩大的中央工作会议"
                 "\uff0c即七千人大会。\n\n## 其他\n\n这一节没有那个词。\n",
        "en.md": "# English\n\nNothing Chinese here.\n"})
    with open_index(load_library(root)) as searcher:
        assert [h.id for h in searcher.search("七千人大会", 5).hits] == ["zh#会议"]
        assert [h.id for h in searcher.search("人大", 5).hits] == ["zh#会议"]
        assert searcher.search("七千大会", 5).hits == ()  # not a substring
        snippet = searcher.search("七千人大会", 1).hits[0].snippet
        assert "<mark>七千人大会</mark>" in snippet


# A generated library of many articles


TOPICS = ["glaciers", "volcanoes", "harvests", "railways", "monsoons", "printing", "bridges",
          "lighthouses", "orchards", "telescopes", "caravans", "canals"]
FILLER = ["the", "region", "saw", "change", "over", "many", "years", "as", "people", "worked",
          "and", "traded", "wrote", "records", "of", "what", "happened", "in", "towns",
          "villages", "along", "roads"]


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    rng = random.Random(7)
    files = {}
    for number, topic in enumerate(TOPICS):
        sections = []
        for k in range(6):
            words = [rng.choice(FILLER) for _ in range(120)]
            sections.append(f"## Chapter {k} of {topic.title()}\n\n{' '.join(words)}.\n")
        # Each article mentions its topic in its lead, and the next topic once.
        neighbour = TOPICS[(number + 1) % len(TOPICS)]
        files[f"{topic}.md"] = (f"---\naliases: [{topic.upper()}-ALIAS]\n---\n# History of "
                                f"{topic.title()}\n\nAll about {topic} and one {neighbour}.\n\n"
                                + "\n".join(sections))
    files["mixed.md"] = ("# Mixed\n\n## Both\n\nGlaciers met telescopes once.\n\n"
                         "## One\n\n" + "Glaciers glaciers glaciers glaciers. " * 10 + "\n\n"
                         "## Running\n\nThe running of railways.\n")
    home = tmp_path_factory.mktemp("many-home")
    root = write_library(tmp_path_factory.mktemp("many"), files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCYCLOPEDIA_HOME", str(home))
        searcher = open_index(load_library(root))
    yield searcher
    searcher.close()


def test_each_article_title_lands_on_its_own_lead(many: Searcher) -> None:
    for topic in TOPICS:
        slug = topic
        assert ids(many, f"history of {topic}")[0] == f"{slug}#history-of-{topic}"
        assert ids(many, f"{topic.upper()}-ALIAS")[0] == f"{slug}#history-of-{topic}"


def test_all_words_outrank_one_word_repeated(many: Searcher) -> None:
    found = ids(many, "glaciers telescopes")
    assert found[0] == "mixed#both"
    assert "mixed#one" in found  # only glaciers, ten times: still a hit, just lower


def test_a_word_in_most_sections_only_counts_with_the_others(
        many: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.query

    everywhere = set(ids(many, "region", limit=200))
    assert len(everywhere) > 60  # the filler is in nearly every section
    monkeypatch.setattr(index.query, "COMMON_FROM", 0)  # as in a big library
    results = many.search("glaciers region", 200)
    found = [hit.id for hit in results.hits]
    # Sections with only "region" are no hits; those with both come first.
    glaciers = set(ids(many, "glaciers", limit=200))
    assert set(found) == glaciers and results.total == len(glaciers)
    both = glaciers & everywhere
    assert set(found[:len(both)]) == both


def test_stemmed_forms_meet_across_articles(many: Searcher) -> None:
    assert ids(many, "run")[0] == "mixed#running"
    assert ids(many, "runn*")[0] == "mixed#running"
    assert "mixed#running" in ids(many, "railway")


def test_searcher_sees_an_update_without_being_reopened(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"a.md": "# A\n\nOld words.\n"})
    with open_index(load_library(root)) as searcher:
        assert searcher.refresh() is False  # nothing new on disk
        assert ids(searcher, "zeppelins") == []
        (root / "a.md").write_text("# A\n\nNew zeppelins.\n", encoding="utf-8")
        update_index(load_library(root))
        assert ids(searcher, "zeppelins") == ["a#a"]
        assert ids(searcher, "old") == []  # the old version of the section is gone
        assert searcher.refresh() is False


COUNTED = ["glaciers", "glaciers telescopes", "region", "glaciers region", "history OR region",
           '"history of"', "glac*", "glaciers NOT telescopes", "title:chapter", "glacers~",
           "nothing-here", "region NOT history"]


@pytest.mark.parametrize("common_from", [1000, 0])
def test_total_is_exactly_the_number_of_matching_sections(
        many: Searcher, monkeypatch: pytest.MonkeyPatch, common_from: int) -> None:
    import index.query

    monkeypatch.setattr(index.query, "COMMON_FROM", common_from)
    for query in COUNTED:
        results = many.search(query, 500)
        assert results.total == len(results.hits), query


def test_total_leaves_out_deleted_sections_across_segments(tmp_path: Path) -> None:
    files = {f"a{n}.md": f"# A{n}\n\nShared words here.\n\n## Part\n\nShared too.\n"
             for n in range(6)}
    root = write_library(tmp_path / "lib", files)
    update_index(load_library(root))
    (root / "a2.md").write_text("# A2\n\nNow different.\n", encoding="utf-8")
    (root / "a4.md").unlink()
    update_index(load_library(root))  # a second segment; deletions in the first
    with open_index(load_library(root)) as searcher:
        for query in ["shared", "shared different", "different", "words OR now"]:
            results = searcher.search(query, 100)
            assert results.total == len(results.hits), query
        assert searcher.search("shared", 100).total == 4 * 2  # a2 changed, a4 gone


def test_searches_from_many_threads_agree(many: Searcher) -> None:
    expected = {topic: ids(many, topic) for topic in TOPICS}
    failures: list[str] = []

    def worker(offset: int) -> None:
        for n in range(30):
            topic = TOPICS[(n + offset) % len(TOPICS)]
            if ids(many, topic) != expected[topic]:
                failures.append(topic)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# Search on real pages: names, titles, mnemonic letters


TLDR_LIKE = {
    "tar.md": "# tar\n\n> Archiving utility.\n\n- [c]reate an archive from files:\n\n"
              "`tar cf {{target.tar}} {{file1 file2}}`\n\n- E[x]tract an archive:\n\n"
              "`tar xf {{source.tar}} {{[-C|--directory]}} {{directory}}`\n",
    "gtar.md": "# gtar\n\n> This command is an alias of GNU `tar`.\n\n"
               "- View documentation for the original command:\n\n`tldr tar`\n",
    "tar-split.md": "# tar-split\n\n> Split a tar archive: tar in, tar out.\n\n"
                    "- Split a tar:\n\n`tar-split {{archive.tar}}`\n",
    "gzip.md": "# gzip\n\n> Compress files; often with tar, as in `tar czf`.\n\n"
               "- [d]e[c]ompress a file:\n\n`g[z]ip -d {{file.gz}}`\n\n"
               "- Compress a tar archive:\n\n`tar czf {{out.tar.gz}} {{in}}`\n",
    "as.md": "# as\n\n> Portable GNU assembler.\n\n- Assemble a file:\n\n`as {{file.s}}`\n",
    "book.md": "# The Book\n\nAbout error handling, error handling and more error handling: "
               "errors are handled.\n\n## Error handling\n\nShort.\n\n"
               "## Handling errors well\n\nError handling again, error handling.\n",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    home = tmp_path_factory.mktemp("pages-home")
    root = write_library(tmp_path_factory.mktemp("pages"), TLDR_LIKE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ENCYCLOPEDIA_HOME", str(home))
        searcher = open_index(load_library(root))
    yield searcher
    searcher.close()


def test_a_page_named_as_the_query_comes_before_pages_that_mention_it(pages: Searcher) -> None:
    found = ids(pages, "tar")
    assert found[0] == "tar#tar"
    assert {"gtar#gtar", "tar-split#tar-split", "gzip#gzip"} <= set(found)
    assert ids(pages, "TAR")[0] == "tar#tar"
    assert ids(pages, "tar-split")[0] == "tar-split#tar-split"


def test_a_section_titled_as_the_query_comes_first(pages: Searcher) -> None:
    assert ids(pages, "error handling")[0] == "book#error-handling"
    assert ids(pages, "Error Handling")[0] == "book#error-handling"
    # Not the title: the words rank as usual.
    assert ids(pages, "errors handling")[0] != "book#error-handling"


def test_a_command_named_by_a_stop_word_is_found(pages: Searcher) -> None:
    assert ids(pages, "as") == ["as#as"]


def test_mnemonic_letters_are_searched_as_their_words(pages: Searcher) -> None:
    assert "tar#tar" in ids(pages, "create")
    assert "tar#tar" in ids(pages, "extract")
    assert ids(pages, "decompress") == ["gzip#gzip"]
    assert "gzip#gzip" in ids(pages, "decomp*")
    results = pages.search("create archive", 5)
    assert results.hits[0].id == "tar#tar"
    assert "<mark>[c]reate</mark> an <mark>archive</mark>" in results.hits[0].snippet
    page = "- [c]reate an archive, then g[z]ip it"
    assert [page[s:e] for s, e in match_spans(page, results.terms)] == ["[c]reate", "archive"]
    assert pages.search("gzpi", 5).suggestion == "gzip"
    assert pages.search("decompres", 5).suggestion == "decompress"


def test_words_of_text_edited_away_are_no_longer_offered(tmp_path: Path) -> None:
    root = write_library(tmp_path / "lib", {"a.md": "# A\n\nXylophones here.\n",
                                            "b.md": "# B\n\nNothing.\n"})
    with open_index(load_library(root)) as searcher:
        assert searcher.search("xylophone", 5).suggestion is None
        assert ids(searcher, "xylo*") == ["a#a"]
    (root / "a.md").write_text("# A\n\nXylitol here.\n", encoding="utf-8")
    with open_index(load_library(root)) as searcher:
        assert ids(searcher, "xylo*") == []
        assert searcher.search("xylophone", 5).suggestion is None  # not "xylophones"
        assert searcher.search("xylitl", 5).suggestion == "xylitol"

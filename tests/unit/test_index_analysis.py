"""The analyzer: stemming that finds inflections, CJK bigrams, offsets for snippets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import (
    NameAnalyzer,
    SectionAnalyzer,
    find_terms,
    match_spans,
    name_key,
    raw_words,
    scan,
    spelling_words,
    term_of,
    terms,
)


def test_plural_and_singular_meet() -> None:
    assert terms("famines") == terms("famine")
    assert terms("Economies") == terms("economy")


def test_running_meets_run_unlike_whoosh_default_porter() -> None:
    # whoosh.lang.porter gives "runn" for "running", so "run" never finds it.
    assert terms("running") == ["run"]
    assert terms("run") == ["run"]


def test_words_are_lower_case_and_possessives_join_their_word() -> None:
    assert terms("China's CHINA china") == ["china", "china", "china"]
    assert terms("Mao\u2019s") == terms("Mao")


def test_accents_fold_so_either_spelling_finds_the_other() -> None:
    assert terms("café") == terms("cafe")


def test_stop_words_take_no_position_but_meaningful_short_words_stay() -> None:
    assert terms("the history of the party") == ["histori", "parti"]
    assert terms("US policy") == ["us", "polici"]


def test_numbers_are_kept_as_written() -> None:
    assert terms("in 1962 and the 1960s") == ["1962", "1960s"]


def test_cjk_run_becomes_overlapping_bigrams() -> None:
    assert terms("七千人大会") == ["七千", "千人", "人大", "大会"]


def test_cjk_inside_a_sentence_and_beside_latin() -> None:
    found = terms("1962年召开的七千人大会是Mao主持的")
    assert "七千" in found and "人大" in found and "大会" in found
    assert "1962" in found and "mao" in found
    # A lone CJK character between Latin words is a unigram.
    assert terms("a 人 b") == ["人", "b"]


def test_offsets_point_at_the_original_text() -> None:
    text = "Famines, then 七千人大会 — and Running."
    for term, start, end in scan(text):
        piece = text[start:end]
        assert terms(piece)[:1] == [term] or len(piece) == 2  # a bigram is itself
    assert [(text[s:e]) for _, s, e in scan(text)][-1] == "Running"


def test_whoosh_face_gives_positions_and_chars() -> None:
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in SectionAnalyzer()("the running famines", positions=True, chars=True)]
    assert tokens == [("run", 0, 4, 11), ("famin", 1, 12, 19)]


def test_match_spans_merges_overlapping_bigrams() -> None:
    text = "会议称为七千人大会。"
    spans = match_spans(text, set(terms("七千人大会")))
    assert [text[s:e] for s, e in spans] == ["七千人大会"]


def test_match_spans_finds_every_inflection() -> None:
    text = "A famine; famines. FAMINE!"
    spans = match_spans(text, {term_of("famine")})
    assert [text[s:e] for s, e in spans] == ["famine", "famines", "FAMINE"]


def test_spelling_words_are_words_as_written() -> None:
    found = spelling_words(raw_words("Deng Xiaoping's reforms of 1978 in 七千人大会 the"))
    assert {"deng", "xiaoping", "reforms"} <= found
    assert not found & {"the", "1978", "xiaop", "七千人大会"}


def test_mnemonic_letters_are_part_of_their_word() -> None:
    text = "[c]reate, [d]e[c]ompress with g[z]ip, E[x]trahiere"
    found = [(term, text[start:end]) for term, start, end in scan(text)]
    assert found == [(term_of("create"), "[c]reate"), (term_of("decompress"), "[d]e[c]ompress"),
                     ("gzip", "g[z]ip"), (term_of("extrahiere"), "E[x]trahiere")]
    assert terms(text) == terms("create, decompress with gzip, Extrahiere")
    assert [text[s:e] for s, e in match_spans(text, {term_of("create"), "gzip"})] == \
        ["[c]reate", "g[z]ip"]


def test_brackets_that_are_no_mnemonics_keep_words_apart() -> None:
    assert terms("array[i] and matrix[i][j]") == ["array", "i", "matrix", "i", "j"]
    assert terms("{{[-C|--directory]}}") == ["c", term_of("directory")]
    assert terms("[C] alone") == ["c", "alon"]
    assert terms("argv[1]") == ["argv", "1"]


def test_raw_words_read_a_mnemonic_as_its_word() -> None:
    assert raw_words("[c]reate a g[z]ip file[s]") == ["create", "a", "gzip", "file", "s"]
    assert spelling_words(raw_words("[d]e[c]ompress")) == {"decompress"}


def test_a_name_is_the_title_as_written() -> None:
    assert name_key("Error Handling") == name_key("error-handling") == "error handling"
    assert name_key("errors handling") != name_key("Error handling")
    assert name_key("gh at") == "gh at"  # stop words count in a name
    assert name_key("Café") == "cafe"
    names = [token.text for token in NameAnalyzer()("Tar\naa-complain\n\n")]
    assert names == ["tar", "aa complain"]


PIECES = ["run", "Running", "famines", "Ärger", "éclair", "İstanbul", "ﬁne", "China's", "skies",
          "dying", "[c]reate", "g[z]ip", "array[i]", "七千人大会", "人", "1960s", "ŒUVRE", "ß",
          "the", "Yes", "y", " ", " ", "\n", ", ", "-", "'", "[", "]", "_"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30),
       extra=st.lists(st.text(min_size=1, max_size=3), max_size=3), data=st.data())
def test_finding_wanted_terms_equals_filtering_every_term(
        pieces: list[str], extra: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    every = list(scan(text))
    present = sorted({term for term, _, _ in every})
    wanted = set(data.draw(st.lists(st.sampled_from(present), unique=True)) if present else [])
    wanted |= set(extra)
    assert list(find_terms(text, wanted)) == [found for found in every if found[0] in wanted]

"""Our analyzer: Latin words kept whole and stemmed, CJK runs cut into bigrams.

Whoosh's own analyzers fail this project in two measured ways (see WHOOSH.md):
its default Porter stemmer never undoubles consonants ("running" -> "runn", so
"run" misses it), and ``StandardAnalyzer`` keeps a CJK run as one token, so a
word inside a Chinese sentence is never found. This module does both jobs in a
single pass, which is also what makes indexing fast enough:

    >>> [term for term, _, _ in scan("Famines were running through 七千人大会.")]
    ['famin', 'were', 'run', 'through', '七千', '千人', '人大', '大会']

A term is lower case, accent-folded and Porter2-stemmed; CJK runs give
overlapping bigrams (a lone CJK character stays a unigram); a few English stop
words are dropped. Stems are cached, since a corpus repeats the same few
thousand words millions of times.

Mnemonic letters, as tldr pages write them, are part of their word: ``[c]reate``
is the word "create", ``g[z]ip`` is "gzip", and the word's characters run from
the first bracket to its last letter, so a match is marked whole. Only a single
bracketed letter followed by more letters counts, so ``array[i]`` stays
``array`` and ``i``:

    >>> scan("[d]e[c]ompress g[z]ip")
    [('decompress', 0, 14), ('gzip', 15, 21)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter2 import stem as _porter2

# Changing anything that alters the terms produced must bump this: indexes made
# by an older analyzer are then rebuilt instead of silently mismatching queries.
ANALYZER_VERSION = 2  # 2: mnemonic letters ("[c]reate") are part of their word

# Short and uncontroversial: "us", "may", "will", "can" and "not" carry meaning
# in an encyclopedia ("US policy", "May Fourth"), so unlike Whoosh we keep them.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "is", "it",
    "of", "on", "or", "that", "the", "this", "to", "with",
})
MAX_WORD = 40  # longer "words" are hashes, URLs or base64: noise in an index

_CJK_CHARS = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3100-\u31ff"  # Bopomofo, Hangul compatibility, Katakana extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G
)
# A word: letters and digits, with inner apostrophes ("China's"); no underscore.
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
# The same, where a letter may be a mnemonic: one letter in brackets, followed
# by a letter ("[c]reate", "g[z]ip"). Used only for texts with a "[".
_PIECE = r"(?:[^\W_]|\[[^\W\d_]\](?=[^\W\d_]))"
_WORD_WITH_MNEMONICS = re.compile(f"{_PIECE}+(?:['\u2019]{_PIECE}+)*")
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_CACHE_LIMIT = 200_000


class _Stems:
    """Surface word (lower case) -> term, or "" for a stop word.

    A plain dict rather than ``functools.lru_cache``: a hit is one dict lookup
    with no call overhead, and the cache is simply emptied if it grows too big.
    """

    def __init__(self) -> None:
        self.cache: dict[str, str] = {word: "" for word in STOP_WORDS}

    def term(self, lower: str) -> str:
        found = self.cache.get(lower)
        if found is None:
            found = _make_term(lower)
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache = {word: "" for word in STOP_WORDS}
            self.cache[lower] = found
        return found


def _make_term(lower: str) -> str:
    if len(lower) > MAX_WORD:
        return ""
    if not lower.isascii():
        lower = fold(lower)
    lower = lower.replace("\u2019", "'")
    if any(c.isdigit() for c in lower):
        return lower  # "1960s" is a name, not an inflection of "1960"
    stemmed: str = _porter2(lower)
    return stemmed


def fold(text: str) -> str:
    """Accents removed, so that "cafe" finds "café" and the other way round."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_STEMS = _Stems()


def scan(text: str) -> Iterator[tuple[str, int, int]]:
    """``(term, startchar, endchar)`` for each term of ``text``, in order.

    A term's position is its index in this sequence: stop words take no
    position, so a phrase query (analysed the same way) still lines up.
    """
    return _scan(text, None)


def find_terms(text: str, wanted: set[str] | frozenset[str]) -> Iterator[tuple[str, int, int]]:
    """What :func:`scan` gives for ``text``, only where the term is in ``wanted``.

    Quicker: a word is stemmed only if it begins with the first letter of a
    wanted term, since a term keeps its word's first letter (Porter2 never
    changes it, nor do folding and lower case). Marking ten hits in a query
    otherwise stemmed every new word of their bodies. A property test holds
    it to the filtered scan.
    """
    firsts = {term[0] for term in wanted if term}
    if firsts:
        for found in _scan(text, firsts):
            if found[0] in wanted:
                yield found


def _scan(text: str, firsts: set[str] | None) -> Iterator[tuple[str, int, int]]:
    """:func:`scan`; with ``firsts``, skipping Latin words that begin otherwise."""
    term_of = _STEMS.term
    words = _WORD_WITH_MNEMONICS if "[" in text else _WORD
    if text.isascii():
        # The common case, kept free of the CJK checks below.
        for match in words.finditer(text):
            word = match.group()
            if "[" in word:
                word = _unbracket(word)
            if firsts is not None and word[0].lower() not in firsts:
                continue
            term = term_of(word.lower())
            if term:
                yield term, match.start(), match.end()
        return
    for match in words.finditer(text):
        word = match.group()
        start = match.start()
        if word.isascii() or not _CJK_RUN.search(word):
            if "[" in word:
                word = _unbracket(word)
            if firsts is not None and _first_letter(word) not in firsts:
                continue
            term = term_of(word.lower())
            if term:
                yield term, start, match.end()
            continue
        # Mixed or pure CJK: Latin pieces stay words, CJK runs become bigrams.
        done = 0
        for run in _CJK_RUN.finditer(word):
            if run.start() > done:
                yield from _latin_piece(word, done, run.start(), start)
            yield from _bigrams(run.group(), start + run.start())
            done = run.end()
        if done < len(word):
            yield from _latin_piece(word, done, len(word), start)


def _first_letter(word: str) -> str:
    """The first letter of the word's term (any letter if that is unclear)."""
    first = word[0].lower()
    if not first.isascii():
        first = fold(first)[:1]
    return first or word[0]


def _latin_piece(word: str, begin: int, end: int, offset: int) -> Iterator[tuple[str, int, int]]:
    piece = word[begin:end].strip("'\u2019")
    if piece:
        lead = word.index(piece, begin)
        term = _STEMS.term(_unbracket(piece).lower())
        if term:
            yield term, offset + lead, offset + lead + len(piece)


def _bigrams(run: str, offset: int) -> Iterator[tuple[str, int, int]]:
    if len(run) == 1:
        yield run, offset, offset + 1
        return
    for i in range(len(run) - 1):
        yield run[i : i + 2], offset + i, offset + i + 2


def _unbracket(word: str) -> str:
    """A word without its mnemonic brackets: "[c]reate" -> "create"."""
    return word.replace("[", "").replace("]", "")


def term_of(word: str) -> str:
    """The term of one Latin word ("" for a stop word)."""
    return _STEMS.term(word.lower())


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds any CJK character."""
    return not text.isascii() and _CJK_RUN.search(text) is not None


def terms(text: str) -> list[str]:
    """The terms of ``text``, as the index and the query parser see them."""
    return [term for term, _, _ in scan(text)]


def raw_words(text: str) -> list[str]:
    """Every word of ``text`` in lower case; cheap (one regex pass in C).

    Collect these over many texts, then filter once with :func:`spelling_words`.
    A mnemonic counts as its word: "[c]reate" is "create".
    """
    if "[" not in text:
        return _WORD.findall(text.lower())
    return [_unbracket(word) if "[" in word else word
            for word in _WORD_WITH_MNEMONICS.findall(text.lower())]


def spelling_words(candidates: Iterable[str]) -> set[str]:
    """The candidates worth offering as words (see :func:`spelling_word`)."""
    return {word for word in map(spelling_word, candidates) if word}


def spelling_word(candidate: str) -> str:
    """The word a raw word counts as for spelling, or "" if none.

    These feed "did you mean" and prefix/fuzzy expansion, which must offer real
    words ("xiaoping"), never stems ("xiaop"): alphabetic, not CJK, not stop
    words. A possessive counts as its word.
    """
    word = candidate
    if "'" in word or "\u2019" in word:
        word, _, rest = word.replace("\u2019", "'").partition("'")
        if rest != "s":
            return ""
    if 3 <= len(word) <= MAX_WORD and word.isalpha() and word not in STOP_WORDS \
            and not is_cjk(word):
        return word
    return ""


def match_spans(text: str, wanted: set[str] | frozenset[str]) -> list[tuple[int, int]]:
    """Character spans of ``text`` whose terms are in ``wanted``, merged.

    Overlapping CJK bigrams of one match become one span, so 七千人大会 is
    marked once, not as four overlapping pieces.
    """
    spans: list[tuple[int, int]] = []
    for _, start, end in find_terms(text, wanted):
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


class SectionAnalyzer(Tokenizer):  # type: ignore[misc]  # whoosh is untyped
    """The Whoosh face of :func:`scan`, for the schema's text fields.

    Whoosh pickles the schema (and so this object) into the index: it must stay
    importable under this name and hold no state of its own.
    """

    # Tells Whoosh the terms are not the words as written (so fuzzy and
    # spelling tools know not to offer terms as words).
    is_morph = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SectionAnalyzer)

    def __hash__(self) -> int:
        return hash(SectionAnalyzer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for this with already-analysed text (e.g. a term it expanded).
            token.original = token.text = value
            token.boost = 1.0
            token.pos = start_pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        token.boost = 1.0
        token.stopped = False
        for pos, (term, start, end) in enumerate(scan(value), start_pos):
            token.text = term
            if keeporiginal:
                token.original = value[start:end]
            token.pos = pos
            token.startchar = start_char + start
            token.endchar = start_char + end
            yield token


def name_key(text: str) -> str:
    """What a title is as a name: its words as written, lower case and
    accent-folded. A query whose name key is a section title's is that title:
    "Error Handling" and "error-handling" give "error handling"; "errors
    handling" does not, nor does "gh" for "gh at" (stop words count here).
    """
    return " ".join(fold(word) if not word.isascii() else word for word in raw_words(text))


class NameAnalyzer(Tokenizer):  # type: ignore[misc]  # whoosh is untyped
    """The name field's: one term per line of a title, its :func:`name_key`.

    Whoosh pickles the schema (and so this object) into the index: it must stay
    importable under this name and hold no state of its own.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameAnalyzer)

    def __hash__(self) -> int:
        return hash(NameAnalyzer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        names = [value] if not tokenize else \
            [key for key in map(name_key, value.split("\n")) if key]
        for pos, name in enumerate(names, start_pos):
            token.text = token.original = name
            token.pos = pos
            token.startchar, token.endchar = start_char, start_char + len(value)
            yield token

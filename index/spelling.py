"""The library's words as written: prefix and fuzzy expansion, and "did you mean".

The index holds stems ("xiaop"), which are no use to offer a user, and whose
prefixes miss ("runn*" is not a prefix of "run"). So the build also records
every word as written in ``words.txt``, with the number of live sections that
hold it (an update takes out the words of the sections it replaces); this
module searches that list. A word is only ever offered or used if its term is
in the index now.

    >>> Vocabulary(["deng", "xiaopeng", "xiaoping"], [3, 1, 2]).near("xiaopng", 1)
    [(1, 'xiaopeng'), (1, 'xiaoping')]
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable, Sequence

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton
from whoosh.support.levenshtein import damerau_levenshtein

from index.analysis import STOP_WORDS, is_cjk, term_of

QUERY_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
MAX_QUERY_CHARS = 400  # longer input is a paste, not a query

Frequency = Callable[[str], int]
"""How many sections hold a term (0: not in the index)."""


class Vocabulary:
    """Sorted words with how many sections hold each, searched by prefix and edits."""

    def __init__(self, words: Sequence[str], counts: Sequence[int]) -> None:
        self.words = words  # sorted
        self.counts = counts

    def _range(self, prefix: str) -> range:
        start = bisect.bisect_left(self.words, prefix)
        return range(start, bisect.bisect_left(self.words, prefix + "\U0010ffff", start))

    def with_prefix(self, prefix: str) -> Sequence[str]:
        found = self._range(prefix)
        return self.words[found.start:found.stop]

    def most_frequent(self, prefix: str, number: int) -> list[str]:
        """The ``number`` words starting with ``prefix`` in the most sections."""
        best = heapq.nlargest(number, self._range(prefix), key=self.counts.__getitem__)
        return [self.words[i] for i in best]

    def count(self, word: str) -> int:
        i = bisect.bisect_left(self.words, word)
        return self.counts[i] if i < len(self.words) and self.words[i] == word else 0

    def near(self, word: str, maxdist: int) -> list[tuple[int, str]]:
        """``(distance, word)`` for words within ``maxdist`` edits, first letter kept.

        Most misspellings keep the first letter. Whoosh's Levenshtein automaton
        walks the sorted list by bisection (2 ms where comparing every word with
        that letter took 20). It knows no transpositions, so it looks one edit
        further and the exact Damerau distance (a swap is one edit) decides.
        """
        if not word:
            return []
        words = self.words
        automaton = levenshtein_automaton(word, maxdist + 1, prefix=1).to_dfa()

        def following(key: str) -> str | None:
            i = bisect.bisect_left(words, key)
            return words[i] if i < len(words) else None

        found = []
        for candidate in find_all_matches(automaton, following):
            if candidate == word:
                continue
            distance = damerau_levenshtein(word, candidate, limit=maxdist + 1)
            if distance <= maxdist:
                found.append((distance, candidate))
        return found


def suggest(query: str, vocabulary: Vocabulary, frequency: Frequency) -> str | None:
    """``query`` with each word the index lacks replaced by its nearest known word.

    Nearest means fewest edits, then most sections. Words with syntax attached
    (``title:``, ``word~``, ``pre*``), operators, stop words, short words and CJK
    are left alone. None when nothing needed replacing or nothing was close.
    """
    if len(query) > MAX_QUERY_CHARS:
        return None
    replacements: dict[str, str] = {}
    for match in QUERY_WORD.finditer(query):
        word = match.group()
        lower = word.lower()
        after = query[match.end():match.end() + 1]
        if (word in OPERATORS or lower in replacements or len(lower) < 3
                or not lower.isalpha() or lower in STOP_WORDS or is_cjk(lower)
                or after in (":", "~", "*", "?") or frequency(term_of(lower))):
            continue
        best: tuple[int, int, str] | None = None
        for distance in (1, 2) if len(lower) > 4 else (1,):
            for _, candidate in vocabulary.near(lower, distance):
                sections = frequency(term_of(candidate))
                if sections and (best is None or (distance, -sections) < best[:2]):
                    best = (distance, -sections, candidate)
            if best is not None:
                break
        if best is not None:
            replacements[lower] = best[2]
    if not replacements:
        return None

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        found = replacements.get(word.lower())
        if found is None or word in OPERATORS:
            return word
        return same_case(word, found)

    return QUERY_WORD.sub(replace, query)


def same_case(original: str, word: str) -> str:
    """``word`` in the case pattern of ``original``: ``XIAOPING``, ``Xiaoping``, ``xiaoping``."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word

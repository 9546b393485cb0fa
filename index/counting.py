"""Exact counts over the live sections: match counts, and the statistics ranking needs.

Whoosh counts the matches of a query by running it again over every posting,
one Python call per document: at 20,000 sections that was 125 ms a query on
average, four times the rest of the search. Here a term's documents are read
a whole posting block at a time (ids decoded in C with ``accumulate``), kept
in a small cache, and combined with set operations. Anything not made of
terms, OR, AND and NOT (a phrase, say) is counted by Whoosh as before.

Whoosh keeps a deleted section in its segment, and in that segment's
statistics, until a merge: its document frequencies, document count and field
lengths include sections long since edited away, so the same library scored
differently depending on how it was reached. :class:`LiveStats` gives the
same figures for the live sections only, whatever the index's history.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter as Tally
from collections import OrderedDict
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

CACHE_IDS = 2_000_000  # document numbers kept across queries (4 bytes each)


class Counter:
    """Counts the documents a query matches, for one reader."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self._cache: OrderedDict[tuple[str, str], array[int]] = OrderedDict()
        self._cached = 0

    def count(self, q: Any) -> int:
        return len(self.docs(q))

    def docs(self, q: Any) -> set[int]:
        if q is wq.NullQuery:
            return set()
        if isinstance(q, wq.Term):
            return set(self._term_docs(q.fieldname, q.text))
        if isinstance(q, wq.Or):
            found: set[int] = set()
            direct = set(q.subqueries)
            for sub in q.subqueries:
                # The "every word" part of plain words adds no section that its
                # words beside it do not: skip it, and with it the posting list
                # of a common word, which only it holds.
                if isinstance(sub, wq.And) and any(_covered(part, direct)
                                                   for part in sub.subqueries):
                    continue
                found |= self.docs(sub)
            return found
        if isinstance(q, wq.And):
            wanted = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
            unwanted = [sub.query for sub in q.subqueries if isinstance(sub, wq.Not)]
            if wanted:
                sets = sorted((self.docs(sub) for sub in wanted), key=len)
                found = sets[0].intersection(*sets[1:])
                for sub in unwanted:
                    if not found:
                        break
                    found -= self.docs(sub)
                return found
        return set(self.searcher.docs_for_query(q))

    def _term_docs(self, fieldname: str, text: str) -> array[int]:
        key = (fieldname, text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        found = array("i")
        for reader, offset in self.searcher.reader().leaf_readers():
            try:
                matcher = reader._terms.matcher(fieldname, reader._text_to_bytes(fieldname, text),
                                                reader.schema[fieldname].format)
            except TermNotFound:
                continue
            ids = _all_ids(matcher)
            if reader.has_deletions():
                deleted = reader.deleted_docs_set
                ids = [n for n in ids if n not in deleted]
            found.extend(ids if not offset else (n + offset for n in ids))
        self._cache[key] = found
        self._cached += len(found)
        while self._cached > CACHE_IDS and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached -= len(dropped)
        return found


def _covered(q: Any, direct: set[Any]) -> bool:
    """Whether ``q`` matches nothing that the queries in ``direct`` together miss."""
    if q in direct:
        return True
    return isinstance(q, wq.Or) and all(sub in direct for sub in q.subqueries)


def _all_ids(matcher: Any) -> list[int]:
    """Every document of one segment's posting list, block by block."""
    if not isinstance(matcher, W3LeafMatcher):
        return list(matcher.all_ids())  # short lists live inline in the term info
    ids: list[int] = []
    # The W3 block layout (whoosh-reloaded 2.7.5): each block's data tuple
    # starts with its ids, delta-encoded from 0 unless stored as bytes.
    while not matcher._atend:
        matcher._read_data()
        raw = matcher._data[0]
        ids.extend(raw if matcher._byteids else accumulate(raw))
        matcher._next_block()
    return ids


class LiveStats:
    """Document frequencies and field lengths of the live sections of one reader.

    What BM25 and the query compiler need, equal for every history of the same
    library: a fresh build, incremental updates (whose old segments still hold
    deleted sections), several writer processes. Figures are cached for the
    reader's lifetime, which is one version of the index.

    A term's live frequency is Whoosh's minus the deleted sections that hold it,
    found by skipping through its postings to each deleted section (or by
    reading its postings, when they are fewer). The average field length is
    taken from the per-section lengths Whoosh stores (to a byte: the same
    figures its scoring uses for each section), so it too covers live sections
    only.
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._count: int = reader.doc_count()
        self._leaves = [(leaf, sorted(leaf.deleted_docs_set) if leaf.has_deletions() else [])
                        for leaf, _ in reader.leaf_readers()]
        self._frequency: dict[tuple[str, str], int] = {}
        self._average: dict[str, float] = {}
        self._lengths: dict[tuple[int, str], bytes | None] = {}

    def doc_count(self) -> int:
        """Live sections."""
        return self._count

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """Live sections that hold the term."""
        key = (fieldname, text)
        found = self._frequency.get(key)
        if found is None:
            found = sum(self._leaf_frequency(leaf, deleted, fieldname, text)
                        for leaf, deleted in self._leaves)
            self._frequency[key] = found
        return found

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's inverse document frequency, over live sections."""
        return math.log(self._count / (self.doc_frequency(fieldname, text) + 1)) + 1

    def average_length(self, fieldname: str) -> float:
        """The mean length of the field over live sections (1 if there are none)."""
        found = self._average.get(fieldname)
        if found is None:
            total = sum(_length_total(self.lengths(leaf, fieldname), leaf, deleted, fieldname)
                        for leaf, deleted in self._leaves)
            found = total / self._count if self._count and total else 1.0
            self._average[fieldname] = found
        return found

    def lengths(self, leaf: Any, fieldname: str) -> bytes | None:
        """The field's stored length of each section of ``leaf`` (one of the
        reader's segments), as a byte (see ``whoosh.util.numeric``); None if the
        index has another layout."""
        key = (id(leaf), fieldname)
        if key not in self._lengths:
            self._lengths[key] = _length_bytes(leaf, fieldname)
        return self._lengths[key]

    def prefix_terms(self, fieldname: str, prefix: str) -> dict[str, int]:
        """Every term of the field that starts with ``prefix``, with its live frequency
        (terms left by deleted sections only have 0)."""
        found: dict[str, int] = {}
        for btext, _ in self.reader.iter_prefix(fieldname, prefix):
            term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            found[term] = self.doc_frequency(fieldname, term)
        return found

    @staticmethod
    def _leaf_frequency(leaf: Any, deleted: list[int], fieldname: str, text: str) -> int:
        frequency: int = leaf.doc_frequency(fieldname, text)
        if not deleted or not frequency:
            return frequency
        try:
            matcher = leaf._terms.matcher(fieldname, leaf._text_to_bytes(fieldname, text),
                                          leaf.schema[fieldname].format)
        except TermNotFound:
            return 0
        if frequency < len(deleted):
            gone = set(deleted)
            return sum(1 for n in _all_ids(matcher) if n not in gone)
        for docnum in deleted:
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                frequency -= 1
        return frequency


def _length_total(lengths: bytes | None, leaf: Any, deleted: list[int], fieldname: str) -> int:
    """The sum of the field's stored lengths over the leaf's live sections."""
    if lengths is None:
        return sum(leaf.doc_field_length(n, fieldname) or 0 for n in range(leaf.doc_count_all())
                   if n not in leaf.deleted_docs_set)
    tally = Tally(lengths)
    for docnum in deleted:
        if docnum < len(lengths):
            tally[lengths[docnum]] -= 1
    return sum(byte_to_length(byte) * count for byte, count in tally.items())


def _length_bytes(leaf: Any, fieldname: str) -> bytes | None:
    """The leaf's column of field lengths, one byte per section, read at once.

    The W3 layout (whoosh-reloaded 2.7.5): a fixed-width column of bytes,
    shorter than the segment when its last sections lack the field (they count
    as 0). None if the layout is not that one; the caller then asks section by
    section, a hundred times slower.
    """
    try:
        column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return b""
        if column._fixedlen != 1:
            return None
        data: bytes = bytes(column._dbfile.get(column._basepos, column._count))
    except AttributeError:
        return None
    return data

"""Searching the index: a query string in, ranked section hits with snippets out.

    >>> searcher = open_index(library)
    >>> results = searcher.search("famines", limit=5)
    >>> results.total, results.hits[0].snippet
    (2, '… one of the deadliest <mark>famines</mark> in human history …')

One :class:`Searcher` is meant to live as long as the window: it reopens its
view of the index only when the index has changed on disk. It is safe to call
from any thread; calls are serialised. The query language is in
:mod:`index.query`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappush, heapreplace
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.scoring import BM25F, WeightLengthScorer, WeightScorer
from whoosh.util.numeric import byte_to_length

from index.build import WHOOSH_DIR, IndexStats, forget, read_vocabulary
from index.counting import Counter, LiveStats
from index.errors import IndexCorrupt
from index.query import QueryCompiler, matcher_for, positive_terms
from index.schema import PATH_SEPARATOR, SEARCH_FIELDS
from index.snippets import snippet, spans
from index.spelling import Vocabulary, suggest

logger = logging.getLogger(__name__)

# The top k are collected with the k-th score lowered by this share: pruning
# then keeps every section that could tie with it, and the tie is decided by
# section id, whatever rounding the bounds of the pruned parts had.
_TIE_MARGIN = 1e-9


@dataclass(frozen=True)
class Hit:
    """One matching section."""

    id: str  # section id, slug#anchor
    article: str  # the article's slug
    path: tuple[str, ...]  # heading trail: article title down to this section
    score: float  # higher is better; only the order means anything
    snippet: str  # ~200 characters of HTML: matched words in <mark>, the rest escaped

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "article": self.article, "path": list(self.path),
                "score": round(self.score, 4), "snippet": self.snippet}


@dataclass(frozen=True)
class Results:
    """The answer to one query."""

    query: str
    total: int  # all matching sections, not only the hits returned
    suggestion: str | None  # "did you mean", when a word of the query is unknown
    hits: tuple[Hit, ...]
    # Index terms the query looks for; highlight a text with
    # ``index.match_spans(text, results.terms)``.
    terms: frozenset[str] = field(default_factory=frozenset)
    plain: bool = False  # the query did not parse and was read as plain words

    def as_json(self) -> dict[str, Any]:
        """The ``search --json`` shape."""
        return {"query": self.query, "total": self.total, "suggestion": self.suggestion,
                "hits": [hit.as_json() for hit in self.hits]}


class Searcher:
    """A long-lived searcher over one library's index."""

    def __init__(self, folder: Path, ix: Any = None, stats: IndexStats | None = None) -> None:
        """``folder`` is the library's :func:`index_dir`; ``ix`` an already open index;
        ``stats`` what the update before opening did (kept as ``self.stats``)."""
        self.folder = folder
        self.stats = stats
        self._lock = threading.Lock()
        try:
            self._ix = ix if ix is not None else whoosh_index.open_dir(str(folder / WHOOSH_DIR))
            self._searcher = self._ix.searcher()
        except Exception as error:  # whatever Whoosh raises on bad files
            raise IndexCorrupt(f"cannot open the index in {folder}: {error}") from error
        self._compiler = QueryCompiler(self._ix.schema)
        self._counter = Counter(self._searcher)
        self._stats = LiveStats(self._searcher.reader())
        self._weighting = LiveBM25F(self._stats)
        self._vocabulary: Vocabulary | None = None

    # Life cycle

    def close(self) -> None:
        with self._lock:
            self._searcher.close()
            self._ix.close()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> bool:
        """Pick up a newer index on disk; returns whether there was one."""
        with self._lock:
            return self._refresh()

    def _refresh(self) -> bool:
        try:
            if self._searcher.up_to_date():
                return False
            # Not Whoosh's refresh(): it keeps the old view's segment readers,
            # and with them sections since deleted or merged away (whoosh-
            # reloaded 2.7.5, FileIndex._reader). A fresh view costs ~3 ms.
            self._reopen()
        except Exception as error:  # mid-rebuild: keep the old view
            logger.info("index not reopened (%s); searching the previous version", error)
            return False
        return True

    def _reopen(self) -> None:
        """A fresh view of the index on disk, whatever the old one thought."""
        ix = whoosh_index.open_dir(str(self.folder / WHOOSH_DIR))
        searcher = ix.searcher()
        for old in (self._searcher, self._ix):
            try:
                old.close()
            except Exception as error:  # a damaged view may not even close cleanly
                logger.info("closing the old view of the index: %s", error)
        self._ix, self._searcher = ix, searcher
        self._compiler = QueryCompiler(ix.schema)
        self._counter = Counter(searcher)
        self._stats = LiveStats(searcher.reader())
        self._weighting = LiveBM25F(self._stats)
        self._vocabulary = None

    # Searching

    def search(self, query: str, limit: int = 10) -> Results:
        """The best ``limit`` sections for ``query``; never raises on bad syntax.

        Raises :class:`IndexCorrupt` if the index files cannot be read; the
        next :func:`index.open_index` then rebuilds them.
        """
        limit = max(1, limit)
        with self._lock:
            self._refresh()
            try:
                return self._search(query, limit)
            except Exception:
                # Perhaps another process rebuilt the index under us: look again.
                logger.info("searching %r failed; reopening the index", query, exc_info=True)
            try:
                self._reopen()
                return self._search(query, limit)
            except Exception as error:
                # The query is safe by now (bad syntax became plain words), so
                # reading failed: Whoosh says so with anything from EOFError to
                # a bare Exception("Block tag error").
                logger.warning("searching %r failed; the index needs rebuilding", query,
                               exc_info=True)
                forget(self.folder)
                raise IndexCorrupt(f"the index cannot be read ({error})") from error

    def exhaustive(self, query: str) -> list[tuple[str, float]]:
        """Every section ``query`` matches as ``(id, score)``, best first, ties by id.

        The slow, plainly right ranking: every match scored, nothing pruned or
        skipped. :meth:`search` must return its first ``limit`` hits (a property
        test holds the two together).
        """
        with self._lock:
            self._refresh()
            _, _, ranked = self._ranked(query, None)
            return [(self._section_id(docnum), score) for docnum, score in ranked]

    def highlight_terms(self, query: str) -> frozenset[str]:
        """The index terms ``query`` looks for, for :func:`index.match_spans`."""
        with self._lock:
            self._refresh()
            compiled, _ = self._compile(query)
            return positive_terms(compiled)

    def suggest(self, query: str) -> str | None:
        """``query`` with its unknown words replaced by the closest known ones, if any."""
        with self._lock:
            self._refresh()
            return suggest(query, self._words(), self._frequency)

    def _compile(self, query: str) -> tuple[Any, bool]:
        return self._compiler.compile(query, self._stats, self._words())

    def _search(self, query: str, limit: int) -> Results:
        suggestion = suggest(query, self._words(), self._frequency)
        compiled, plain, top = self._ranked(query, limit)
        if compiled is wq.NullQuery:
            return Results(query, 0, suggestion, (), frozenset(), plain)
        terms = positive_terms(compiled)
        hits = []
        for docnum, score in top:
            stored = self._searcher.stored_fields(docnum)
            body = stored.get("body", "")
            hits.append(Hit(stored["id"], stored["article"],
                            tuple(stored.get("path", "").split(PATH_SEPARATOR)), score,
                            snippet(body, spans(body, terms))))
        total = self._counter.count(compiled)
        return Results(query, total, suggestion, tuple(hits), terms, plain)

    def _ranked(self, query: str, limit: int | None) -> tuple[Any, bool, list[tuple[int, float]]]:
        """The compiled query, whether it was read as plain words, and its best
        ``limit`` sections (all of them if None) as ``(docnum, score)``, best first."""
        compiled, plain = self._compile(query)
        if compiled is wq.NullQuery:
            return compiled, plain, []
        try:
            return compiled, plain, self._rank(compiled, limit)
        except Exception as error:  # e.g. a phrase on a field without positions
            if plain:
                raise
            logger.info("query %r failed (%s); searching its words", query, error)
        compiled = self._compiler.plain(query, self._stats, self._words())
        return compiled, True, self._rank(compiled, limit)

    def _rank(self, q: Any, limit: int | None) -> list[tuple[int, float]]:
        if q is wq.NullQuery:
            return []
        context = self._searcher.context(weighting=self._weighting)
        if limit is not None:
            collector = _Top(limit, self._section_id)
            self._searcher.search_with_collector(q, collector, context)
            return collector.ranked()
        every = []
        for searcher, offset in self._searcher.leaf_searchers():
            matcher = matcher_for(q, searcher, context)
            while matcher.is_active():
                every.append((offset + matcher.id(), float(matcher.score())))
                matcher.next()
        return sorted(every, key=lambda hit: (-hit[1], self._section_id(hit[0])))

    def _section_id(self, docnum: int) -> str:
        found: str = self._searcher.stored_fields(docnum)["id"]
        return found

    # The library's words, for expansion and "did you mean"

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(*read_vocabulary(self.folder))
        return self._vocabulary

    def _frequency(self, term: str) -> int:
        if not term:
            return 1  # a stop word: nothing to correct
        return sum(self._stats.doc_frequency(name, term) for name in SEARCH_FIELDS)


# Ranking


class LiveBM25F(BM25F):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's BM25F, with the inverse document frequency and the average field
    length of the live sections (:class:`index.counting.LiveStats`).

    Whoosh's own counts the deleted sections an old segment still holds, so
    that editing a file changed the scores of sections in other files.
    """

    def __init__(self, stats: LiveStats) -> None:
        super().__init__()
        self.stats = stats
        self._norms: dict[str, list[float]] = {}

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: float = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        term = text.decode("utf-8") if isinstance(text, bytes) else text
        b = self._field_B.get(fieldname, self.B)
        if fieldname not in self._norms:
            average = self.stats.average_length(fieldname)
            self._norms[fieldname] = [_norm(byte_to_length(n), average, b, self.K1)
                                      for n in range(256)]
        return _LiveScorer(searcher, fieldname, text, self.stats.idf(fieldname, term),
                           self.stats.average_length(fieldname), b, self.K1,
                           self._norms[fieldname],
                           self.stats.lengths(searcher.reader(), fieldname))


def _norm(length: float, average: float, b: float, k1: float) -> float:
    """BM25's length normalisation, computed as ``whoosh.scoring.bm25`` does."""
    return k1 * ((1 - b) + b * length / average)


class _LiveScorer(WeightLengthScorer):  # type: ignore[misc]  # whoosh is untyped
    """BM25 of one term in one segment. A section's score takes its length's
    normalisation from a table by the length's byte (Whoosh reads the length
    and divides, for every posting); the same sums, so the same floats."""

    def __init__(self, searcher: Any, fieldname: str, text: Any, idf: float, average: float,
                 b: float, k1: float, norms: list[float], lengths: bytes | None) -> None:
        self.idf, self.avgfl, self.B, self.K1 = idf, average, b, k1
        self._k1_plus_1 = k1 + 1
        self._norms = norms
        self._lengths = lengths
        # Its bounds come from the segment's own term statistics: deleted
        # sections there can only make them looser, never wrong.
        self.setup(searcher, fieldname, text)

    def score(self, matcher: Any) -> float:
        lengths = self._lengths
        if lengths is None:
            return float(super().score(matcher))
        docnum = matcher.id()
        weight = matcher.weight()
        norm = self._norms[lengths[docnum] if docnum < len(lengths) else 0]
        score: float = self.idf * ((weight * self._k1_plus_1) / (weight + norm))
        return score

    def _score(self, weight: float, length: float) -> float:
        norm = _norm(length, self.avgfl, self.B, self.K1)
        score: float = self.idf * ((weight * self._k1_plus_1) / (weight + norm))
        return score


class _Top(TopCollector):  # type: ignore[misc]  # whoosh is untyped
    """Whoosh's top-k collector on :func:`index.query.matcher_for`'s matchers,
    with equal scores in section id order rather than in the order of documents
    in the index (which depends on its history)."""

    def __init__(self, limit: int, section_id: Callable[[int], str]) -> None:
        super().__init__(limit=limit)
        self._section_id = section_id

    def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
        self.subsearcher = subsearcher
        self.offset = offset
        self.matcher = matcher_for(self.q, subsearcher, self.context)

    def _collect(self, global_docnum: int, score: float) -> float:
        items = self.items
        item = (score, _Tie(global_docnum, self._section_id))
        if len(items) < self.limit:
            heappush(items, item)
        elif item > items[0]:
            heapreplace(items, item)
        else:
            return 0
        if len(items) == self.limit:
            worst: float = items[0][0]
            self.minscore = worst - _TIE_MARGIN * abs(worst)
        return 0 - score

    def ranked(self) -> list[tuple[int, float]]:
        """``(docnum, score)`` of the best, best first."""
        return [(tie.docnum, float(score)) for score, tie in sorted(self.items, reverse=True)]


class _Tie:
    """Orders sections of equal score: the smaller id is the better. The id is
    read only when a tie needs it."""

    __slots__ = ("_id", "_lookup", "docnum")

    def __init__(self, docnum: int, lookup: Callable[[int], str]) -> None:
        self.docnum = docnum
        self._lookup = lookup
        self._id: str | None = None

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = self._lookup(self.docnum)
        return self._id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Tie) and self.docnum == other.docnum

    __hash__ = None  # type: ignore[assignment]

    def __lt__(self, other: _Tie) -> bool:
        return self.id > other.id

    def __gt__(self, other: _Tie) -> bool:
        return self.id < other.id

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq

from index.build import WHOOSH_DIR, IndexStats, forget, read_vocabulary
from index.counting import Counter
from index.errors import IndexCorrupt
from index.query import QueryCompiler, positive_terms
from index.schema import PATH_SEPARATOR, SEARCH_FIELDS
from index.snippets import snippet, spans
from index.spelling import Vocabulary, suggest

logger = logging.getLogger(__name__)

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
        return self._compiler.compile(query, self._searcher.reader(), self._words())

    def _search(self, query: str, limit: int) -> Results:
        compiled, plain = self._compile(query)
        suggestion = suggest(query, self._words(), self._frequency)
        if compiled is wq.NullQuery:
            return Results(query, 0, suggestion, (), frozenset(), plain)
        try:
            top = self._top(compiled, limit)
        except Exception as error:  # e.g. a phrase on a field without positions
            if plain:
                raise
            logger.info("query %r failed (%s); searching its words", query, error)
            compiled, plain = self._compiler.plain(query, self._searcher.reader(),
                                                   self._words()), True
            top = self._top(compiled, limit)
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

    def _top(self, q: Any, limit: int) -> list[tuple[int, float]]:
        """``(docnum, score)`` of the best ``limit`` documents, best first."""
        return [(hit.docnum, float(hit.score or 0.0))
                for hit in self._searcher.search(q, limit=limit)]

    # The library's words, for expansion and "did you mean"

    def _words(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(*read_vocabulary(self.folder))
        return self._vocabulary

    def _frequency(self, term: str) -> int:
        if not term:
            return 1  # a stop word: nothing to correct
        reader = self._searcher.reader()
        return sum(reader.doc_frequency(name, term) for name in SEARCH_FIELDS)

"""Searching the index: a query string in, ranked section hits with snippets out.

    >>> searcher = Searcher(index_dir(library.root))
    >>> results = searcher.search("famines", limit=5)
    >>> results.hits[0].id, results.hits[0].snippet
    ('seven-thousand-cadres-conference#...', '… one of the deadliest <mark>famines</mark> …')

The query language (the README documents it for users):

    great leap          plain words: sections with every word first, then any word
    "great leap"        a phrase
    decentral*          a prefix (from 3 letters; shorter prefixes search titles only)
    mao AND deng, mao OR deng, famine NOT mao, (a OR b) c
    title:famine        one field: title, body or path (the heading trail)
    famnie~ famnie~2    fuzzy: within 1 (or 2) edits
    七千人大会            CJK text: an exact run of characters

A query that does not parse cleanly (an open quote, ``((``, a lone operator,
``title:`` with nothing after it, a lone ``*``, a very long paste) is read as
plain words instead: searching never raises on what the user typed, and never
takes long, since the number of words and prefix expansions is bounded.

One :class:`Searcher` is meant to live as long as the window: it reopens its
view of the index only when the index has changed on disk. It is safe to call
from any thread; calls are serialised.
"""

from __future__ import annotations

import bisect
import fnmatch
import html
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from index.analysis import MAX_WORD, STOP_WORDS, is_cjk, term_of
from index.build import WHOOSH_DIR, IndexStats, forget, read_vocabulary
from index.errors import IndexCorrupt
from index.schema import PATH_SEPARATOR, SEARCH_FIELDS

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 400  # longer input is a paste, not a query: read as plain words
MAX_WORDS = 32  # of plain words, the first this many distinct ones
MIN_PREFIX = 3  # shorter prefixes expand over titles only (WHOOSH.md: 8 s otherwise)
EXPANSIONS = 8  # most frequent terms a prefix, wildcard or fuzzy word stands for
ALL_WORDS_BOOST = 1000.0  # lifts sections with every plain word above those with some
SNIPPET_CHARS = 200
ELLIPSIS = "\u2026"
_FIELDS_IN_QUERIES = ("title", "body", "path")
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_QUERY_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class Hit:
    """One matching section."""

    id: str  # section id, slug#anchor
    article: str  # the article's slug
    path: tuple[str, ...]  # heading trail: article title down to this section
    score: float
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
        from whoosh import index as whoosh_index

        self.folder = folder
        self.stats = stats
        self._lock = threading.Lock()
        try:
            self._ix = ix if ix is not None else whoosh_index.open_dir(str(folder / WHOOSH_DIR))
            self._searcher = self._ix.searcher()
        except Exception as error:  # whatever Whoosh raises on bad files
            raise IndexCorrupt(f"cannot open the index in {folder}: {error}") from error
        self._parser = _make_parser(self._ix.schema)
        self._vocabulary: list[str] | None = None

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
            self._searcher = self._searcher.refresh()
        except Exception as error:  # mid-rebuild: keep the old view
            logger.info("index not reopened (%s); searching the previous version", error)
            return False
        self._vocabulary = None
        return True

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
            return _positive_terms(compiled)

    def suggest(self, query: str) -> str | None:
        """``query`` with its unknown words replaced by the closest known ones, if any."""
        with self._lock:
            self._refresh()
            return self._suggest(query)

    def _search(self, query: str, limit: int) -> Results:
        from whoosh.query import NullQuery

        compiled, plain = self._compile(query)
        if compiled is NullQuery:
            return Results(query, 0, self._suggest(query), (), frozenset(), plain)
        try:
            found = self._searcher.search(compiled, limit=limit)
        except Exception as error:  # e.g. a phrase on a field without positions
            if plain:
                raise
            logger.info("query %r failed (%s); searching its words", query, error)
            compiled, plain = self._plain(query), True
            found = self._searcher.search(compiled, limit=limit)
        wanted = _positive_terms(compiled)
        top = [(hit.docnum, hit.score) for hit in found]
        spans = self._body_spans(wanted, [docnum for docnum, _ in top])
        hits = []
        for docnum, score in top:
            stored = self._searcher.stored_fields(docnum)
            hits.append(Hit(stored["id"], stored["article"],
                            tuple(stored.get("path", "").split(PATH_SEPARATOR)),
                            float(score or 0.0), snippet(stored.get("body", ""),
                                                         spans.get(docnum, []))))
        total = len(found)
        return Results(query, total, self._suggest(query), tuple(hits), wanted, plain)

    def _body_spans(self, wanted: frozenset[str],
                    docnums: list[int]) -> dict[int, list[tuple[int, int, str]]]:
        """Where each wanted term occurs in each hit's body, from the index.

        The body field stores character offsets, so no text is analysed again
        (WHOOSH.md: 2 ms for 10 snippets against 7 ms by re-tokenising).
        """
        from whoosh.reading import TermNotFound

        found: dict[int, list[tuple[int, int, str]]] = {n: [] for n in docnums}
        ordered = sorted(docnums)
        for term in wanted:
            try:
                matcher = self._searcher.postings("body", term)
            except TermNotFound:
                continue
            for docnum in ordered:
                if not matcher.is_active():
                    break
                if matcher.id() < docnum:
                    matcher.skip_to(docnum)
                    if not matcher.is_active():
                        break
                if matcher.id() == docnum:
                    found[docnum].extend((start, end, term)
                                         for _, start, end in matcher.value_as("characters"))
        for spans in found.values():
            spans.sort()
        return found

    # From a query string to a Whoosh query

    def _compile(self, query: str) -> tuple[Any, bool]:
        """A Whoosh query for ``query``, and whether it was read as plain words."""
        from whoosh.query import NullQuery

        text = query.strip()
        if not text:
            return NullQuery, False
        if len(text) <= MAX_QUERY_CHARS and _balanced(text):
            try:
                parsed = self._expand(self._parser.parse(text)).normalize()
            except Exception as error:  # the parser's failures are many
                logger.debug("query %r did not parse: %s", text, error)
            else:
                if parsed is not NullQuery and _positive_terms(parsed):
                    return parsed, False
        return self._plain(text), True

    def _plain(self, query: str) -> Any:
        """Plain words: any may match; sections with all of them rank first."""
        from whoosh.query import NullQuery

        words = list(dict.fromkeys(w.lower() for w in _QUERY_WORD.findall(query)
                                   if len(w) <= MAX_WORD))[:MAX_WORDS]
        if not words:
            return NullQuery
        try:
            return self._expand(self._parser.parse(" ".join(words))).normalize()
        except Exception as error:  # words alone should always parse
            logger.warning("plain words %r did not parse: %s", words, error)
            return NullQuery

    def _expand(self, q: Any) -> Any:
        """Bounded expansions for prefix, wildcard and fuzzy terms; nothing unbounded."""
        from whoosh import query as wq

        if isinstance(q, wq.Every):
            return wq.NullQuery
        if isinstance(q, wq.FuzzyTerm):
            return self._fuzzy(q.fieldname, q.text, min(int(q.maxdist), 2), q.boost)
        if isinstance(q, wq.Prefix):
            return self._prefix(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Wildcard):
            return self._wildcard(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.AndNot):
            return _excluding(self._expand(q.a), self._expand(q.b))
        # Leaves return themselves; compound queries, Not and the like rebuild
        # themselves around their expanded children.
        return q.apply(self._expand)

    def _prefix(self, fieldname: str, prefix: str, boost: float) -> Any:
        prefix = prefix.lower()
        if len(prefix) < MIN_PREFIX and fieldname != "title":
            return _any_of(fieldname, [], boost)
        reader = self._searcher.reader()
        frequency: dict[str, int] = {}
        # Terms that start with the prefix; then stems of the words that do,
        # since "runn*" should find "running" although its term is "run".
        for btext, info in reader.iter_prefix(fieldname, prefix):
            frequency[btext.decode("utf-8") if isinstance(btext, bytes) else btext] = \
                info.doc_frequency()
        if len(prefix) >= MIN_PREFIX:
            for word in self._words_with_prefix(prefix):
                term = term_of(word)
                if term and term not in frequency:
                    frequency[term] = reader.doc_frequency(fieldname, term)
        best = sorted((t for t, f in frequency.items() if f), key=lambda t: -frequency[t])
        return _any_of(fieldname, best[:EXPANSIONS], boost)

    def _wildcard(self, fieldname: str, pattern: str, boost: float) -> Any:
        pattern = pattern.lower()
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if len(literal) < MIN_PREFIX:
            return _any_of(fieldname, [], boost)
        reader = self._searcher.reader()
        frequency: dict[str, int] = {}
        for word in self._words_with_prefix(literal):
            if fnmatch.fnmatchcase(word, pattern):
                term = term_of(word)
                if term and term not in frequency:
                    frequency[term] = reader.doc_frequency(fieldname, term)
        best = sorted((t for t, f in frequency.items() if f), key=lambda t: -frequency[t])
        return _any_of(fieldname, best[:EXPANSIONS], boost)

    def _fuzzy(self, fieldname: str, word: str, maxdist: int, boost: float) -> Any:
        word = word.lower()
        reader = self._searcher.reader()
        ranked: dict[str, tuple[int, int]] = {}
        exact = term_of(word)
        if exact:
            ranked[exact] = (0, -reader.doc_frequency(fieldname, exact))
        for distance, candidate in self._near(word, maxdist):
            term = term_of(candidate)
            if term and term not in ranked:
                ranked[term] = (distance, -reader.doc_frequency(fieldname, term))
        best = sorted((t for t, r in ranked.items() if r[1]), key=lambda t: ranked[t])
        return _any_of(fieldname, best[:EXPANSIONS], boost)

    # The library's words, for expansion and "did you mean"

    def _words(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = read_vocabulary(self.folder)
        return self._vocabulary

    def _words_with_prefix(self, prefix: str) -> list[str]:
        vocabulary = self._words()
        start = bisect.bisect_left(vocabulary, prefix)
        end = bisect.bisect_left(vocabulary, prefix + "\U0010ffff", start)
        return vocabulary[start:end]

    def _near(self, word: str, maxdist: int) -> list[tuple[int, str]]:
        """Words within ``maxdist`` edits of ``word`` that share its first letter.

        Most misspellings keep the first letter, and requiring it cuts the words
        to compare twentyfold; a cheap letter-set test skips most of the rest
        before the exact (and slow, pure Python) edit distance.
        """
        from whoosh.support.levenshtein import damerau_levenshtein

        if not word:
            return []
        letters = set(word)
        found = []
        for candidate in self._words_with_prefix(word[0]):
            if abs(len(candidate) - len(word)) > maxdist or candidate == word:
                continue
            if len(letters.symmetric_difference(candidate)) > 2 * maxdist:
                continue
            distance = damerau_levenshtein(word, candidate, limit=maxdist + 1)
            if distance <= maxdist:
                found.append((distance, candidate))
        return found

    def _known(self, word: str) -> bool:
        term = term_of(word)
        if not term:
            return True  # a stop word is not a misspelling
        reader = self._searcher.reader()
        return any(reader.doc_frequency(name, term) for name in SEARCH_FIELDS)

    def _suggest(self, query: str) -> str | None:
        """Replace each unknown word by the nearest known word, most frequent first."""
        if len(query) > MAX_QUERY_CHARS:
            return None
        reader = self._searcher.reader()
        replacements: dict[str, str] = {}
        for match in _QUERY_WORD.finditer(query):
            word = match.group()
            lower = word.lower()
            if (word in _OPERATORS or lower in replacements or len(lower) < 3
                    or not lower.isalpha() or lower in STOP_WORDS or is_cjk(lower)
                    or self._known(lower)
                    or query[match.end():match.end() + 1] in (":", "~", "*", "?")):
                continue
            best: tuple[int, int, str] | None = None
            for distance in (1, 2) if len(lower) > 4 else (1,):
                for _, candidate in self._near(lower, distance):
                    term = term_of(candidate)
                    frequency = reader.doc_frequency("body", term) + \
                        reader.doc_frequency("title", term)
                    if frequency and (best is None or (distance, -frequency) < best[:2]):
                        best = (distance, -frequency, candidate)
                if best is not None:
                    break
            if best is not None:
                replacements[lower] = best[2]
        if not replacements:
            return None

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            found = replacements.get(word.lower())
            if found is None or word in _OPERATORS:
                return word
            return _same_case(word, found)

        return _QUERY_WORD.sub(replace, query)


# Helpers


def _make_parser(schema: Any) -> Any:
    """Whoosh's parser, trimmed to our query language and our plain-words ranking."""
    from whoosh import qparser
    from whoosh.fields import Schema

    # Only the fields users may name: "id:" or "spell:" in a query are words.
    fields = Schema(**{name: schema[name] for name in _FIELDS_IN_QUERIES})
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), fields, group=_ranked_group())
    for plugin in ("SingleQuotePlugin", "RangePlugin", "BoostPlugin", "EveryPlugin"):
        parser.remove_plugin_class(getattr(qparser, plugin))
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser


def _ranked_group() -> Any:
    from whoosh import query as wq
    from whoosh.qparser import syntax

    class RankedGroup(syntax.GroupNode):  # type: ignore[misc]  # whoosh is untyped
        """Words side by side: any may match; all of them rank first.

        Whoosh's OR ranks a section that repeats one word above one with every
        word; its AND hides sections with only some. Searching both, the AND
        boosted far above, gives the order users expect. ``NOT x`` beside the
        words excludes rather than joins in.
        """

        def query(self, parser: Any) -> Any:
            subs = [q for q in (node.query(parser) for node in self.nodes)
                    if q is not None and q is not wq.NullQuery]
            excluded = [q.query for q in subs if isinstance(q, wq.Not)]
            wanted = [q for q in subs if not isinstance(q, wq.Not)]
            if len(wanted) > 1:
                found = wq.Or([wq.And(wanted, boost=ALL_WORDS_BOOST), wq.Or(wanted)],
                              boost=self.boost)
            elif wanted:
                found = wanted[0]
            else:
                return wq.NullQuery
            if excluded:
                found = _excluding(found, wq.Or(excluded) if len(excluded) > 1 else excluded[0])
            return found

    return RankedGroup


def _excluding(wanted: Any, unwanted: Any) -> Any:
    """``wanted`` without ``unwanted``, as And/Not: Whoosh's own AndNot matcher
    misses an excluded document when both start on different ones (whoosh-reloaded
    2.7.5, ``AndNotMatcher._find_first``), so "deng NOT mao" kept a Mao section."""
    from whoosh import query as wq

    return wq.And([wanted, wq.Not(unwanted)])


def _any_of(fieldname: str, found: list[str], boost: float) -> Any:
    from whoosh import query as wq

    if not found:
        return wq.NullQuery
    if len(found) == 1:
        return wq.Term(fieldname, found[0], boost=boost)
    return wq.Or([wq.Term(fieldname, t) for t in found], boost=boost)


def _positive_terms(q: Any) -> frozenset[str]:
    """The terms a query looks for in titles and bodies, not those it excludes."""
    from whoosh import query as wq

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Term | wq.Phrase):
            if node.fieldname in SEARCH_FIELDS:
                words = node.words if isinstance(node, wq.Phrase) else [node.text]
                found.update(w.decode("utf-8") if isinstance(w, bytes) else w for w in words)
            return
        for child in node.children():
            walk(child)

    if q is not wq.NullQuery:
        walk(q)
    return frozenset(found)


def _balanced(text: str) -> bool:
    """Quotes paired, brackets closed, no operator left dangling."""
    if text.count('"') % 2:
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    if depth:
        return False
    tokens = text.replace("(", " ").replace(")", " ").split()
    if not tokens or tokens[-1] in _OPERATORS or tokens[0] in _OPERATORS - {"NOT"}:
        return False
    if any(a in _OPERATORS and b in _OPERATORS - {"NOT"} for a, b in pairwise(tokens)):
        return False
    # "title:" with nothing after it names a field and searches nothing.
    return not any(t.endswith(":") for t in tokens)


def _same_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def snippet(body: str, spans: list[tuple[int, int, str]], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``body`` around its best run of matches, as HTML.

    The best run is the window with the most distinct matched terms (then the
    most matches). Matches are wrapped in ``<mark>``; everything else is escaped.
    """
    if not spans:
        return _escape(_cut(body, 0, width))
    left, right = _best_window(spans, width)
    # Centre the run in the window, then shrink the window to whole words.
    start = max(0, left - max(0, width - (right - left)) // 2)
    end = min(len(body), start + width)
    start = max(0, min(start, end - width))
    if start > 0:
        space = body.find(" ", start, left)
        start = space + 1 if space != -1 else start
    if end < len(body):
        space = body.rfind(" ", right, end)
        end = space if space != -1 else end
    parts = [ELLIPSIS] if start > 0 else []
    done = start
    for span_start, span_end in _merged(spans, start, end):
        parts.append(_escape(body[done:span_start]))
        parts.append(f"<mark>{_escape(body[span_start:span_end])}</mark>")
        done = span_end
    parts.append(_escape(body[done:end]))
    if end < len(body):
        parts.append(ELLIPSIS)
    return "".join(parts)


def _best_window(spans: list[tuple[int, int, str]], width: int) -> tuple[int, int]:
    """Start and end of the run of spans, at most ``width`` long, that matches
    the most distinct terms (then the most spans); the first such run wins."""
    best_key, best = (0, 0), (spans[0][0], spans[0][1])
    counts: Counter[str] = Counter()
    j = 0  # spans[i:j] is the current run
    for i, (start, _, term) in enumerate(spans):
        if j <= i:
            counts.clear()
            counts[term] += 1
            j = i + 1
        while j < len(spans) and spans[j][1] - start <= width:
            counts[spans[j][2]] += 1
            j += 1
        key = (len(counts), j - i)
        if key > best_key:
            best_key, best = key, (start, spans[j - 1][1])
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best


def _merged(spans: list[tuple[int, int, str]], start: int,
            end: int) -> list[tuple[int, int]]:
    """Spans inside ``[start, end)``, overlapping ones (CJK bigrams) joined."""
    merged: list[tuple[int, int]] = []
    for span_start, span_end, _ in spans:
        if span_start < start or span_end > end:
            continue
        if merged and span_start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(span_end, merged[-1][1]))
        else:
            merged.append((span_start, span_end))
    return merged


def _cut(text: str, start: int, width: int) -> str:
    if len(text) <= start + width:
        return text[start:]
    end = text.rfind(" ", start, start + width)
    return text[start:end if end > start else start + width] + ELLIPSIS


def _escape(text: str) -> str:
    return html.escape(text.replace("\n", " "), quote=True)

"""From what the user typed to a Whoosh query.

The query language (the README documents it for users)::

    great leap          plain words: sections with every word first, then any word
    "great leap"        a phrase
    decentral*          a prefix (from 3 letters; shorter prefixes search titles only)
    mao AND deng, mao OR deng, famine NOT mao, (a OR b) c
    title:famine        one field: title, body or path (the heading trail)
    famnie~ famnie~2    fuzzy: within 1 (or 2) edits
    七千人大会            CJK text: an exact run of characters

Whatever does not parse cleanly (an open quote, ``((``, a lone operator,
``title:`` with nothing after it, a lone ``*``, a long paste) is read as plain
words instead. Nothing here is unbounded: at most 32 plain words, and a prefix,
wildcard or fuzzy word stands for at most its 8 most frequent terms (WHOOSH.md
measured 1-8 s for Whoosh's own unbounded prefix queries).

    >>> compiler.compile("famine NOT steel", reader, vocabulary)
    (And([Or([Term('title', 'famin'), Term('body', 'famin')]), Not(...)]), False)
"""

from __future__ import annotations

import fnmatch
import logging
import re
from itertools import pairwise
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import syntax

from index.analysis import MAX_WORD, term_of
from index.schema import SEARCH_FIELDS
from index.spelling import MAX_QUERY_CHARS, OPERATORS, QUERY_WORD, Vocabulary

logger = logging.getLogger(__name__)

MAX_WORDS = 32  # of plain words, the first this many distinct ones
MIN_PREFIX = 3  # shorter prefixes expand over titles only
EXPANSIONS = 8  # most frequent terms a prefix, wildcard or fuzzy word stands for
EXPANSION_POSTINGS_MIN = 1000  # sections an expansion may cover (or a tenth of them all)
ALL_WORDS_BOOST = 1000.0
COMMON_SHARE = 0.25  # of the sections: a word in more is "common" (see ranked())
COMMON_FROM = 1000  # sections: below this, no word is treated as common
_FIELDS_IN_QUERIES = ("title", "body", "path")


class AnyWords(wq.Or):  # type: ignore[misc]  # whoosh is untyped
    """Words side by side, as the parser reads them; :func:`ranked` makes the query."""


def ranked(words: list[Any], reader: Any) -> Any:
    """Any of the words, sections with all of them first.

    Whoosh's OR ranks a section that repeats one word above one with every
    word, and its AND hides sections with only some. So: OR plus a far-boosted
    AND, flattened (measured at 20,000 sections: p95 26 ms, against 55 ms for
    the AND alone and 77 ms nested), since once ten sections with every word
    are found Whoosh can skip what cannot beat them.

    A word in more than a quarter of the sections (a stop word in all but
    name) counts only towards "every word": a section that has nothing else
    is no hit, and its long posting list is not scored for every candidate
    (as Lucene's common-terms query does). That halved the slowest queries.
    """
    live = reader.doc_count()
    sections = [_sections(word, reader) for word in words]
    kept = [word for word, count in zip(words, sections, strict=True)
            if count <= COMMON_SHARE * live]
    if live < COMMON_FROM or not any(_sections(word, reader) for word in kept):
        kept = words  # small libraries are quick anyway; and never drop the only hits
    flat = wq.Or([wq.And(words, boost=ALL_WORDS_BOOST), *kept]).normalize()
    return _Union(flat.subqueries) if isinstance(flat, wq.Or) else flat


class _Union(wq.Or):  # type: ignore[misc]  # whoosh is untyped
    """OR, always as Whoosh's tree of union matchers.

    Below 5,000 sections Whoosh's OR preloads every posting of every term
    instead; on 2,000 sections that made p95 14 ms against 6 ms for the tree.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def _sections(q: Any, reader: Any) -> int:
    """About how many sections ``q`` matches (its largest term's count)."""
    return max((reader.doc_frequency(fieldname, text) for fieldname, text in q.iter_all_terms()),
               default=0)


class _Group(syntax.GroupNode):  # type: ignore[misc]  # whoosh is untyped
    """The parser's node for words side by side; ``NOT x`` among them excludes."""

    def query(self, parser: Any) -> Any:
        subs = [q for q in (node.query(parser) for node in self.nodes)
                if q is not None and q is not wq.NullQuery]
        excluded = [q.query for q in subs if isinstance(q, wq.Not)]
        wanted = [q for q in subs if not isinstance(q, wq.Not)]
        if not wanted:
            return wq.NullQuery
        found = AnyWords(wanted, boost=self.boost) if len(wanted) > 1 else wanted[0]
        if excluded:
            found = excluding(found, wq.Or(excluded) if len(excluded) > 1 else excluded[0])
        return found


def excluding(wanted: Any, unwanted: Any) -> Any:
    """``wanted`` without ``unwanted``, as And/Not.

    Whoosh's own AndNot matcher misses an excluded section when the two start
    on different documents (whoosh-reloaded 2.7.5, ``AndNotMatcher._find_first``):
    "deng NOT mao" kept a section that names Mao.
    """
    return wq.And([wanted, wq.Not(unwanted)])


def positive_terms(q: Any) -> frozenset[str]:
    """The terms a query looks for in titles and bodies, not those it excludes."""
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


class QueryCompiler:
    """Turns query strings into Whoosh queries for one schema."""

    def __init__(self, schema: Any) -> None:
        # Only the fields users may name: "id:" or "spell:" in a query are words.
        fields = Schema(**{name: schema[name] for name in _FIELDS_IN_QUERIES})
        self.parser = qparser.MultifieldParser(list(SEARCH_FIELDS), fields, group=_Group)
        for plugin in ("SingleQuotePlugin", "RangePlugin", "BoostPlugin", "EveryPlugin"):
            self.parser.remove_plugin_class(getattr(qparser, plugin))
        self.parser.add_plugin(qparser.FuzzyTermPlugin())

    def compile(self, text: str, reader: Any, vocabulary: Vocabulary) -> tuple[Any, bool]:
        """A Whoosh query for ``text``, and whether it was read as plain words."""
        text = text.strip()
        if not text:
            return wq.NullQuery, False
        expander = _Expander(reader, vocabulary)
        if len(text) <= MAX_QUERY_CHARS and balanced(text):
            try:
                parsed = expander.expand(self.parser.parse(text)).normalize()
            except Exception as error:  # the parser's failures are many and untyped
                logger.debug("query %r did not parse: %s", text, error)
            else:
                if parsed is not wq.NullQuery and positive_terms(parsed):
                    return parsed, False
        return self.plain(text, reader, vocabulary), True

    def plain(self, text: str, reader: Any, vocabulary: Vocabulary) -> Any:
        """Plain words only: any may match; sections with all of them rank first."""
        words = list(dict.fromkeys(w.lower() for w in QUERY_WORD.findall(text)
                                   if len(w) <= MAX_WORD))[:MAX_WORDS]
        if not words:
            return wq.NullQuery
        try:
            parsed = self.parser.parse(" ".join(words))
            return _Expander(reader, vocabulary).expand(parsed).normalize()
        except Exception as error:  # words alone always parse; never fail a search on it
            logger.warning("plain words %r did not parse: %s", words, error)
            return wq.NullQuery


class _Expander:
    """Bounded expansions for prefix, wildcard and fuzzy terms; nothing unbounded."""

    def __init__(self, reader: Any, vocabulary: Vocabulary) -> None:
        self.reader = reader
        self.vocabulary = vocabulary

    def expand(self, q: Any) -> Any:
        if isinstance(q, wq.Every):
            return wq.NullQuery
        if isinstance(q, wq.FuzzyTerm):
            return self.fuzzy(q.fieldname, q.text, min(int(q.maxdist), 2), q.boost)
        if isinstance(q, wq.Prefix):
            return self.prefix(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.Wildcard):
            return self.wildcard(q.fieldname, q.text, q.boost)
        if isinstance(q, wq.AndNot):
            return excluding(self.expand(q.a), self.expand(q.b))
        if isinstance(q, AnyWords):
            return ranked([self.expand(word) for word in q.subqueries], self.reader)
        # Leaves return themselves; compound queries, Not and the like rebuild
        # themselves around their expanded children.
        return q.apply(self.expand)

    def prefix(self, fieldname: str, prefix: str, boost: float) -> Any:
        prefix = prefix.lower()
        if len(prefix) >= MIN_PREFIX and self.vocabulary.words:
            # The most frequent words with the prefix, as terms: "runn*" finds
            # "running" although its term is "run". Reading terms from the index
            # instead took 200 ms for a 3-letter prefix at 20,000 sections.
            words = self.vocabulary.most_frequent(prefix, 4 * EXPANSIONS)
            return self._known_terms(fieldname, words, boost)
        if len(prefix) < MIN_PREFIX and fieldname != "title":
            return wq.NullQuery
        # Titles hold few terms, so a short prefix can look at all of them.
        frequency: dict[str, int] = {}
        for btext, info in self.reader.iter_prefix(fieldname, prefix):
            term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            frequency[term] = info.doc_frequency()
        best = sorted((t for t, f in frequency.items() if f), key=lambda t: -frequency[t])
        return _any_of(fieldname, best[:EXPANSIONS], boost)

    def wildcard(self, fieldname: str, pattern: str, boost: float) -> Any:
        pattern = pattern.lower()
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if len(literal) < MIN_PREFIX:
            return wq.NullQuery
        words = [w for w in self.vocabulary.with_prefix(literal) if fnmatch.fnmatchcase(w, pattern)]
        words.sort(key=self.vocabulary.count, reverse=True)
        return self._known_terms(fieldname, words[:4 * EXPANSIONS], boost)

    def fuzzy(self, fieldname: str, word: str, maxdist: int, boost: float) -> Any:
        word = word.lower()
        near = sorted(self.vocabulary.near(word, maxdist),
                      key=lambda found: (found[0], -self.vocabulary.count(found[1])))
        return self._known_terms(fieldname, [word, *(w for _, w in near)], boost)

    def _known_terms(self, fieldname: str, words: list[str], boost: float) -> Any:
        """The terms of ``words``, in order, that the field holds now.

        At most 8, and no more than fit a budget of postings (the first always
        fits): scoring the union of eight frequent terms took 160 ms at 20,000
        sections, while the first of them alone takes ~10 ms and ranks the same
        sections first.
        """
        budget = max(EXPANSION_POSTINGS_MIN, self.reader.doc_count() // 10)
        terms: list[str] = []
        for word in words:
            term = term_of(word)
            if not term or term in terms:
                continue
            sections = self.reader.doc_frequency(fieldname, term)
            if not sections:
                continue
            if terms and sections > budget:
                break
            terms.append(term)
            budget -= sections
            if len(terms) == EXPANSIONS or budget <= 0:
                break
        return _any_of(fieldname, terms, boost)


def _any_of(fieldname: str, found: list[str], boost: float) -> Any:
    if not found:
        return wq.NullQuery
    if len(found) == 1:
        return wq.Term(fieldname, found[0], boost=boost)
    return wq.Or([wq.Term(fieldname, t) for t in found], boost=boost)


def balanced(text: str) -> bool:
    """Quotes paired, brackets closed, no operator left dangling, no empty field."""
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
    if not tokens or tokens[-1] in OPERATORS or tokens[0] in OPERATORS - {"NOT"}:
        return False
    if any(a in OPERATORS and b in OPERATORS - {"NOT"} for a, b in pairwise(tokens)):
        return False
    return not any(token.endswith(":") for token in tokens)

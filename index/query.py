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
measured 1-8 s for Whoosh's own unbounded prefix queries). Plain words that are
a section's title ("tar", "Error handling") find that section first.

The second half of this module runs a query: :func:`matcher_for` builds the
matchers of one segment, which find the top k without losing any of them.

    >>> compiler.compile("famine NOT steel", stats, vocabulary)
    (And([Or([Term('title', 'famin'), Term('body', 'famin')]), Not(...)]), False)
"""

from __future__ import annotations

import bisect
import collections
import fnmatch
import logging
import re
import sys
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import Schema
from whoosh.matching import binary, mcore, wrappers
from whoosh.qparser import syntax

from index.analysis import MAX_WORD, name_key, term_of
from index.counting import LiveStats
from index.schema import SEARCH_FIELDS
from index.spelling import MAX_QUERY_CHARS, OPERATORS, QUERY_WORD, Vocabulary

logger = logging.getLogger(__name__)

MAX_WORDS = 32  # of plain words, the first this many distinct ones
MIN_PREFIX = 3  # shorter prefixes expand over titles only
EXPANSIONS = 8  # most frequent terms a prefix, wildcard or fuzzy word stands for
EXPANSION_POSTINGS_MIN = 1000  # sections an expansion may cover (or a tenth of them all)
ALL_WORDS_BOOST = 1000.0
# A section whose title is the query (its name) scores this and more, which no
# section without it reaches: BM25 gives a term at most about 25 at a million
# sections, so a query of the few words a title has stays far below, even
# times ALL_WORDS_BOOST.
NAME_BOOST = 1e7
COMMON_SHARE = 0.25  # of the sections: a word in more is "common" (see ranked())
COMMON_FROM = 1000  # sections: below this, no word is treated as common
_FIELDS_IN_QUERIES = ("title", "body", "path")


class AnyWords(wq.Or):  # type: ignore[misc]  # whoosh is untyped
    """Words side by side, as the parser reads them; :func:`ranked` makes the query."""


def ranked(words: list[Any], stats: LiveStats) -> Any:
    """Any of the words, sections with all of them first.

    Whoosh's OR ranks a section that repeats one word above one with every
    word, and its AND hides sections with only some. So: OR plus a far-boosted
    AND, flattened, since once ten sections with every word are found the
    matchers (see :func:`matcher_for`) skip what cannot beat them.

    A word in more than a quarter of the sections (a stop word in all but
    name) counts only towards "every word": a section that has nothing else
    is no hit, and its long posting list is not scored for every candidate
    (as Lucene's common-terms query does). That halved the slowest queries.
    """
    live = stats.doc_count()
    sections = [_sections(word, stats) for word in words]
    kept = [word for word, count in zip(words, sections, strict=True)
            if count <= COMMON_SHARE * live]
    if live < COMMON_FROM or not any(_sections(word, stats) for word in kept):
        kept = words  # small libraries are quick anyway; and never drop the only hits
    return wq.Or([wq.And(words, boost=ALL_WORDS_BOOST), *kept]).normalize()


def _sections(q: Any, stats: LiveStats) -> int:
    """About how many sections ``q`` matches (its largest term's count)."""
    return max((stats.doc_frequency(fieldname, text) for fieldname, text in q.iter_all_terms()),
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


def named(q: Any, text: str) -> Any:
    """``q``, and first of all the sections whose title is ``text`` (see
    :func:`index.analysis.name_key`): a command's page for its name, a chapter
    for its title, above pages that only mention them."""
    key = name_key(text)
    if not key:
        return q
    name = wq.Term("name", key, boost=NAME_BOOST)
    # A title of stop words only ("as", a command) has no other terms to find.
    return name if q is wq.NullQuery else wq.Or([name, q]).normalize()


def _plain_words(text: str) -> bool:
    """Whether ``text`` is words only, without any of the query language."""
    return not any(char in '"*?~:()' for char in text) \
        and not any(token in OPERATORS for token in text.split())


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

    def compile(self, text: str, stats: LiveStats, vocabulary: Vocabulary) -> tuple[Any, bool]:
        """A Whoosh query for ``text``, and whether it was read as plain words.

        It depends only on the live sections (``stats``) and their words, never on
        how the index came to hold them.
        """
        text = text.strip()
        if not text:
            return wq.NullQuery, False
        expander = _Expander(stats, vocabulary)
        if len(text) <= MAX_QUERY_CHARS and balanced(text):
            try:
                parsed = expander.expand(self.parser.parse(text)).normalize()
            except Exception as error:  # the parser's failures are many and untyped
                logger.debug("query %r did not parse: %s", text, error)
            else:
                if parsed is not wq.NullQuery and positive_terms(parsed):
                    return (named(parsed, text) if _plain_words(text) else parsed), False
        return self.plain(text, stats, vocabulary), True

    def plain(self, text: str, stats: LiveStats, vocabulary: Vocabulary) -> Any:
        """Plain words only: any may match; sections with all of them rank first."""
        words = list(dict.fromkeys(w.lower() for w in QUERY_WORD.findall(text)
                                   if len(w) <= MAX_WORD))[:MAX_WORDS]
        if not words:
            return wq.NullQuery
        try:
            parsed = self.parser.parse(" ".join(words))
            return named(_Expander(stats, vocabulary).expand(parsed).normalize(), text)
        except Exception as error:  # words alone always parse; never fail a search on it
            logger.warning("plain words %r did not parse: %s", words, error)
            return wq.NullQuery


class _Expander:
    """Bounded expansions for prefix, wildcard and fuzzy terms; nothing unbounded."""

    def __init__(self, stats: LiveStats, vocabulary: Vocabulary) -> None:
        self.stats = stats
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
            return ranked([self.expand(word) for word in q.subqueries], self.stats)
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
        frequency = self.stats.prefix_terms(fieldname, prefix)
        best = sorted((t for t, f in frequency.items() if f), key=lambda t: (-frequency[t], t))
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
        budget = max(EXPANSION_POSTINGS_MIN, self.stats.doc_count() // 10)
        terms: list[str] = []
        for word in words:
            term = term_of(word)
            if not term or term in terms:
                continue
            sections = self.stats.doc_frequency(fieldname, term)
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


# Running a query: our matchers
#
# Whoosh finds the top k by pruning: once k hits are held, ``replace(minimum)``
# drops or simplifies the parts of the matcher tree that cannot reach the
# k-th score, and ``skip_to_quality`` skips posting blocks that cannot. In
# whoosh-reloaded 2.7.5 several of its matchers did this wrongly, so that a
# short list left out hits that belonged in it (issue 12: "clone repository"
# lost its best page in one build and not in another):
#
# - a boosted part (the far-boosted "every word" AND) compared the unboosted
#   scores of its children with the boosted minimum, and so was dropped as
#   soon as the minimum passed its unboosted best (``WrappingMatcher.replace``);
# - an AND one of whose sides was dropped became the other side alone
#   (``IntersectionMatcher.replace``);
# - skipping blocks in a union or an AND looked at each side's current block
#   only, while a section skipped in one side could lie in a better block of
#   the other; an optional side was left behind the required one
#   (``AndMaybeMatcher.skip_to`` and ``skip_to_quality``); a segment's filter
#   of deleted sections was bypassed by a skip (``FilterMatcher``), letting a
#   deleted section through; a phrase skipped to sections without the phrase;
# - NOT as a matcher claimed the score bound of what it excludes, and its
#   AND-NOT missed exclusions that start before the first hit.
#
# So OR is :class:`_Sum`, which prunes as MaxScore does (sound, and what makes
# plain words fast); AND, AND-NOT and boosts drop a part only when its bound
# cannot reach the minimum; block skipping is left to single terms, where it
# is sound. A section's score is the same sum, in the same order, in every
# segment and every build. A property test holds the top k to an exhaustive
# ranking (tests/unit/test_index_ranking_oracle.py).


def matcher_for(q: Any, searcher: Any, context: Any) -> Any:
    """The matcher of ``q`` on one segment's ``searcher``, pruned soundly."""
    boost = getattr(q, "boost", 1.0)
    if boost != 1.0:
        q = q.with_boost(1.0)
    if q is wq.NullQuery:
        return mcore.NullMatcher()
    if isinstance(q, wq.And):
        wanted = [sub for sub in q.subqueries if not isinstance(sub, wq.Not)]
        unwanted = [sub.query for sub in q.subqueries if isinstance(sub, wq.Not)]
        if wanted:
            found = _tree(_Intersection, [matcher_for(sub, searcher, context) for sub in wanted])
        else:
            found = _everything(searcher)
        if unwanted:
            found = _AndNot(found, _Sum.of(unwanted, searcher, context))
    elif isinstance(q, wq.Or):
        found = _Sum.of(q.subqueries, searcher, context)
    elif isinstance(q, wq.Not):
        found = _AndNot(_everything(searcher), matcher_for(q.query, searcher, context))
    elif isinstance(q, wq.AndMaybe):
        found = _AndMaybe(matcher_for(q.a, searcher, context),
                          matcher_for(q.b, searcher, context))
    elif isinstance(q, wq.Term):
        found = _term(q, searcher, context)
    else:  # a phrase, say: Whoosh's own matcher, pruned whole only
        found = _Whole(q.matcher(searcher, context))
    if boost != 1.0 and found.is_active():
        found = _Boost(found, boost)
    return found


def _term(q: Any, searcher: Any, context: Any) -> Any:
    reader = searcher.reader()
    if q.fieldname not in searcher.schema:
        return mcore.NullMatcher()
    try:
        text = searcher.schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return mcore.NullMatcher()
    if (q.fieldname, text) not in reader:
        return mcore.NullMatcher()
    weighting = context.weighting if context is not None else searcher.weighting
    scorer = weighting.scorer(searcher, q.fieldname, text) if weighting else None
    found = reader.postings(q.fieldname, text, scorer=scorer)
    if isinstance(found, wrappers.FilterMatcher):
        found = _Live(found.child, found._ids, exclude=found._exclude)
    return found


def _everything(searcher: Any) -> Any:
    """Every live section of the segment, each scoring 1 (as Whoosh's NOT does)."""
    return mcore.ListMatcher(list(searcher.reader().all_doc_ids()), all_weights=1.0)


def _tree(kind: type, matchers: list[Any]) -> Any:
    """A balanced tree of ``kind`` over ``matchers``, in their order."""
    if len(matchers) == 1:
        return matchers[0]
    half = len(matchers) // 2
    return kind(_tree(kind, matchers[:half]), _tree(kind, matchers[half:]))


class _Sum(mcore.Matcher):  # type: ignore[misc]  # whoosh is untyped
    """OR: the sections any part matches, scored as the sum of the parts that do.

    One part may be an AND of words (the "every word" part of plain words,
    boosted far): where every word has a match, it adds its boost times the
    words' scores.

    It prunes as MaxScore does, knowing that "every word" needs every word.
    Each list (a term, or any other part) has two bounds on what it can add to
    a section's score: with every word, and without (zero for a word that
    counts only with the others). Ordered by bound, the longest run of weakest
    lists whose bounds together stay below the minimum need not be walked.
    So a section is a candidate if it is in a list whose bound without every
    word still counts (walked as a union), or if it has every word (found by
    leapfrogging the words, as an AND does, or, when that is cheaper, walked
    as the union of the lists whose bound with every word still counts). The
    other lists are only skipped to, for a candidate that may still reach the
    minimum. With the minimum set by sections that have every word in their
    titles, a common word's long body list is no longer walked.
    """

    @classmethod
    def of(cls, parts: list[Any], searcher: Any, context: Any) -> Any:
        reader = searcher.reader()
        lists: list[Any] = []
        sizes: list[int] = []
        index: dict[Any, int] = {}

        def list_of(q: Any) -> int:
            if q not in index:
                index[q] = len(lists)
                lists.append(matcher_for(q, searcher, context))
                sizes.append(q.estimate_size(reader))
            return index[q]

        words: list[list[int]] = []
        boost = 1.0
        extra: list[int] = []
        for part in parts:
            if not words and isinstance(part, wq.And) and len(part.subqueries) > 1 \
                    and not any(isinstance(sub, wq.Not) for sub in part.subqueries):
                boost = part.boost
                for word in part.subqueries:
                    subs = word.subqueries if isinstance(word, wq.Or) and word.boost == 1.0 \
                        else [word]
                    words.append([list_of(sub) for sub in subs])
            else:
                extra.append(list_of(part))
        return cls(lists, sizes, words, boost, extra)

    def __init__(self, lists: list[Any], sizes: list[int], words: list[list[int]],
                 boost: float, extra: list[int]) -> None:
        self._lists = lists
        self._sizes = sizes
        self._words = [sorted(set(word)) for word in words]
        self._boost = boost
        self._extra = extra
        in_words = collections.Counter(i for word in self._words for i in word)
        in_extra = collections.Counter(extra)
        self._alone_factor = [float(in_extra[i]) for i in range(len(lists))]
        self._with_factor = [in_extra[i] + boost * in_words[i] for i in range(len(lists))]
        self._id = -1
        self._score = 0.0
        self._minimum = 0.0
        # The walk: lists walked as a union; whether sections with every word
        # are found by leapfrogging the words; the lists only skipped to, and
        # the most they can add together.
        self._union: list[int] = []
        self._leapfrog = False
        self._weak: list[int] = []
        self._weak_bound = 0.0
        if self._plan(0):
            self._settle(0)

    # Where it stands

    def is_active(self) -> bool:
        return self._id >= 0

    def id(self) -> int:
        return self._id

    def score(self) -> float:
        return self._score

    def next(self) -> bool:
        if self._id < 0:
            raise mcore.ReadTooFar
        self._settle(self._id + 1)
        return False

    def skip_to(self, target: int) -> None:
        if self._id < 0:
            raise mcore.ReadTooFar
        if target > self._id:
            self._settle(target)

    def _settle(self, target: int) -> None:
        """Move to the first candidate from ``target`` on that the whole matches
        and that may reach the minimum; score it.

        A candidate's walked lists give its score from them; if that and the
        bound of the weak lists together cannot reach the minimum, the weak
        lists are not consulted at all (MaxScore's second saving).
        """
        lists, factors, minimum = self._lists, self._with_factor, self._minimum
        walked = self._union if not self._leapfrog else \
            sorted(set(self._union).union(*self._words))
        while True:
            current = self._candidate(target)
            if current < 0:
                self._id = -1
                return
            scores: dict[int, float] = {}
            reach = self._weak_bound
            for i in walked:
                found = lists[i]
                if not found.is_active():
                    continue
                if found.id() < current:  # a word's list the leapfrog left behind
                    _skip_to(found, current)
                    if not found.is_active():
                        continue
                if found.id() == current:
                    scores[i] = score = found.score()
                    reach += factors[i] * score
            if not minimum or reach >= minimum:
                total = self._total(current, scores)
                if total is not None:
                    self._id, self._score = current, total
                    return
            target = current + 1

    def _candidate(self, target: int) -> int:
        """The first candidate from ``target`` on (-1: none left)."""
        first = _earliest(self._lists, self._union, target)
        if self._leapfrog:
            first = min(first, self._every_word(target, first))
        return first if first < _NONE else -1

    def _every_word(self, target: int, limit: int) -> int:
        """The first section from ``target`` on, up to ``limit``, that has every
        word; lists are never skipped past ``limit``, whose scores the
        candidate there may need."""
        lists = self._lists
        while target <= limit:
            latest = target
            for word in self._words:
                earliest = _earliest(lists, word, target)
                if earliest == _NONE:
                    return _NONE  # a word is used up: no section has them all
                latest = max(latest, earliest)
            if latest == target:
                return target
            target = latest
        return _NONE

    def _total(self, docnum: int, scores: dict[int, float]) -> float | None:
        """The section's score, given those of its walked lists; None if the whole
        does not match it."""
        for i in self._weak:
            found = self._lists[i]
            if found.is_active() and found.id() < docnum:
                _skip_to(found, docnum)
            if found.is_active() and found.id() == docnum:
                scores[i] = found.score()
        extra = 0.0
        matched = False
        for i in self._extra:
            if i in scores:
                extra += scores[i]
                matched = True
        if self._words and all(any(i in scores for i in word) for word in self._words):
            every = 0.0
            for word in self._words:
                for i in word:
                    every += scores.get(i, 0.0)
            return self._boost * every + extra
        return extra if matched else None

    # Pruning

    def replace(self, minquality: float = 0) -> Any:
        if self._id < 0:
            return mcore.NullMatcher()
        if minquality and minquality != self._minimum:
            # It stays where it is (a compound above it relies on that: its
            # sides stand on the same section); the new walk starts from the
            # next section on.
            if not self._plan(minquality):
                return mcore.NullMatcher()
            self._minimum = minquality
        return self

    def _plan(self, minquality: float) -> bool:
        """Choose the walk for sections that may reach ``minquality``; False if none can."""
        lists = self._lists
        active = [i for i, found in enumerate(lists) if found.is_active()]
        maxima = {i: self._maximum(i) for i in active}
        alone = {i: self._alone_factor[i] * maxima[i] for i in active}
        union = set(_strong([i for i in active if self._alone_factor[i]], alone, minquality))
        leapfrog = False
        present = [[i for i in word if lists[i].is_active()] for word in self._words]
        if present and all(present):
            with_all = {i: self._with_factor[i] * maxima[i] for i in active}
            strong = _strong(active, with_all, minquality)
            if strong:
                # Leapfrogging costs about the rarest word's sections.
                rarest = min(sum(self._sizes[i] for i in word) for word in present)
                if rarest <= sum(self._sizes[i] for i in strong):
                    leapfrog = True
                else:
                    union.update(strong)
        if not union and not leapfrog:
            return False
        self._union, self._leapfrog = sorted(union), leapfrog
        walked = union.union(*present) if leapfrog else union
        self._weak = [i for i in active if i not in walked]
        self._weak_bound = sum(self._with_factor[i] * maxima[i] for i in self._weak)
        return True

    def _maximum(self, i: int) -> float:
        try:
            bound: float = self._lists[i].max_quality()
        except mcore.NoQualityAvailable:
            return float("inf")
        return bound

    def max_quality(self) -> float:
        return sum(self._with_factor[i] * self._maximum(i)
                   for i, found in enumerate(self._lists) if found.is_active())

    def supports_block_quality(self) -> bool:
        return False

    def copy(self) -> Any:
        raise NotImplementedError("a _Sum is not copied")

    def reset(self) -> None:
        raise NotImplementedError("a _Sum is not reset")


_NONE = sys.maxsize  # no section


def _skip_to(found: Any, target: int) -> None:
    """``found.skip_to(target)``, bisecting within a block of postings on disk,
    which Whoosh steps through one posting at a time (a quarter of the time of
    a query, measured). The W3 layout of whoosh-reloaded 2.7.5."""
    if type(found) is not W3LeafMatcher:
        found.skip_to(target)
        return
    if target > found._maxid:
        found._skip_to_block(lambda: target > found._maxid)
        if not found.is_active():
            return
    if found._ids is None:
        found._read_ids()
    found._i = bisect.bisect_left(found._ids, target, found._i)


def _earliest(lists: list[Any], indexes: Iterable[int], target: int) -> int:
    """The first section from ``target`` on in any of these lists (each moved up to
    it), or ``_NONE`` if all are used up."""
    first = _NONE
    for i in indexes:
        found = lists[i]
        if not found.is_active():
            continue
        at = found.id()
        if at < target:
            _skip_to(found, target)
            if not found.is_active():
                continue
            at = found.id()
        first = min(first, at)
    return first


def _strong(candidates: list[int], bounds: dict[int, float], minimum: float) -> list[int]:
    """The candidates left once the longest run of weakest ones, whose bounds
    together stay below ``minimum``, is taken away (MaxScore's essential lists)."""
    order = sorted(candidates, key=lambda i: bounds[i])
    weak = 0.0
    for cut, i in enumerate(order):
        if weak + bounds[i] >= minimum:
            return order[cut:]
        weak += bounds[i]
    return []


class _Intersection(binary.IntersectionMatcher):  # type: ignore[misc]  # whoosh is untyped
    """Both sides; nothing at all once either side can no longer contribute."""

    def replace(self, minquality: float = 0) -> Any:
        a, b = self.a, self.b
        if not (a.is_active() and b.is_active()):
            return mcore.NullMatcher()
        if minquality:
            a_max, b_max = a.max_quality(), b.max_quality()
            if a_max + b_max < minquality:
                return mcore.NullMatcher()
            new_a, new_b = a.replace(minquality - b_max), b.replace(minquality - a_max)
        else:
            new_a, new_b = a.replace(), b.replace()
        if not (new_a.is_active() and new_b.is_active()):
            return mcore.NullMatcher()
        if new_a is a and new_b is b:
            return self
        return _Intersection(new_a, new_b)

    def supports_block_quality(self) -> bool:
        return False


class _AndMaybe(binary.AndMaybeMatcher):  # type: ignore[misc]  # whoosh is untyped
    """The first side, scored with the second where both match."""

    def replace(self, minquality: float = 0) -> Any:
        a, b = self.a, self.b
        if not a.is_active():
            return mcore.NullMatcher()
        if not b.is_active():
            return a.replace(minquality)
        if minquality:
            a_max, b_max = a.max_quality(), b.max_quality()
            if a_max + b_max < minquality:
                return mcore.NullMatcher()
            if a_max < minquality:
                return _Intersection(a, b).replace(minquality)
            new_a, new_b = a.replace(minquality - b_max), b.replace(minquality - a_max)
        else:
            new_a, new_b = a.replace(), b.replace()
        if not new_a.is_active():
            return mcore.NullMatcher()
        if new_a is a and new_b is b:
            return self
        return _AndMaybe(new_a, new_b)

    def skip_to(self, id: int) -> None:
        # Whoosh's moved the second side to ``id`` only, behind a first side
        # that went further, and so left out its score there.
        a, b = self.a, self.b
        a.skip_to(id)
        if a.is_active() and b.is_active():
            b.skip_to(a.id())

    def supports_block_quality(self) -> bool:
        return False


class _AndNot(binary.AndNotMatcher):  # type: ignore[misc]  # whoosh is untyped
    """The first side without the sections of the second (which is not scored)."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def replace(self, minquality: float = 0) -> Any:
        a, b = self.a, self.b
        if not a.is_active() or (minquality and a.max_quality() < minquality):
            return mcore.NullMatcher()
        if not b.is_active():
            return a.replace(minquality)
        new_a, new_b = a.replace(minquality), b.replace()
        if not new_a.is_active():
            return mcore.NullMatcher()
        if new_a is a and new_b is b:
            return self
        return _AndNot(new_a, new_b)


class _Boost(wrappers.WrappingMatcher):  # type: ignore[misc]  # whoosh is untyped
    """Scores times ``boost``; the minimum its child must reach is divided by it."""

    def replace(self, minquality: float = 0) -> Any:
        if not self.child.is_active():
            return mcore.NullMatcher()
        child = self.child.replace(minquality / self.boost if minquality and self.boost > 0
                                   else 0)
        if not child.is_active():
            return mcore.NullMatcher()
        return self if child is self.child else _Boost(child, self.boost)

    def supports_block_quality(self) -> bool:
        # Whoosh's own skip_to_quality divides by the boost, as it should.
        return self.boost > 0 and bool(self.child.supports_block_quality())


class _Live(wrappers.FilterMatcher):  # type: ignore[misc]  # whoosh is untyped
    """A term's postings in a segment with deletions, deleted sections left out
    also after skipping blocks."""

    def next(self) -> bool:
        entered = self.child.next()
        return bool(self._find_next() or entered)

    def skip_to(self, target: int) -> None:
        _skip_to(self.child, target)
        self._find_next()

    def skip_to_quality(self, minquality: float) -> int:
        skipped: int = self.child.skip_to_quality(minquality)
        self._find_next()
        return skipped


class _Whole(wrappers.WrappingMatcher):  # type: ignore[misc]  # whoosh is untyped
    """Any other matcher (a phrase's, say): dropped whole when its bound is too low,
    never reshaped inside and never skipped block by block."""

    def replace(self, minquality: float = 0) -> Any:
        if not self.child.is_active():
            return mcore.NullMatcher()
        if minquality and self.max_quality() < minquality:
            return mcore.NullMatcher()
        return self

    def supports_block_quality(self) -> bool:
        return False

    def max_quality(self) -> float:
        try:
            bound: float = self.child.max_quality()
        except mcore.NoQualityAvailable:
            return float("inf")
        return bound

"""Snippets: about 200 characters of a section around its best run of matches.

The matches are found by analysing the stored body again, as the index did:
with the stem cache that is well under a millisecond for a page of hits, and
it spares the index the character offsets that slowed every query.

    >>> snippet("Grain & rice fed the towns.", [(0, 5, "grain")])
    '<mark>Grain</mark> &amp; rice fed the towns.'
"""

from __future__ import annotations

import html
from collections import Counter

from index.analysis import find_terms

SNIPPET_CHARS = 200
ELLIPSIS = "\u2026"

Span = tuple[int, int, str]  # start, end, term


def spans(body: str, terms: frozenset[str]) -> list[Span]:
    """Where the terms occur in ``body``, in order (analysed as the index does)."""
    return [(start, end, term) for term, start, end in find_terms(body, terms)]


def snippet(body: str, spans: list[Span], width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``body`` around its best run of matches, as HTML.

    The best run is the window with the most distinct matched terms (then the
    most matches). Matches are wrapped in ``<mark>``; everything else is escaped.
    """
    if not spans:
        return _escape(_cut(body, width))
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


def _best_window(spans: list[Span], width: int) -> tuple[int, int]:
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


def _merged(spans: list[Span], start: int, end: int) -> list[tuple[int, int]]:
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


def _cut(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    end = text.rfind(" ", 0, width)
    return text[:end if end > 0 else width] + ELLIPSIS


def _escape(text: str) -> str:
    return html.escape(text.replace("\n", " "), quote=True)

"""The Whoosh schema: one document per section.

    id       the section id, ``slug#anchor`` (unique, stored)
    article  the article's slug (stored; a changed file is re-indexed by it)
    title    the heading; the lead's also has the article title and aliases (boosted)
    path     the heading trail (stored, searchable as ``path:word``)
    body     the section's own plain text (stored with character offsets, so
             snippets come from the index without analysing the text again)
    spell    the section's distinct words as written, for "did you mean" and
             prefix/fuzzy expansion, which must offer words rather than stems

``SCHEMA_VERSION`` is recorded beside each index; an index of another version
is rebuilt, never read with the wrong assumptions.
"""

from __future__ import annotations

from typing import Any

from index.analysis import ANALYZER_VERSION, SectionAnalyzer

SCHEMA_VERSION = 1
# What the recorded version must equal: the schema and the terms it holds.
INDEX_FORMAT = f"{SCHEMA_VERSION}.{ANALYZER_VERSION}"
TITLE_BOOST = 2.5
PATH_SEPARATOR = "\x1f"  # between trail titles in the stored path; no title contains it
SEARCH_FIELDS = ("title", "body")  # what plain words search


def make_schema() -> Any:
    """A fresh Schema (Whoosh is imported only when an index is needed)."""
    from whoosh import analysis, fields, formats

    analyzer = SectionAnalyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        article=fields.ID(stored=True),
        # CJK words are several bigrams: query them as a phrase so that
        # 七千人大会 matches only that run of characters, not its bigrams anywhere.
        title=fields.TEXT(analyzer=analyzer, field_boost=TITLE_BOOST,
                          multitoken_query="phrase"),
        path=fields.TEXT(analyzer=analyzer, stored=True, phrase=False,
                         multitoken_query="phrase"),
        body=fields.TEXT(analyzer=analyzer, stored=True, chars=True,
                         multitoken_query="phrase"),
        # Existence only: spelling needs which words exist and in how many
        # sections, never where or how often.
        spell=fields.FieldType(formats.Existence(),
                               analyzer=analysis.KeywordAnalyzer(lowercase=True), scorable=True),
    )

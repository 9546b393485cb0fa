"""The Whoosh schema: one document per section.

    id       the section id, ``slug#anchor`` (unique, stored)
    article  the article's slug (stored; a changed file is re-indexed by it)
    title    the heading; the lead's also has the article title and aliases
             (stored, boosted)
    path     the heading trail (stored, searchable as ``path:word``)
    body     the section's own plain text (stored, for snippets)
    name     the title again, each line as one term (its words as written), so
             that a query that is a section's title finds it first

The words as written, for "did you mean" and prefix/fuzzy expansion, are kept
beside the index (``words.txt``) rather than in it: as a field they doubled the
postings to write (40% of the build time, measured).

:func:`index_format` (the schema version, the analyzer's version and a digest
of the text extraction code) is recorded beside each index; an index of
another format is rebuilt, never read with the wrong assumptions.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import content
from content.pages import RENDERER_FILES
from index.analysis import ANALYZER_VERSION, NameAnalyzer, SectionAnalyzer

SCHEMA_VERSION = 4  # 2: words.txt counts; 3: titles stored, live counts; 4: name
# The code that decides what text a section has: when any of it changes, the
# text in an index may be stale, so the index is rebuilt.
_TEXT_SOURCES = [Path(content.__file__).parent / name
                 for name in (*RENDERER_FILES, "library.py", "loading.py", "includes.py",
                              "mdbook.py", "mkdocs.py")]
_TEXT_SOURCES.append(Path(__file__).with_name("plaintext.py"))


@cache
def index_format() -> str:
    """What the format recorded beside an index must equal for it to be used:
    the schema, the analyzer's terms, and the text extraction."""
    digest = hashlib.sha1()
    for source in _TEXT_SOURCES:
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(source.name.encode())  # not shipped as a file: trust versions
    return f"{SCHEMA_VERSION}.{ANALYZER_VERSION}.{digest.hexdigest()[:8]}"
TITLE_BOOST = 2.5
PATH_SEPARATOR = "\x1f"  # between trail titles in the stored path; no title contains it
SEARCH_FIELDS = ("title", "body")  # what plain words search


def make_codec() -> Any:
    """Whoosh's codec, with posting blocks left uncompressed.

    Measured on 2,000 sections: zlib made the build 15-25% slower and reading
    a common word's postings 40% slower, to save a third of the disk space.
    """
    from whoosh.codec.whoosh3 import W3Codec

    return W3Codec(compression=0)


def make_schema() -> Any:
    """A fresh Schema (Whoosh is imported only when an index is needed)."""
    from whoosh import fields

    analyzer = SectionAnalyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        article=fields.ID(stored=True),
        # CJK words are several bigrams: query them as a phrase so that
        # 七千人大会 matches only that run of characters, not its bigrams anywhere.
        # Stored so that an update can take the words of a section it replaces
        # out of words.txt (the body is stored anyway, for snippets).
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=TITLE_BOOST,
                          multitoken_query="phrase"),
        path=fields.TEXT(analyzer=analyzer, stored=True, phrase=False,
                         multitoken_query="phrase"),
        # Positions (for phrases) but no character offsets: offsets made every
        # posting block a third bigger to build and to read, while finding the
        # matches in the ten stored bodies of a page of hits costs < 1 ms.
        body=fields.TEXT(analyzer=analyzer, stored=True, multitoken_query="phrase"),
        # Unscored (each match weighs 1): see NAME_BOOST in index.query.
        name=fields.ID(analyzer=NameAnalyzer()),
    )

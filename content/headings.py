"""The headings of a page, read by Python-Markdown's own parser: the exact outline.

This is the slow, plainly right way to outline a file: the same preprocessors
and block parser the page is rendered with (see :mod:`content.converter`), so a
heading in a block quote, a list item, an admonition or a footnote is found
where the page has it, and a line in any code block never is. Only the headings
then get inline processing (their titles), and code is never highlighted.

:func:`content.parse.outline` asks this only when its fast line-by-line pass is
not sure of a file: the window reads the library before its first paint, and
importing Markdown would cost more than reading a small library.

    >>> exact_headings("> # Quoted\\n\\n```rust,ignore\\n# not a heading\\n```", MDBOOK)
    [(1, 'Quoted', None)]
"""

from __future__ import annotations

import html
import threading
import xml.etree.ElementTree as etree
from typing import Any

from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags

from content.converter import markdown_for
from content.flavour import Flavour

_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_local = threading.local()


def exact_headings(text: str, flavour: Flavour) -> list[tuple[int, str, str | None]]:
    """(level, title, id the Markdown gives it or None) of each heading the page of
    ``text`` has, in order. ``text`` is what Python-Markdown reads
    (:func:`content.commonmark.source_text`)."""
    md = _markdown(flavour)
    md.reset()
    md.code_flavour = flavour
    lines = text.split("\n")
    for preprocessor in md.preprocessors:
        lines = preprocessor.run(lines)
    root = md.parser.parseDocument(lines).getroot()
    md.treeprocessors["footnote"].run(root)  # footnotes are parsed here, and go last
    headings = [element for element in root.iter() if element.tag in _HEADING_TAGS]
    if not headings:
        return []
    only = etree.Element("div")  # inline Markdown, on the headings alone
    only.extend(headings)
    md.treeprocessors["inline"].run(only)
    md.treeprocessors["attr_list"].run(only)
    # Escaped characters back as text, as the page has them: a `\<title\>` is text,
    # which the tags stripped below must not take for a tag.
    md.treeprocessors["unescape"].run(only)
    found = []
    for heading in headings:
        # The name Python-Markdown's toc gives it: its text as the page shows it.
        title = html.unescape(strip_tags(render_inner_html(remove_fnrefs(heading), md)))
        found.append((int(heading.tag[1]), title, heading.get("id") or None))
    return found


def _markdown(flavour: Flavour) -> Any:
    """This thread's outline reader for a flavour (a Markdown instance is not thread-safe)."""
    readers: dict[str, Any] = _local.__dict__.setdefault("readers", {})
    md = readers.get(flavour.name)
    if md is None:
        md = readers[flavour.name] = markdown_for(flavour, highlight=False)
    return md

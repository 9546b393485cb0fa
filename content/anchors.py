"""Where a ``#fragment`` leads within an article: a section, or a spot inside one.

A link into a page may name:

- a section's anchor, as this project gives them (:func:`content.parse.slugify`);
- the same heading as another tool spells its id: mdBook and GitHub
  (``RefCell<T>`` -> ``refcellt``, ``--`` kept), MkDocs (Python-Markdown's toc,
  accents dropped), or this project before headings kept their ``<T>``;
- any other id the rendered page carries: a footnote (``fn:1``, ``fnref:1``),
  a raw ``<a id>``, ``<a name>``, ``<span id>`` or ``<div id>``.

    >>> github_id("`RefCell<T>` and the -- flag")
    'refcellt-and-the----flag'
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from typing import NamedTuple

from content.library import Article, Section
from content.parse import slugify


class Spot(NamedTuple):
    """A place in an article: its section, and an id inside it ("" for the heading)."""

    section: Section
    element: str = ""


def github_id(title: str) -> str:
    """A heading's id as mdBook (and GitHub) make it from the heading's text."""
    text = title.strip().lstrip("#").strip()
    # As mdBook's normalize_id: letters, digits, _ and - kept (ASCII lowered),
    # each space a hyphen, anything else dropped.
    return "".join("-" if ch.isspace() else ch.lower() if ch.isascii() else ch for ch in text
                   if ch.isalnum() or ch in "_-" or ch.isspace())


def mkdocs_id(title: str) -> str:
    """A heading's id as MkDocs (Python-Markdown's toc, by default) makes it."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def spellings(section: Section) -> set[str]:
    """The other ids a section's heading goes by."""
    title = section.title
    return {github_id(title), mkdocs_id(title), slugify(re.sub(r"<[^>]*>", "", title))} - {""}


def find_spot(article: Article, fragment: str, html: str | None = None) -> Spot | None:
    """Where ``#fragment`` leads in ``article``, or None if nowhere.

    ``html`` is the article's rendered page, for ids that are not headings; it is
    rendered (or taken from the page cache) when needed and not given.
    """
    if not fragment:
        return Spot(article.lead)
    found = article.section(fragment)
    if found is not None:
        return Spot(found)
    sections = list(article.walk())
    for section in sections:  # the heading, as another tool spells its id
        if section.anchor and fragment in spellings(section):
            return Spot(section)
    lowered = fragment.lower()
    for section in sections:
        if section.anchor.lower() == lowered:
            return Spot(section)
    if html is None:
        from content.pages import article_html

        html = article_html(article)
    anchor = page_ids(html, {s.anchor for s in sections if s.anchor}).get(fragment)
    if anchor is None:
        return None
    return Spot((article.section(anchor) if anchor else None) or article.lead, fragment)


def page_ids(html: str, headings: set[str]) -> dict[str, str]:
    """Every id (and ``<a name>``) in a rendered page, with the anchor of the section
    it is in ("" for the lead)."""
    parser = _Ids(headings)
    parser.feed(html)
    parser.close()
    return parser.found


class _Ids(HTMLParser):
    def __init__(self, headings: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.headings = headings
        self.section = ""
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() \
                        and value in self.headings:
                    self.section = value
                self.found.setdefault(value, self.section)

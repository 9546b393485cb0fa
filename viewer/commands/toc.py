"""``encyclopedia toc``: the table of contents the window shows, as text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from content import Library, Section, load_library
from content.contents import Entry


def section_json(section: Section) -> dict[str, Any]:
    return {"id": section.id, "title": section.title, "level": section.level,
            "children": [section_json(child) for child in section.children]}


def entry_json(entry: Entry) -> dict[str, Any]:
    return {"title": entry.title, "kind": entry.kind, "slug": entry.slug,
            "children": [entry_json(child) for child in entry.children]}


def toc_json(library: Library) -> dict[str, Any]:
    """The ``toc --json`` shape: the library, its rows as the window nests them, and
    its articles in that order, each with its trail and sections."""
    return {"kind": library.kind, "title": library.title,
            "tree": [entry_json(entry) for entry in library.contents],
            "articles": [{"slug": a.slug, "title": a.title, "id": a.lead.id,
                          "trail": list(a.trail),
                          "sections": [section_json(s) for s in a.sections]}
                         for a in library.articles]}


def print_entries(library: Library, entries: tuple[Entry, ...], depth: int = 0) -> None:
    for entry in entries:
        indent = "  " * depth
        if entry.slug is None:
            print(f"{indent}{entry.title}" + ("  (draft)" if entry.kind == "draft" else ""))
        else:
            article = library.article(entry.slug)
            print(f"{indent}{entry.title}  [{article.lead.id}]")
            for section in article.walk():
                if section is not article.lead:
                    below = len(section.trail) - len(article.lead.trail)
                    print(f"{indent}{'  ' * below}{section.title}  [{section.id}]")
        print_entries(library, entry.children, depth + 1)


def run(args: argparse.Namespace) -> int:
    library = load_library(args.content)
    if args.json:
        print(json.dumps(toc_json(library), ensure_ascii=False, indent=2))
        return 0
    print_entries(library, library.contents)
    return 0

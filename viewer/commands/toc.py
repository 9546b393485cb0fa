"""``encyclopedia toc``: the section tree, as text or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from content import Library, Section, load_library


def section_json(section: Section) -> dict[str, Any]:
    return {"id": section.id, "title": section.title, "level": section.level,
            "children": [section_json(child) for child in section.children]}


def toc_json(library: Library) -> dict[str, Any]:
    return {"articles": [{"slug": a.slug, "title": a.title, "id": a.lead.id,
                          "sections": [section_json(s) for s in a.sections]}
                         for a in library.articles]}


def run(args: argparse.Namespace) -> int:
    library = load_library(args.content)
    if args.json:
        print(json.dumps(toc_json(library), ensure_ascii=False, indent=2))
        return 0
    for article in library.articles:
        print(f"{article.title}  [{article.lead.id}]")
        for section in article.walk():
            if section is not article.lead:
                depth = len(section.trail) - 1
                print(f"{'  ' * depth}{section.title}  [{section.id}]")
    return 0

"""Where a link in an article leads: a section, the system browser, or nowhere.

Plain Python, so the rules are tested without a window. Every in-library link
becomes a section id for ``navigate()``; http(s) and mailto links are for the
system browser (only ever opened on a click); anything else is refused.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from content import Library
from content.library import MARKDOWN_SUFFIXES

EXTERNAL_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True)
class LinkTarget:
    kind: str  # "section", "external", "file" or "refused"
    value: str  # section id, URL or file path; for "refused", the reason


def resolve_link(href: str, library: Library, current_slug: str) -> LinkTarget:
    href = href.strip()
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in EXTERNAL_SCHEMES:
        return LinkTarget("external", href)
    if scheme == "file":
        return _local_path(Path(unquote(parts.path)), unquote(parts.fragment), library)
    if scheme:
        return LinkTarget("refused", f"{scheme}: links are not followed")
    fragment = unquote(parts.fragment)
    if not parts.path:
        return _section(library, current_slug, fragment)
    here = posixpath.dirname(current_slug)
    relative = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
    if relative.startswith("../") or relative == ".." or posixpath.isabs(relative):
        return LinkTarget("refused", f"{parts.path} is outside the library")
    return _local_path(library.root / relative, fragment, library)


def _local_path(path: Path, fragment: str, library: Library) -> LinkTarget:
    try:
        relative = path.resolve().relative_to(library.root)
    except ValueError:
        return LinkTarget("refused", f"{path} is outside the library")
    stem, suffix = posixpath.splitext(relative.as_posix())
    # mdBook and MkDocs sites link to the .html they build from each .md.
    if suffix.lower() in (*MARKDOWN_SUFFIXES, ".html", ""):
        slug = stem
        if slug in {a.slug for a in library.articles}:
            return _section(library, slug, fragment)
        if suffix.lower() in MARKDOWN_SUFFIXES or not path.exists():
            return LinkTarget("refused", f"no article {relative.as_posix()!r} in the library")
    if path.is_file():
        return LinkTarget("file", str(path))
    return LinkTarget("refused", f"{relative.as_posix()} does not exist")


def _section(library: Library, slug: str, fragment: str) -> LinkTarget:
    section_id = f"{slug}#{fragment}" if fragment else slug
    if section_id in library:
        return LinkTarget("section", library.section(section_id).id)
    return LinkTarget("refused", f"no section {section_id!r}")

"""An MkDocs site: ``mkdocs.yml``, its ``docs_dir``, and ``nav:`` as the table of contents.

Read as MkDocs reads a site:

- ``docs_dir`` (default ``docs``) holds the pages; ``site_name`` is the title;
- ``nav:`` lists pages (``- Title: page.md`` or ``- page.md``, titled by the
  page then), sections (``- Title: [...]``) and external links (left out);
- an entry naming a folder (``- User Guide: user-guide/``) is that folder's own
  navigation, as the literate-nav plugin reads it: the list of links in its nav
  file (``README.md`` here, the plugin's ``nav_file``; ``SUMMARY.md`` by
  default), with its index page as the folder's row; without a nav file, the
  folder's pages in MkDocs' default order;
- with no ``nav:``, MkDocs' default order: the index page first, then the
  files, then the folders;
- when ``markdown_extensions`` lists ``pymdownx.snippets``, a ``--8<-- "file"``
  line is replaced by that file's lines (whole, ``:start:end``, or a
  ``[start:name]``/``[end:name]`` section), from below the site's root (or the
  extension's ``base_path``), before the page is read.

``mkdocs.yml`` may hold tags for Python objects (``!!python/name:``) and
environment variables (``!ENV``): they are read as nothing, never run.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import unquote

from content.contents import CHAPTER, PART, Entry, readable_name
from content.files import atomic_write
from content.folders import folder_contents, index_page
from content.includes import NOT_FOUND, Expanded, lines_of, read_inside
from content.places import cache_dir, library_key

logger = logging.getLogger(__name__)

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
LITERATE_NAV_FILE = "SUMMARY.md"  # the literate-nav plugin's default nav_file


class Site(NamedTuple):
    root: Path  # the folder with mkdocs.yml
    docs: Path  # docs_dir: the library's root
    title: str
    nav: Any  # the nav: list as read, or None
    nav_file: str | None  # literate-nav's nav file name, if the plugin is on
    snippets: Path | None = None  # where --8<-- finds files, if pymdownx.snippets is on
    config: Path = Path()  # mkdocs.yml itself


def find_site(folder: Path) -> Site | None:
    """The MkDocs site whose config is in ``folder``, or whose ``docs_dir`` it is."""
    for root in (folder, folder.parent):
        for name in CONFIG_NAMES:
            config = _read_config(root / name)
            if config is None:
                continue
            docs_name = config.get("docs_dir")
            docs = (root / (docs_name if isinstance(docs_name, str) else "docs")).resolve()
            if (root is folder.parent and docs != folder.resolve()) or not docs.is_dir() \
                    or not docs.is_relative_to(root.resolve()):
                continue  # not this folder's site, or pages outside the site
            title = config.get("site_name")
            return Site(root.resolve(), docs, title if isinstance(title, str) else docs.name,
                        config.get("nav"), _nav_file(config.get("plugins")),
                        _snippets_base(config.get("markdown_extensions"), root.resolve()),
                        (root / name).resolve())
    return None


def _read_config(path: Path) -> dict[str, Any] | None:
    """mkdocs.yml as data; None if there is none.

    What it said is kept in the cache folder with the file's size and times: a
    site opens (before the window's first paint) without importing a YAML reader
    while its mkdocs.yml is unchanged.
    """
    try:
        info = path.stat()
    except OSError:
        return None
    stamp = [str(path.resolve()), info.st_size, info.st_mtime_ns, info.st_ctime_ns]
    cache = cache_dir() / "sites" / f"{library_key(path.parent)}.json"
    try:
        cached = json.loads(cache.read_bytes())
        if cached["stamp"] == stamp and isinstance(cached["config"], dict):
            return cast(dict[str, Any], cached["config"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none yet, or damaged: read the file
    found = read_inside(path, path.parent.resolve())  # never a link out of the site
    if found is None:
        return None
    config = _parse_yaml(found[1], path)
    try:
        atomic_write(cache, json.dumps({"stamp": stamp, "config": config}, default=str))
    except OSError as error:
        logger.info("site cache not written: %s", error)
    return config


def _parse_yaml(text: str, path: Path) -> dict[str, Any]:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc,valid-type]  # yaml's stubs are not installed
        """Safe, and lenient: a tag for a Python object or a variable reads as nothing."""

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load(text, Loader=_Loader)  # a SafeLoader: nothing is run
    except yaml.YAMLError as error:
        logger.warning("%s: %s; its pages are shown in folder order", path, error)
        return {}
    return config if isinstance(config, dict) else {}


def _nav_file(plugins: Any) -> str | None:
    """literate-nav's nav file name, when the plugin is on."""
    items = plugins if isinstance(plugins, list) else [plugins] if plugins else []
    for item in items:
        if item == "literate-nav":
            return LITERATE_NAV_FILE
        if isinstance(item, dict) and "literate-nav" in item:
            options = item["literate-nav"]
            name = options.get("nav_file") if isinstance(options, dict) else None
            return name if isinstance(name, str) else LITERATE_NAV_FILE
    return None


def _snippets_base(extensions: Any, root: Path) -> Path | None:
    """Where pymdownx.snippets looks for files (MkDocs runs from the site's root)."""
    items = extensions if isinstance(extensions, list) else []
    for item in items:
        options = None
        if isinstance(item, dict) and "pymdownx.snippets" in item:
            options = item["pymdownx.snippets"]
        elif item != "pymdownx.snippets":
            continue
        base = options.get("base_path") if isinstance(options, dict) else None
        if isinstance(base, list):
            base = base[0] if base else None
        found = (root / base).resolve() if isinstance(base, str) else root
        return found if found.is_relative_to(root) else root
    return None


# --8<-- snippets, as pymdownx.snippets finds them: a line of the marker and a quoted
# path (";" before it escapes it), or the marker alone opening and closing a block of
# paths, one a line.
_SNIPPET = re.compile(r'^(?P<indent>[ \t]*)(?P<escape>;*)-+8<-+[ \t]+(?P<quote>["\'])'
                      r'(?P<path>.+?)(?P=quote)[ \t]*$')
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<escape>;*)-+8<-+[ \t]*$")
_SECTION = re.compile(r"-+8<-+[ \t]*\[(?P<end>start|end):(?P<name>[\w-]+)\]")
MAX_NESTING = 10


def expand_snippets(text: str, file: Path, base: Path) -> Expanded:
    """``text`` (of ``file``) with its ``--8<--`` snippets spliced in from below ``base``.

    A file that is missing, or outside ``base``, leaves the visible note
    "include not found: PATH" and a warning. URLs are never fetched.
    """
    if "8<" not in text:
        return Expanded(text, (), ())
    files: list[Path] = []
    warnings: list[str] = []
    expanded = _splice(text, base.resolve(), files, warnings, 0, file)
    return Expanded(expanded, tuple(dict.fromkeys(files)), tuple(warnings))


def _splice(text: str, base: Path, files: list[Path], warnings: list[str], depth: int,
            page: Path) -> str:
    out: list[str] = []
    lines = text.split("\n")
    block: tuple[str, list[str]] | None = None  # an open block: its indent, its paths
    for line in lines:
        marker = _BLOCK.match(line)
        if block is not None:
            if marker and not marker.group("escape"):
                for path in block[1]:
                    out.extend(_snippet(path, block[0], base, files, warnings, depth, page))
                block = None
            elif line.strip():
                block[1].append(line.strip())
            continue
        if marker and not marker.group("escape"):
            block = (marker.group("indent"), [])
            continue
        single = _SNIPPET.match(line)
        if single and not single.group("escape"):
            out.extend(_snippet(single.group("path"), single.group("indent"), base, files,
                                warnings, depth, page))
            continue
        found = single or marker
        if found and found.group("escape"):  # shown as written, less one ";"
            at = found.start("escape")
            line = line[:at] + line[at + 1:]
        out.append(line)
    if block is not None:  # never closed: the paths are text
        out.extend(block[1])
    return "\n".join(out)


def _snippet(spec: str, indent: str, base: Path, files: list[Path], warnings: list[str],
             depth: int, page: Path) -> list[str]:
    if re.match(r"^[a-zA-Z][\w+.-]*://", spec):
        warnings.append(f"{page}: snippet from the network not fetched: {spec}")
        return [f"{indent}{NOT_FOUND.format(spec)}"]
    path, selection = spec, ""
    parts = re.match(r"^(?P<path>.*?)(?P<sel>(?::-?\d*){1,2}|:[\w-]+)?$", spec)
    if parts is not None and parts.group("sel") and not (base / spec).exists():
        path, selection = parts.group("path"), parts.group("sel")[1:]
    found = read_inside(base / path, base)
    if found is None:
        warnings.append(f"{page}: {NOT_FOUND.format(path)}")
        return [f"{indent}{NOT_FOUND.format(path)}"]
    target, content = found
    files.append(target)
    if depth + 1 < MAX_NESTING:
        content = _splice(content, base, files, warnings, depth + 1, page)
    lines = lines_of(content)
    if selection and not re.fullmatch(r"-?\d*(:-?\d*)?", selection):
        lines = _section(lines, selection)
    elif selection:
        start_text, _, end_text = selection.partition(":")
        start = max(int(start_text) - 1, 0) if start_text.strip("-") else 0
        end = int(end_text) if end_text.strip("-") else len(lines)
        lines = lines[start:end]
    return [f"{indent}{line}" if line else line for line in lines
            if not _SECTION.search(line)]


def _section(lines: list[str], name: str) -> list[str]:
    taken: list[str] = []
    inside = False
    for line in lines:
        marker = _SECTION.search(line)
        if marker and marker.group("name") == name:
            inside = marker.group("end") == "start"
        elif inside:
            taken.append(line)
    return taken


class _Nav:
    """Turns a site's nav into entries, noting which pages it used."""

    def __init__(self, site: Site, slugs: set[str], title_of: Callable[[str], str]) -> None:
        self.site = site
        self.slugs = slugs
        self.title_of = title_of
        self.used: set[str] = set()
        self.warnings: list[str] = []

    def items(self, nav: Any, base: str) -> tuple[Entry, ...]:
        entries: list[Entry] = []
        for item in nav if isinstance(nav, list) else []:
            if isinstance(item, str):
                entry = self.target(None, item, base)
            elif isinstance(item, dict) and len(item) == 1:
                title, value = next(iter(item.items()))
                title = str(title) if title is not None else None
                if isinstance(value, list):
                    entry = Entry(title or "", None, self.items(value, base), PART)
                elif isinstance(value, str):
                    entry = self.target(title, value, base)
                else:
                    entry = None
            else:
                entry = None
            if entry is not None:
                entries.append(entry)
        return tuple(entries)

    def target(self, title: str | None, target: str, base: str) -> Entry | None:
        """The row for a nav entry that names a page, a folder or a URL."""
        if re.match(r"^[a-zA-Z][\w+.-]*:|^//", target):
            return None  # an external link: not part of this library
        path = posixpath.normpath(posixpath.join(base, unquote(target.split("#", 1)[0])))
        path = "" if path == "." else path
        if path.startswith("../") or path == "..":
            return None
        stem, suffix = posixpath.splitext(path)
        if suffix.lower() in (".md", ".markdown") and stem in self.slugs:
            self.used.add(stem)
            return Entry(title or self.title_of(stem), stem)
        if (self.site.docs / path).is_dir():
            return self.folder(title, path)
        self.warnings.append(f"mkdocs.yml: nav entry {target} is not a page of {self.site.docs}")
        return None

    def folder(self, title: str | None, path: str) -> Entry:
        prefix = f"{path}/" if path else ""
        pages = [slug for slug in self.slugs if slug.startswith(prefix)]
        names = [slug[len(prefix):] for slug in pages if "/" not in slug[len(prefix):]]
        index_name = index_page(names)
        index = f"{prefix}{index_name}" if index_name else None
        nav_text = self.nav_text(path)
        if nav_text is not None:
            children = self.literate(nav_text, path)
        else:
            children = folder_contents([s for s in pages if s not in self.used and s != index],
                                       self.title_of, files_first=True,
                                       folder_title=readable_name)
            self.used.update(pages)
        if index is not None:
            self.used.add(index)
            children = tuple(c for c in children if c.slug != index)
            return Entry(title or self.title_of(index), index, children, CHAPTER)
        return Entry(title or readable_name(posixpath.basename(path) or self.site.title),
                     None, children, PART)

    def nav_text(self, path: str) -> str | None:
        """The text of a folder's literate-nav file, if the plugin is on and it has one."""
        if self.site.nav_file is None:
            return None
        found = read_inside(self.site.docs / path / self.site.nav_file, self.site.root)
        return found[1] if found is not None else None

    def literate(self, text: str, base: str) -> tuple[Entry, ...]:
        """The nav a literate-nav file gives: its last list of links, nested. A linked
        item with items below it is a page that heads its own section."""
        return self.nodes(_link_list(text), base)

    def nodes(self, nodes: list[_Node], base: str) -> tuple[Entry, ...]:
        entries = []
        for node in nodes:
            children = self.nodes(node.children, base)
            if node.target is None:
                entries.append(Entry(node.title, None, children, PART))
                continue
            entry = self.target(node.title or None, node.target, base)
            if entry is not None:
                entries.append(entry._replace(children=entry.children + children))
            elif children:
                entries.append(Entry(node.title, None, children, PART))
        return tuple(entries)


class _Node(NamedTuple):
    title: str
    target: str | None
    children: list[_Node]


_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]+(?P<rest>.*)$")
_LINK = re.compile(r"^\[(?P<title>[^\]]*)\]\((?P<target>[^)\s]*)\)\s*$")


def _link_list(text: str) -> list[_Node]:
    """The last Markdown list of ``text``, as nested (title, link target) nodes."""
    from content.parse import plain_heading

    lists: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    for line in text.split("\n"):
        item = _ITEM.match(line)
        if item:
            if current is None:
                current = []
                lists.append(current)
            current.append((len(item.group("indent").expandtabs(4)), item.group("rest").strip()))
        elif line.strip() and not line.startswith((" ", "\t")):
            current = None  # a paragraph ends the list
    root: list[_Node] = []
    stack: list[tuple[int, list[_Node]]] = [(-1, root)]
    for indent, rest in lists[-1] if lists else []:
        while stack[-1][0] >= indent:
            stack.pop()
        link = _LINK.match(rest)
        node = (_Node(plain_heading(link.group("title")), link.group("target"), []) if link
                else _Node(plain_heading(rest), None, []))
        stack[-1][1].append(node)
        stack.append((indent, node.children))
    return root


def site_contents(site: Site, slugs: list[str],
                  title_of: Callable[[str], str]) -> tuple[tuple[Entry, ...], set[str], list[str]]:
    """The site's table of contents, the pages it lists, and warnings about its nav."""
    nav = _Nav(site, set(slugs), title_of)
    if isinstance(site.nav, list):
        entries = nav.items(site.nav, "")
    elif (text := nav.nav_text("")) is not None:
        entries = nav.literate(text, "")
    else:
        return folder_contents(slugs, title_of, files_first=True,
                               folder_title=readable_name), set(slugs), []
    return entries, nav.used, nav.warnings

"""How a library's own tool reads its Markdown: the few ways the kinds differ.

A library is read the way its authors' tool shows it. Most of that is the
table of contents (see :mod:`content.loading`), but a little is in the text
itself, and the outline pass and the renderer both need to know it:

- ``name``: ``"plain"`` (a folder of notes, GitHub-style Markdown), ``"mdbook"``
  (CommonMark, as pulldown-cmark reads it) or ``"mkdocs"`` (Python-Markdown
  itself, as MkDocs renders it);
- ``hidelines``: per code language, the prefix that marks a line mdBook hides
  in that language's code blocks (``rust`` uses mdBook's own Rust rule).

    >>> MDBOOK.hidelines
    (('rust', '#'),)
"""

from __future__ import annotations

from typing import NamedTuple


class Flavour(NamedTuple):
    name: str = "plain"
    hidelines: tuple[tuple[str, str], ...] = ()

    def key(self) -> str:
        """A short text that differs whenever the rendering of a page would."""
        return self.name + "".join(f";{lang}={prefix}" for lang, prefix in self.hidelines)


PLAIN = Flavour()
MDBOOK = Flavour("mdbook", (("rust", "#"),))
MKDOCS = Flavour("mkdocs")

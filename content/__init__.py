"""The content layer: Markdown files in, an article model out.

No Qt and no Whoosh here: scripts, the index and the command line use it
without a display.

    >>> library = load_library(Path("content/articles"))
    >>> library.section("seven-thousand-cadres-conference#legacy-and-reforms").title
    'Legacy and Reforms'
"""

from content.errors import ContentError, NotMarkdown, UnknownSection
from content.library import (
    BUILTIN_ARTICLES,
    Article,
    Library,
    Section,
    split_id,
)
from content.loading import load_library

__all__ = [
    "BUILTIN_ARTICLES",
    "Article",
    "ContentError",
    "Library",
    "NotMarkdown",
    "Section",
    "UnknownSection",
    "load_library",
    "split_id",
]

"""A library beside a folder it must never read, joined to it by symbolic links."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_library

SECRET_WORDS = ("zebracorn", "quokkadeep", "quokkainclude")  # only ever outside


def library_with_links(tmp_path: Path) -> tuple[Path, Path]:
    """``tmp_path/lib`` and ``tmp_path/outside``; the library's links lead out of it, into
    itself and round in circles. Its own pages are ``index`` and ``sub/page``."""
    outside = write_library(tmp_path / "outside", {
        "secret.md": "# Secret\n\nzebracorn outside text\n",
        "deep/deep.md": "# Deep\n\nquokkadeep outside text\n"})
    library = write_library(tmp_path / "lib", {
        "index.md": "# Home\n\nhello\n", "sub/page.md": "# Page\n\nsub text\n"})
    for name, target in {
            "leak.md": "../outside/secret.md",  # a page that is a file outside
            "absolute.md": str(outside / "secret.md"),
            "outdir": "../outside",  # a folder outside
            "outdir.md": "../outside/deep",
            "self": ".",  # a link to its own folder
            "sub/up": "..",  # and to the one above it: a loop through sub/
            "alias": "sub",  # a second way into a folder inside
            "sub.md": "sub",
            "dangling.md": "nowhere.md"}.items():
        (library / name).symlink_to(target)
    return library, outside

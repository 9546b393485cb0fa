"""The layers point one way: content knows neither Qt nor Whoosh, index knows no Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def imported_after(code: str) -> list[str]:
    """Top-level packages in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = textwrap.dedent(code) + textwrap.dedent("""
        import sys
        print(sorted({name.split(".")[0] for name in sys.modules}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.splitlines()[-1])  # a printed list of names


def test_content_imports_neither_qt_nor_whoosh() -> None:
    loaded = imported_after("""
        import content, content.render, content.places, content.pages
        library = content.load_library()
        content.render.section_texts(library.articles[0])
    """)
    assert "content" in loaded
    assert "PySide6" not in loaded and "whoosh" not in loaded


def test_index_imports_no_qt_even_when_building_and_searching() -> None:
    loaded = imported_after("""
        import os, tempfile
        os.environ["ENCYCLOPEDIA_HOME"] = tempfile.mkdtemp()
        import content, index
        with index.open_index(content.load_library()) as searcher:
            searcher.search("famine", 5)
    """)
    assert "whoosh" in loaded and "index" in loaded
    assert "PySide6" not in loaded and "shiboken6" not in loaded

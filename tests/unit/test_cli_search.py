"""``encyclopedia search`` and ``encyclopedia index``: output shapes, progress, no Qt."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_library
from tests.unit.test_cli import encyclopedia

LIBRARY = {
    "famine.md": "# The Famine\n\nThe famines of 1959 were the deadliest.\n\n"
                 "## Causes\n\nFamine grain was taken & exported `<quickly>`.\n",
    "river.md": "# River\n\nThe Yellow River floods.\n",
}


def test_search_json_has_the_documented_shape(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    result = encyclopedia("search", "famine grain", "--content", str(root), "--json",
                          "--limit", "1")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["query", "total", "suggestion", "hits"]
    assert (data["query"], data["total"], data["suggestion"]) == ("famine grain", 2, None)
    first = data["hits"][0]
    assert list(first) == ["id", "article", "path", "score", "snippet"]
    assert len(data["hits"]) == 1
    assert (first["id"], first["article"], first["path"]) == \
        ("famine#causes", "famine", ["The Famine", "Causes"])
    assert "&amp; exported &lt;quickly&gt;" in first["snippet"]
    assert "<mark>Famine</mark> <mark>grain</mark>" in first["snippet"]


def test_search_prints_readable_hits_and_a_suggestion(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    result = encyclopedia("search", "Yelow river", "--content", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 section matches 'Yelow river'"
    assert lines[1] == "Did you mean: Yellow river"
    assert "1. River" in lines and "   [river#river]  score" in result.stdout
    assert "The Yellow *River* floods." in result.stdout  # no HTML in a pipe


def test_search_limit_and_bad_syntax(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    result = encyclopedia("search", '"famine', "--content", str(root), "--limit", "1",
                          "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["hits"]) == 1
    bad = encyclopedia("search", "famine", "--content", str(root), "--limit", "0")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "encyclopedia: --limit must be at least 1"


def test_index_json_reports_the_work_done(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    first = encyclopedia("index", "--content", str(root), "--json")
    assert first.returncode == 0, first.stderr
    stats = json.loads(first.stdout)
    assert list(stats) == ["articles", "sections", "added", "updated", "removed", "seconds",
                           "skipped"]
    assert [stats[k] for k in ("articles", "sections", "added")] == [2, 3, 3]
    assert stats["skipped"] == []
    assert first.stderr == ""  # no progress bar when stderr is not a terminal
    again = json.loads(encyclopedia("index", "--content", str(root), "--json").stdout)
    assert (again["added"], again["updated"], again["removed"]) == (0, 0, 0)
    rebuilt = encyclopedia("index", "--content", str(root), "--rebuild")
    assert rebuilt.stdout.startswith("2 articles, 3 sections: 3 added, 0 updated, 0 removed")


def test_index_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    controller, terminal = pty.openpty()
    script = "import sys; from viewer.cli import main; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", script, "index", "--content", str(root)],
                               stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert b"indexing [" in shown and b"2/2 files" in shown
    assert out.startswith("2 articles")  # the bar never goes to stdout


def test_search_and_index_never_import_qt(tmp_path: Path) -> None:
    root = write_library(tmp_path, LIBRARY)
    check = "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    for command in (["index"], ["search", "famine"]):
        result = encyclopedia(*command, "--content", str(root), code=check)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1] == "[]"

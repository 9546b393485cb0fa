"""The command line: toc, errors, and no Qt for commands without a window."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_library


def encyclopedia(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real command line in a fresh interpreter."""
    script = "import sys; from viewer.cli import main; rc = main(sys.argv[1:]); "
    script += f"{code}; sys.exit(rc)" if code else "sys.exit(rc)"
    return subprocess.run([sys.executable, "-c", script, *args],
                          capture_output=True, text=True, timeout=60)


def test_toc_json_shape() -> None:
    result = encyclopedia("toc", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    article = data["articles"][0]
    assert article["slug"] == "seven-thousand-cadres-conference"
    assert article["title"] == "Seven Thousand Cadres Conference"
    faq = article["sections"][4]
    assert set(faq) == {"id", "title", "level", "children"}
    assert faq["children"][0]["level"] == 3


def test_toc_of_a_folder_in_text(tmp_path: Path) -> None:
    write_library(tmp_path, {"a.md": "# Alpha\n\n## One\n", "b/c.md": "# Gamma\n"})
    result = encyclopedia("toc", "--content", str(tmp_path))
    assert result.returncode == 0
    assert "Alpha  [a#alpha]" in result.stdout and "  One  [a#one]" in result.stdout
    assert "Gamma  [b/c#gamma]" in result.stdout


def test_toc_does_not_import_qt_or_whoosh() -> None:
    result = encyclopedia("toc", code="print(sorted(m for m in sys.modules "
                                      "if m.startswith(('PySide6', 'whoosh'))))")
    assert result.stdout.strip().endswith("[]"), result.stdout[-200:]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    cases = [
        ("toc", "--content", str(tmp_path / "missing")),
        ("toc", "--content", str(tmp_path / "notes.txt")),
        ("open", "no-such-article#nowhere"),
        ("open", "seven-thousand-cadres-conference#nowhere"),
        ("open", "--size", "huge"),
    ]
    for args in cases:
        result = encyclopedia(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("encyclopedia: ")
        assert "Traceback" not in result.stderr


def test_python_dash_m_viewer_works() -> None:
    result = subprocess.run([sys.executable, "-m", "viewer", "toc"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "Legacy and Reforms" in result.stdout


def test_commands_run_with_garbage_collection_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from viewer import cli
    from viewer.commands import toc

    seen: list[bool] = []
    monkeypatch.setattr(toc, "run", lambda args: seen.append(gc.isenabled()) or 0)
    gc.disable()  # as python -m viewer leaves it until the command is known
    try:
        assert cli.main(["toc"]) == 0
    finally:
        gc.enable()
    assert seen == [True]  # only the window keeps it off, until its first paint


def test_the_window_turns_garbage_collection_back_on_once() -> None:
    import gc

    from viewer.app import _collect_garbage_again

    gc.disable()
    try:
        _collect_garbage_again()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.unfreeze()
        _collect_garbage_again()  # again, from the timer: nothing more to do
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()

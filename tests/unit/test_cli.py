"""The command line: toc, errors, and no Qt for commands without a window."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import write_library
from viewer.cli import build_parser, window_args


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


# Words the window's command line may be given, plain and not: every option in
# full and abbreviated, with and without values, help, "--", odd targets.
WINDOW_WORDS = st.sampled_from([
    "open", "-v", "--verbose", "-h", "--help", "--", "-", "-5", "", "a#b", "slug", "dark",
    "1200x800", "x=y", "--content", "--content=lib", "--content=", "--screenshot",
    "--screenshot=o.png", "--size", "--size=800x600", "--theme", "--theme=dark",
    "--theme=blue", "--search", "--search=a b", "--search=", "--sc", "--sizes", "--bogus",
])


WINDOW_COMMAND_LINES = st.one_of(
    st.lists(WINDOW_WORDS, max_size=8),
    st.tuples(st.lists(st.sampled_from(["-v", "--verbose"]), max_size=2),
              st.lists(WINDOW_WORDS, max_size=7)).map(lambda t: [*t[0], "open", *t[1]]),
)


@settings(max_examples=400, deadline=None)
@given(WINDOW_COMMAND_LINES)
@example(["open", "--theme=blue", "--theme=dark"])  # argparse checks every choice given
def test_the_window_command_line_read_by_hand_as_argparse_reads_it(words: list[str]) -> None:
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            expected = vars(build_parser("open").parse_args(words))
    except SystemExit:
        expected = None
    quick = window_args(words)
    if quick is not None:  # None: left to argparse
        assert vars(quick) == expected


@pytest.mark.parametrize("words", [
    ["open"],
    ["open", "seven-thousand-cadres-conference#legacy-and-reforms"],
    ["-v", "open", "a#b", "--content", "notes", "--size", "900x600", "--theme=dark"],
    ["open", "--screenshot", "out.png", "--search", "Deng Xiaoping", "--theme", "light"],
])
def test_the_usual_window_command_lines_need_no_argparse(words: list[str]) -> None:
    quick = window_args(words)
    assert quick is not None
    assert vars(quick) == vars(build_parser("open").parse_args(words))

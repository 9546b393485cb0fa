"""Shared fixtures: every test gets its own ENCYCLOPEDIA_HOME and no display."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_0120d2a6e7ae2571.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def encyclopedia_home(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> Path:
    """User data and caches go to a fresh folder, never the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ENCYCLOPEDIA_HOME", str(home))
    return home


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `pytest -m "not gui"` is the fast inner loop.
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)


def write_library(root: Path, files: dict[str, str]) -> Path:
    """A temporary library: {relative path: Markdown text}."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

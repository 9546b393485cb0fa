"""Desktop integration: the .desktop entry, the icon and `make install-desktop`."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "viewer" / "resources"


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_command_and_the_icon() -> None:
    entry = _entry(RESOURCES / "encyclopedia.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "Encyclopedia"
    assert entry["Exec"].split()[0] == "encyclopedia" and entry["Icon"] == "encyclopedia"
    assert entry["Terminal"] == "false"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(RESOURCES / "encyclopedia.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0 and result.stdout == "", result.stdout


def test_icon_is_a_square_svg() -> None:
    root = ElementTree.parse(RESOURCES / "encyclopedia.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 128 128"


def test_make_install_desktop_installs_for_this_user_only(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "install-desktop",
         f"HOME={tmp_path}", f"VENV={venv}", "XDG_DATA_HOME="],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    share = tmp_path / ".local" / "share"
    entry = _entry(share / "applications" / "encyclopedia.desktop")
    assert entry["Exec"] == f"{venv}/bin/encyclopedia open"
    assert entry["TryExec"] == f"{venv}/bin/encyclopedia"
    icon = share / "icons" / "hicolor" / "scalable" / "apps" / "encyclopedia.svg"
    assert icon.read_bytes() == (RESOURCES / "encyclopedia.svg").read_bytes()

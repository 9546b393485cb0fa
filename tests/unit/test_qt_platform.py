"""No Qt platform: one clear line and exit code 2 for a window, offscreen for a screenshot.

A plugin that needs a missing system library is made for real: a tiny shared
object built with gcc against a library that is then deleted, put where Qt
looks first (``QT_QPA_PLATFORM_PLUGIN_PATH``). Nothing on the machine changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viewer import qt_platform
from viewer.qt_platform import PlatformUnavailable, choose_platform, debian_package

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("gcc"),
                                reason="X11 plugins are Linux's; the fake plugins need gcc")

GONE = "libencyclopedia-gone.so.3"
NO_SUCH_DISPLAY = ":731"  # nothing listens there: Qt would abort, were it asked


def _plugin(folder: Path, needs: str | None = None) -> Path:
    """A ``libqxcb.so`` in ``folder`` that loads, or that needs the missing ``needs``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "plugin.c"
    source.write_text("int encyclopedia_test_plugin(void) { return 1; }\n")
    link: list[str] = []
    if needs:
        library = folder / needs
        (folder / "gone.c").write_text("int encyclopedia_gone(void) { return 0; }\n")
        subprocess.run(["gcc", "-shared", "-fPIC", f"-Wl,-soname,{needs}", "-o", str(library),
                        str(folder / "gone.c")], check=True)
        link = [f"-L{folder}", "-Wl,--no-as-needed", f"-l:{needs}"]
    plugin = folder / "libqxcb.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(plugin), str(source), *link],
                   check=True)
    if needs:
        (folder / needs).unlink()  # as on a machine without the package
    return plugin


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _plugin(tmp_path_factory.mktemp("broken"), needs=GONE)


@pytest.fixture
def x11(monkeypatch: pytest.MonkeyPatch) -> None:
    """A display is set and Qt's platform is left to choose, as on a desktop."""
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", NO_SUCH_DISPLAY)


def test_a_plugin_without_its_library_names_the_library_and_its_package(broken: Path) -> None:
    problem = qt_platform.plugin_problem(broken)
    assert problem == (f"Qt's xcb platform plugin needs the system library {GONE} (on Debian "
                       "and Ubuntu, the package libencyclopedia-gone3), which is not installed")


def test_a_plugin_that_loads_is_remembered_until_it_or_the_system_libraries_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encyclopedia_home: Path) -> None:
    import ctypes

    plugin = _plugin(tmp_path / "good")
    assert qt_platform.plugin_problem(plugin) is None
    assert (encyclopedia_home / "cache" / qt_platform.STAMP).exists()

    loads = ctypes.CDLL

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("libxcb-cursor.so.0: cannot open shared object file: No such file")

    monkeypatch.setattr(ctypes, "CDLL", refuse)
    assert qt_platform.plugin_problem(plugin) is None  # not loaded again: remembered
    os.utime(plugin, ns=(1, 1))  # a new plugin: loaded again
    assert "libxcb-cursor.so.0" in (qt_platform.plugin_problem(plugin) or "")

    monkeypatch.setattr(ctypes, "CDLL", loads)
    assert qt_platform.plugin_problem(plugin) is None
    monkeypatch.setattr(ctypes, "CDLL", refuse)
    # Packages added or removed libraries (ldconfig rewrote its cache): loaded again.
    monkeypatch.setattr(qt_platform, "LIBRARY_CACHE", str(tmp_path / "good" / "plugin.c"))
    assert "libxcb-cursor.so.0" in (qt_platform.plugin_problem(plugin) or "")


@pytest.mark.parametrize(("library", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libEGL.so.1", "libegl1"),
    ("libfontconfig.so.1.12.0", "libfontconfig1"),
    ("libfoo.so", None),
])
def test_debian_package_names_follow_debians_rule(library: str, package: str | None) -> None:
    assert debian_package(library) == package


def test_the_readers_own_platform_is_left_alone(monkeypatch: pytest.MonkeyPatch,
                                                broken: Path) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken.parent))
    choose_platform(screenshot=False)
    assert os.environ["QT_QPA_PLATFORM"] == "xcb"


@pytest.mark.usefixtures("x11")
def test_a_screenshot_falls_back_to_offscreen_and_a_window_says_why_it_cannot_open(
        monkeypatch: pytest.MonkeyPatch, broken: Path) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken.parent))
    with pytest.raises(PlatformUnavailable, match=f"needs the system library {GONE}"):
        choose_platform(screenshot=False)
    assert "QT_QPA_PLATFORM" not in os.environ
    choose_platform(screenshot=True)
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


@pytest.mark.usefixtures("x11")
def test_without_any_display_a_window_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY")
    with pytest.raises(PlatformUnavailable, match="there is no display"):
        choose_platform(screenshot=False)
    choose_platform(screenshot=True)
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


@pytest.mark.usefixtures("x11")
def test_a_wayland_session_is_left_to_qt(monkeypatch: pytest.MonkeyPatch,
                                         broken: Path) -> None:
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("QT_QPA_PLATFORM_PLUGIN_PATH", str(broken.parent))
    choose_platform(screenshot=False)
    assert "QT_QPA_PLATFORM" not in os.environ


# --- The real command ---------------------------------------------------------------------

def _viewer(*words: str, plugins: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items()
           if name not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=NO_SUCH_DISPLAY, QT_QPA_PLATFORM_PLUGIN_PATH=str(plugins))
    return subprocess.run([sys.executable, "-m", "viewer", *words], capture_output=True,
                          text=True, timeout=120, env=env)


def test_open_without_its_platform_library_prints_one_line_and_exits_2(broken: Path) -> None:
    done = _viewer("open", plugins=broken.parent)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("encyclopedia: cannot open a window: ")
    assert GONE in done.stderr and "--screenshot" in done.stderr


def test_a_screenshot_and_a_pdf_are_made_offscreen_without_it(broken: Path,
                                                               tmp_path: Path) -> None:
    picture = tmp_path / "shot.png"
    done = _viewer("open", "--screenshot", str(picture), plugins=broken.parent)
    assert done.returncode == 0, done.stderr
    assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "qt.qpa.plugin" not in done.stderr  # Qt never tried the broken plugin

    document = tmp_path / "article.pdf"
    done = _viewer("pdf", "seven-thousand-cadres-conference", "-o", str(document),
                   plugins=broken.parent)
    assert done.returncode == 0, done.stderr
    assert document.read_bytes().startswith(b"%PDF")

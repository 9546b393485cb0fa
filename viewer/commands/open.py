"""``encyclopedia open``: the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace
    from types import SimpleNamespace


def run(args: Namespace | SimpleNamespace) -> int:
    from viewer.app import run_window

    return run_window(args)

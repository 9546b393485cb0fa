"""``encyclopedia open``: the window."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from viewer.app import run_window

    return run_window(args)

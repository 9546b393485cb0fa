"""Run every benchmark, print one table and write bench-results/bench.json.

Each benchmark module has ``run(quick: bool) -> list[Row]``; a row is a metric
with our figure, the baseline's figure from the same run, their ratio and the
goal that ratio (or figure) should meet.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

MODULES = ["startup", "search", "libraries"]
OUT = Path("bench-results")


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--quick", action="store_true", help="smaller corpora, fewer runs")
    parser.add_argument("--only", choices=MODULES, action="append")
    args = parser.parse_args()
    results = {"when": time.strftime("%Y-%m-%dT%H:%M:%S"), "python": platform.python_version(),
               "machine": platform.machine(), "benchmarks": {}}
    rows_all = []
    for name in args.only or MODULES:
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"== {name} ==", file=sys.stderr, flush=True)
        rows = module.run(quick=args.quick)
        results["benchmarks"][name] = rows
        rows_all.extend((name, row) for row in rows)
    bench = max([8, *(len(name) for name, _ in rows_all)])
    metric = max([44, *(len(row["metric"]) for _, row in rows_all)])
    header = (f"{'bench':<{bench}} {'metric':<{metric}} {'ours':>12} {'baseline':>12} "
              f"{'ratio':>7}  goal")
    print(header)
    print("-" * len(header))
    for name, row in rows_all:
        print(f"{name:<{bench}} {row['metric']:<{metric}} {_fmt(row.get('ours'), row.get('unit'))} "
              f"{_fmt(row.get('baseline'), row.get('unit'))} {_ratio(row.get('ratio')):>7}  "
              f"{row.get('goal', '')}{'' if row.get('met', True) else '  MISSED'}")
    OUT.mkdir(exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(results, indent=2))
    print(f"\nwritten {OUT / 'bench.json'}")
    return 0


def _fmt(value: float | None, unit: str | None) -> str:
    if value is None:
        return f"{'-':>12}"
    return f"{value:>9.2f} {unit or '':<2}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


if __name__ == "__main__":
    sys.exit(main())

"""Run one benchmark: ``python -m benchmarks NAME [args]`` calls ``benchmarks.NAME.main(args)``.

Each benchmark module prints ``name: value unit`` lines (ratios last) and returns a
non-zero exit code when it misses a target, so CI can run it as a check.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmark modules beside this file."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    """Dispatch to ``benchmarks.<name>.main`` with the remaining arguments."""
    if not argv or argv[0] not in available():
        print(f"usage: python -m benchmarks NAME [args]; NAME is one of: {', '.join(available())}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"benchmarks.{argv[0]}")
    return int(module.main(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

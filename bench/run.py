"""`make bench`: every figure of the performance budget, measured in this one run and printed
as one table. The machine is noisy, so figures are medians (or best of several) and ratios."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import editors  # noqa: E402
import evaluate  # noqa: E402
import imports  # noqa: E402
import load  # noqa: E402
import pages  # noqa: E402


def main() -> int:
    started = time.monotonic()
    found = []
    for module in (pages, load, editors, evaluate, imports):
        print(f"measuring {module.__name__} ...", file=sys.stderr, flush=True)
        found += module.rows()
    found.sort(key=lambda row: row[0])  # P1 ... P8, each module's own order kept
    width = max(len(row[1]) for row in found)
    print(f"{'':4}{'figure':<{width}}  measured")
    for key, what, figure in found:
        print(f"{key:<4}{what:<{width}}  {figure}")
    print(f"(measured in {time.monotonic() - started:.0f} s)")
    lost = [row for row in found if "lost writes 0," not in row[2] and row[0] == "P5"]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())

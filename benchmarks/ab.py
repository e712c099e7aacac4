"""Re-render A/B: which of two checkouts re-renders faster after an edit, on this machine.

    python benchmarks/ab.py OLD_CHECKOUT NEW_CHECKOUT [--rounds 8] [--case PATH]

e.g. ``git worktree add /tmp/ab-old HEAD~1`` then ``python benchmarks/ab.py /tmp/ab-old .``.
This machine's speed drifts by tens of percent over minutes, more than most changes are
worth, so the two are measured alternately (A B, B A, ...), each render a fresh process
after an edit of its own (the one `render.py` makes), and the medians compared. The case
is `render.py`'s (it must exist: run that first). Prints seconds of the render call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("checkouts", nargs=2, type=Path)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--case", type=Path, default=Path("/tmp/casefile-render-bench"))
    ap.add_argument("--incident", type=int, default=30)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    import generate
    import render

    checkouts = [str(c.resolve()) for c in args.checkouts]
    seconds: dict[str, list[float]] = {c: [] for c in checkouts}
    for r in range(args.rounds):
        for checkout in checkouts if r % 2 == 0 else checkouts[::-1]:
            generate.revise_benchmark_case(
                args.case, args.incident, f"Edited for the A/B benchmark at {time.time()}."
            )
            out = subprocess.run(
                [sys.executable, "-c", render.CASEFILE_RENDER, str(args.case), "2", os.devnull],
                check=True,
                capture_output=True,
                text=True,
                # In the checkout, and on PYTHONPATH: `python -c` puts the working folder
                # first on sys.path, ahead of PYTHONPATH and the installed casefile.
                cwd=checkout,
                env={**os.environ, "PYTHONPATH": checkout},
            )
            assert json.loads(out.stdout.strip().splitlines()[-1])["casefile"] == checkout
            seconds[checkout].append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
    for checkout, xs in seconds.items():
        print(
            f"{checkout}: median {statistics.median(xs):.3f} s, {min(xs):.3f}-{max(xs):.3f} "
            f"({' '.join(f'{x:.2f}' for x in xs)})"
        )


if __name__ == "__main__":
    main()

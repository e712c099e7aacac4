"""Where a fresh re-render's time goes: a timeline of one `--jobs 2` render after an edit.

    python benchmarks/trace.py [--case /tmp/casefile-render-bench] [--rounds 3]

Each round edits incident 30 as `render.py` does, then renders in a fresh process and
prints, in seconds from the render call: when this process sent the parts to lay out,
when the first worker was ready (WeasyPrint imported), each layout (its part, pages,
duration, worker), the merge, and the end. The case is `render.py`'s (run that first).
Figures, not asserts; the stages are what benchmarks/RESULTS.md discusses.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROUND = """
import os, sys, time
from pathlib import Path
from casefile.model.case import Audience
from casefile.render.dossier import render
from casefile.render.options import RenderOptions
from casefile.store.case import CaseFolder
import casefile.render.parallel as parallel, casefile.render.workerpool as workerpool
from casefile.cli import tune_gc
tune_gc()  # as the casefile command does

case = CaseFolder.open(Path(sys.argv[1]))
start = [0.0]
def mark(what):
    # Workers inherit this and print to the same stderr; lines are short, written at once.
    os.write(2, f"{time.time() - start[0]:7.3f}  {what}\\n".encode())

warm_up = workerpool.warm_up
def traced_warm_up():
    warm_up()
    mark("first worker ready (WeasyPrint imported)")
workerpool.warm_up = traced_warm_up

layout_part = parallel.layout_part
def traced_layout(html, *args):
    began = time.time()
    laid = layout_part(html, *args)
    mark(f"laid out {laid.pages} page(s) in {time.time() - began:.3f} s (worker {os.getpid()})")
    return laid
parallel.layout_part = traced_layout

future = parallel.Runner._future
def traced_future(self, part):
    mark(f"sent {part.name}")
    return future(self, part)
parallel.Runner._future = traced_future

merge = parallel.merge
def traced_merge(*args):
    mark("merge begins")
    pdf = merge(*args)
    mark("merge ends")
    return pdf
parallel.merge = traced_merge

start[0] = time.time()
result = render(case, RenderOptions(Audience.public, jobs=2))
mark(f"done, {result.pages} pages")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", type=Path, default=Path("/tmp/casefile-render-bench"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--incident", type=int, default=30)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    for r in range(args.rounds):
        generate.revise_benchmark_case(
            args.case, args.incident, f"Edited for the trace at {time.time()}."
        )
        print(f"round {r + 1}:", flush=True)
        subprocess.run([sys.executable, "-c", ROUND, str(args.case)], check=True)


if __name__ == "__main__":
    main()

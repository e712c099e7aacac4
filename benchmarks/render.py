"""Render figures for issue 5: parts in parallel and from the cache vs plain WeasyPrint.

    python benchmarks/render.py [--case /tmp/casefile-render-bench] [--incidents 60]

Builds (once) a case whose public dossier has 300+ pages, then prints, each measured in a
fresh process (wall seconds; peak RSS of the process and of its worker processes):

* plain WeasyPrint: one process, ``weasyprint.HTML(string=html).write_pdf()`` on the
  self-contained HTML that ``casefile render --format html`` writes for the same dossier;
* ``casefile`` render, ``--jobs 1`` and ``--jobs 2``, each with the part cache deleted;
* a re-render with ``--jobs 2`` after one incident's description changed (warm cache; the
  edit replaces the incident's one benchmark note, so the incident keeps its size from
  round to round), and which parts it laid out: the incident's facts, the cover and the
  custody summary when the edit moved no page; the contents and exhibit-index pieces too
  when it did;
* ``casefile --help`` and ``casefile incident list``, and whether they import WeasyPrint;
* with ``casefile render --watch --jobs 2`` running, the seconds from an incident's edit
  to the new PDF written.

No asserts: the figures and ratios are printed for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
CASEFILE = str(Path(PY).parent / "casefile")

PLAIN = """
import json, resource, sys, time
import weasyprint
html = open(sys.argv[1], encoding="utf-8").read()
t = time.perf_counter()
pdf = weasyprint.HTML(string=html).write_pdf()
seconds = time.perf_counter() - t
open(sys.argv[2], "wb").write(pdf)
u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds,
    "cpu": u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime,
    "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children": 0}))
"""

CASEFILE_RENDER = """
import json, resource, sys, time
try:
    from casefile.cli import tune_gc  # as the casefile command does
except ImportError:  # a checkout older than it (benchmarks/ab.py)
    tune_gc = lambda: None
tune_gc()
from pathlib import Path
from casefile.model.case import Audience
from casefile.render.dossier import render
from casefile.render.options import RenderOptions
from casefile.store.case import CaseFolder
case = CaseFolder.open(Path(sys.argv[1]))
import casefile.render.parallel as parallel
laid_out = []  # parts laid out, not taken from the cache
_submit = parallel.Runner._future
def _future(self, part):
    laid_out.append(part.name)
    return _submit(self, part)
parallel.Runner._future = _future
t = time.perf_counter()
result = render(case, RenderOptions(Audience.public, jobs=int(sys.argv[2])))
seconds = time.perf_counter() - t
Path(sys.argv[3]).write_bytes(result.data)
import multiprocessing
while multiprocessing.active_children():  # reap the workers, so their CPU time counts
    time.sleep(0.01)
u, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
import casefile
print(json.dumps({"seconds": seconds, "pages": result.pages, "laid_out": laid_out,
    "casefile": str(Path(casefile.__file__).parent.parent),
    "cpu": u.ru_utime + u.ru_stime + c.ru_utime + c.ru_stime,
    "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_py(code: str, *args: str) -> dict:
    out = subprocess.run([PY, "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def imports_weasyprint(args: list[str]) -> bool:
    code = (
        "import sys\nfrom casefile.cli.app import main\nsys.argv=['casefile',*sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('WEASYPRINT' if 'weasyprint' in sys.modules else 'NO')"
    )
    out = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True).stdout
    return "WEASYPRINT" in out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", type=Path, default=Path("/tmp/casefile-render-bench"))
    ap.add_argument("--incidents", type=int, default=60)
    ap.add_argument("--out", type=Path, default=Path("/tmp/casefile-render-bench-out"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    import generate

    if not (args.case / "case.yaml").exists():
        t = time.perf_counter()
        generate.make_case(
            args.case,
            incidents=args.incidents,
            exhibits=3,
            statements=1,
            paragraphs=4,
            criteria=("distinction", "proportionality"),
        )
        print(f"generated {args.case} in {time.perf_counter() - t:.0f} s")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    cache = args.case / ".casefile-cache"
    html = out / "dossier.html"
    subprocess.run(
        [
            CASEFILE,
            "--case",
            str(args.case),
            "render",
            "--format",
            "html",
            "--audience",
            "public",
            "-o",
            str(html),
        ],
        check=True,
        capture_output=True,
    )
    print(f"machine: {os.cpu_count()} cores, {_cpu_model()}; load {os.getloadavg()[0]:.1f}")
    print("(CPU s: user+sys of the process and its workers, including imports; wall seconds")
    print(" time the render call only. Other work on the machine inflates wall time.)")

    # Rounds of (plain, clean --jobs 2, re-render after an edit), so that each ratio compares
    # runs made seconds apart: this machine's speed drifts by tens of percent over minutes.
    rounds = []
    for r in range(args.rounds):
        plain = run_py(PLAIN, str(html), str(out / "plain.pdf"))
        shutil.rmtree(cache, ignore_errors=True)
        two = run_py(CASEFILE_RENDER, str(args.case), "2", str(out / "jobs2.pdf"))
        generate.revise_description(
            generate.CaseFolder.open(args.case.resolve()),
            generate.incident_id(args.incidents // 2),
            f"Edited for the benchmark, round {r + 1}.",
        )
        inc = run_py(CASEFILE_RENDER, str(args.case), "2", str(out / "incremental.pdf"))
        rounds.append((plain, two, inc))
        print(
            f"round {r + 1}: plain {plain['seconds']:.2f} s, --jobs 2 {two['seconds']:.2f} s "
            f"({two['seconds'] / plain['seconds']:.3f}), re-render {inc['seconds']:.2f} s "
            f"({inc['seconds'] / two['seconds']:.3f}; laid out: {', '.join(inc['laid_out'])})",
            flush=True,
        )
    shutil.rmtree(cache, ignore_errors=True)
    one = run_py(CASEFILE_RENDER, str(args.case), "1", str(out / "jobs1.pdf"))
    shutil.rmtree(cache, ignore_errors=True)
    run_py(CASEFILE_RENDER, str(args.case), "2", str(out / "jobs2.pdf"))
    same = (out / "jobs1.pdf").read_bytes() == (out / "jobs2.pdf").read_bytes()
    median = sorted(
        range(len(rounds)), key=lambda k: rounds[k][1]["seconds"] / rounds[k][0]["seconds"]
    )[len(rounds) // 2]
    plain, two, inc = rounds[median]

    from pypdf import PdfReader

    plain_pages = len(PdfReader(out / "plain.pdf").pages)
    help_s = wall([CASEFILE, "--help"])
    list_s = wall([CASEFILE, "--case", str(args.case), "incident", "list"])
    rows = [
        ("plain WeasyPrint, 1 process", plain, plain_pages, 1.0, None),
        ("casefile --jobs 1, clean", one, one["pages"], one["seconds"] / plain["seconds"], None),
        ("casefile --jobs 2, clean", two, two["pages"], two["seconds"] / plain["seconds"], 0.55),
        ("re-render, 1 incident edited", inc, inc["pages"], inc["seconds"] / two["seconds"], 0.10),
    ]
    print(
        f"{'measure':32} {'pages':>5} {'seconds':>8} {'CPU s':>6} {'ratio':>6} {'target':>6} "
        f"{'RSS MB':>7} {'workers MB':>10}"
    )
    for name, r, pages, ratio, target in rows:
        goal = f"{target:.2f}" if target else "-"
        print(
            f"{name:32} {pages:>5} {r['seconds']:8.2f} {r['cpu']:6.1f} {ratio:6.3f} {goal:>6} "
            f"{r['rss_self']:7.0f} {r['rss_children']:10.0f}"
        )
    print(
        f"(the round with the median --jobs 2 ratio, {median + 1} of {len(rounds)}; ratios: jobs "
        "runs to plain WeasyPrint; re-render to the --jobs 2 clean render)"
    )
    incs = sorted(i["seconds"] / t["seconds"] for _p, t, i in rounds)
    print(f"re-render ratios of all rounds: {', '.join(f'{x:.3f}' for x in incs)}")
    print(f"re-render / plain WeasyPrint: {inc['seconds'] / plain['seconds']:.3f}")
    print(f"--jobs 1 and --jobs 2 outputs byte-identical: {same}")
    print(
        f"casefile --help: {help_s:.3f} s (target 0.3), imports WeasyPrint: "
        f"{imports_weasyprint(['--help'])}"
    )
    print(
        f"casefile incident list: {list_s:.3f} s (target 0.3), imports WeasyPrint: "
        f"{imports_weasyprint(['--case', str(args.case), 'incident', 'list'])}"
    )
    watched = watch_rerenders(args.case, out / "watch.pdf", args.incidents // 2, args.rounds)
    print(
        "render --watch --jobs 2, from the edit to the new PDF written: "
        + ", ".join(f"{s:.2f} s ({s / two['seconds']:.3f})" for s in watched)
        + " (ratios to the --jobs 2 clean render above; target 0.10)"
    )


def watch_rerenders(case: Path, pdf: Path, number: int, rounds: int) -> list[float]:
    """Seconds from an incident's edit (through casefile's library, as `incident edit`
    does) to the new PDF written by a running `casefile render --watch`: what a user
    editing with the watch on waits, the watch's detection of the change included."""
    import generate

    pdf.unlink(missing_ok=True)
    # Ctrl-C (SIGINT) stops the watch, even when this script runs as a shell's background
    # job, which ignores SIGINT: the watch is started with it restored.
    interruptible = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'casefile'; runpy.run_module('casefile', run_name='__main__')"
    )
    proc = subprocess.Popen(
        [PY, "-c", interruptible, "--case", str(case), "render", "--audience", "public"]
        + ["--watch", "--jobs", "2", "-o", str(pdf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def stamp() -> tuple[int, int] | None:
        try:
            st = pdf.stat()
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_size

    def wait_for_change(before: tuple[int, int] | None, limit: float = 300) -> None:
        end = time.perf_counter() + limit
        while stamp() == before:
            if time.perf_counter() > end or proc.poll() is not None:
                proc.kill()
                raise SystemExit(f"render --watch wrote nothing: {proc.communicate()[1]}")
            time.sleep(0.005)

    seconds = []
    try:
        wait_for_change(None)
        time.sleep(2)  # the first render's custody entry seen and let go
        for r in range(rounds):
            before = stamp()
            start = time.perf_counter()
            generate.revise_description(
                generate.CaseFolder.open(case.resolve()),
                generate.incident_id(number),
                f"Edited for the watch benchmark, round {r + 1}.",
            )
            wait_for_change(before)
            seconds.append(time.perf_counter() - start)
            time.sleep(2)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    return seconds


def _cpu_model() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()

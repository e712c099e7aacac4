"""Large-case figures: `evidence list --json` and `check` on 1,000 incidents, 100,000 exhibits
and 5,000 statements, each with an identity (so `check` looks for parts of 5,000 withheld
names), then commands that write to it (an incident added, one file and 256
files of 100 KB added as evidence) and `check` right after them. Prints seconds and peak
RSS of each command; no asserts.

    python benchmarks/scale.py [--case /tmp/casefile-scale] [--exhibits 100000] [--no-writes]

The writing commands change the case: each run adds an incident and 257 exhibits.

The case is generated once (benchmarks/generate.py, fast path) and reused if it exists
(a case generated before identities were gets them).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASEFILE = Path(sys.executable).parent / "casefile"


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one command (its own process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", type=Path, default=Path("/tmp/casefile-scale"))
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--exhibits", type=int, default=100_000)
    ap.add_argument("--statements", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--no-writes", action="store_true", help="only the read-only commands")
    args = ap.parse_args()
    if not (args.case / "case.yaml").exists():
        sys.path.insert(0, str(HERE))
        from generate import make_scale_case

        t = time.perf_counter()
        make_scale_case(
            args.case, incidents=args.incidents, exhibits=args.exhibits, statements=args.statements
        )
        print(f"generated {args.case} in {time.perf_counter() - t:.0f} s")
    elif not (args.case / "identities").is_dir():
        sys.path.insert(0, str(HERE))
        from generate import write_identities

        from casefile.store.case import CaseFolder

        added = write_identities(CaseFolder.open(args.case))
        print(f"added {added} identities to {args.case} (generated before they were)")
    base = [str(CASEFILE), "--case", str(args.case)]
    rows = [
        ("evidence list --json", [*base, "evidence", "list", "--json"], 5.0),
        ("check", [*base, "check"], 10.0),
        ("incident list --json", [*base, "incident", "list", "--json"], None),
        ("witness list --json", [*base, "witness", "list", "--json"], None),
        # The tables people read: no goal in the issue; rich's Table took 2 min here.
        ("evidence list (table)", [*base, "evidence", "list"], None),
        ("incident list (table)", [*base, "incident", "list"], None),
    ]
    print(f"{'command':24} {'run':>3} {'seconds':>8} {'target':>7} {'peak MB':>8} {'exit':>4}")
    for name, cmd, target in rows:
        for run in range(1, args.runs + 1):
            seconds, rss, code = timed(cmd)
            goal = f"{target:.0f}" if target else "-"
            print(f"{name:24} {run:>3} {seconds:8.2f} {goal:>7} {rss:8.0f} {code:>4}")
    if not args.no_writes:
        writes(args.case, base, args.runs)


def writes(case: Path, base: list[str], runs: int) -> None:
    """Writing commands: each checks the custody chain and looks for hand edits first, so
    they grow with the case. The generated records are not in the custody log yet; the
    first write logs them as noticed (~106,000 entries, as a case this size would have),
    and is not one of the figures."""
    os.environ.setdefault("CASEFILE_ACTOR", "bench")
    log = case / "custody.jsonl"
    with open(log, "rb") as fh:
        entries = sum(1 for _ in fh)
    if entries < 10_000:
        seconds, _rss, _code = timed([*base, "incident", "add", f"LOG-{time.time_ns()}",
                                      "--title", "t", "--date", "2015-01-01"])  # fmt: skip
        print(f"(first write, logging the generated records: {seconds:.1f} s)")
    with tempfile.TemporaryDirectory(prefix="casefile-scale-") as tmp:
        for run in range(1, runs + 1):
            stamp = time.time_ns()
            one = Path(tmp) / f"one-{stamp}.bin"
            one.write_bytes(os.urandom(100_000))
            folder = Path(tmp) / f"many-{stamp}"
            folder.mkdir()
            for k in range(256):
                (folder / f"f{k:03d}.bin").write_bytes(os.urandom(100_000))
            os.sync()
            rows = [
                ("incident add", ["incident", "add", f"NEW-{stamp}", "--title", "t",
                                  "--date", "2015-01-01"]),
                ("evidence add (1 file)", ["evidence", "add", str(one), "--incident",
                                           f"NEW-{stamp}"]),
                ("evidence add (256)", ["evidence", "add", str(folder), "--incident",
                                        f"NEW-{stamp}"]),
                # The new records are not in the listing cache yet.
                ("check, after the adds", ["check"]),
            ]  # fmt: skip
            for name, args in rows:
                seconds, rss, code = timed([*base, *args])
                goal = "10" if args == ["check"] else "-"
                print(f"{name:24} {run:>3} {seconds:8.2f} {goal:>7} {rss:8.0f} {code:>4}")


if __name__ == "__main__":
    main()

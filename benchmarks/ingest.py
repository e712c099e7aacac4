"""Ingest benchmark: prints figures, asserts nothing.

1. One big file (default 1 GiB): `casefile.store.ingest.ingest` against plain `hashlib.sha256`
   over the same file in the same run (1 MiB reads). Goal: ingest >= 0.8 of hashing speed,
   peak memory of the ingest process <= 100 MB.
2. Many small files (default 2,000 x 100 KB): files per second. Goal: >= 300/s.

Each ingest runs in its own process, so its peak RSS (ru_maxrss from wait4) is its own.
The time of an ingest is split into "copied and hashed" (the last byte hashed) and the
rest (the final fsync of the blob, its record and custody entry), since the fsync of a
big file is bounded by the disk, not by casefile. On a file system with reflinks (Btrfs,
XFS) the blob is a clone of the source and the "copy" is its read back to hash it; the
same ingest is then run again with cloning off, as a file system without reflinks would
make it. The sources are synced to disk before any run, as files a researcher already had
would be.

    python benchmarks/ingest.py                      # the full run
    python benchmarks/ingest.py --size-mib 64 --files 200   # a quick run
    python benchmarks/ingest.py --dir /dev/shm        # storage out of the way (tmpfs)
    python benchmarks/ingest.py --dir /mnt/xfs        # a file system with reflinks
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1 << 20

CHILD = r"""
import json, sys, time
from pathlib import Path
from casefile.model.case import Case
from casefile.store.records import add_incident, init_case
from casefile.store.ingest import ingest
from casefile.store import objects

root, source = Path(sys.argv[1]), Path(sys.argv[2])
if sys.argv[4] == "copy":
    objects._FICLONE = None  # as on a file system without reflinks
clones = 0
real_clone = objects.clone
def counting_clone(src_fd, dst_fd):
    global clones
    cloned = real_clone(src_fd, dst_fd)
    clones += cloned
    return cloned
objects.clone = counting_clone
case = init_case(root, Case(title="benchmark"), "bench")
add_incident(case, "bench", {"id": "BENCH", "title": "benchmark", "date": "2015-01-01"})
total = int(sys.argv[3])
seen = 0
hashed_at = None
def progress(n):
    global seen, hashed_at
    seen += n
    if seen >= total and hashed_at is None:
        hashed_at = time.perf_counter()
start = time.perf_counter()
results = ingest(case, "bench", [source], ["BENCH"], {}, progress=progress)
end = time.perf_counter()
print(json.dumps({
    "seconds": end - start,
    "hashed_seconds": (hashed_at or end) - start,
    "exhibits": len(results),
    "clones": clones,
}))
"""


def filesystem(path: Path) -> str:
    """The file system type under `path` (ext4: blobs are copies; Btrfs, XFS: clones)."""
    found = subprocess.run(
        ["findmnt", "-n", "-o", "FSTYPE", "-T", str(path)], capture_output=True, text=True
    )
    # One line per mount at that point; the last is the one on top (/dev/shm is often
    # mounted twice).
    lines = found.stdout.split()
    return lines[-1] if lines else "file system unknown"


def make_big(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, "wb") as fh:
        for i in range(size // MIB):
            fh.write(i.to_bytes(8, "big") + block[8:])
        if size % MIB:
            fh.write(block[: size % MIB])


def plain_sha256(path: Path) -> float:
    start = time.perf_counter()
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(MIB):
            h.update(chunk)
    h.hexdigest()
    return time.perf_counter() - start


def plain_copy(path: Path, target: Path) -> float:
    """What the storage allows: copy the file (1 MiB reads and writes) and fsync it."""
    start = time.perf_counter()
    with open(path, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(MIB):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def run_child(root: Path, source: Path, total: int, how: str = "best") -> tuple[dict, float]:
    """Run one ingest in a fresh process; return its report and its peak RSS in MB.
    `how`: "best" clones where the file system can, "copy" always copies."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(source), str(total), how],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"ingest process failed with exit code {proc.returncode}")
    maxrss = usage.ru_maxrss / 1024  # KiB on Linux
    return json.loads(out), maxrss


def big_file(work: Path, size: int) -> None:
    source = work / "big.bin"
    print(f"== one file of {size / MIB:.0f} MiB (in {work}, {filesystem(work)})")
    make_big(source, size)
    # The source sits on the disk, as a file a researcher had before adding it would: left
    # dirty, its own write-back would be charged to whichever run syncs the filesystem next.
    os.sync()
    plain_sha256(source)  # warm the page cache: hashlib reads from memory (a clone's
    hash_seconds = plain_sha256(source)  # read-back comes from the disk)
    report, rss = run_child(work / "case-big", source, size)
    copy_seconds = plain_copy(source, work / "copy.bin")
    how = "a clone of the source" if report["clones"] else "a copy"
    hash_rate = size / MIB / hash_seconds
    ingest_rate = size / MIB / report["seconds"]
    copy_rate = size / MIB / report["hashed_seconds"]
    print(f"plain hashlib.sha256        {hash_rate:9.1f} MB/s  ({hash_seconds:.2f} s)")
    print(
        f"evidence add (library)      {ingest_rate:9.1f} MB/s  ({report['seconds']:.2f} s),"
        f" the blob {how}"
    )
    print(
        f"  of which copy+hash        {copy_rate:9.1f} MB/s  ({report['hashed_seconds']:.2f} s);"
        f" fsync and record {report['seconds'] - report['hashed_seconds']:.2f} s"
    )
    print(
        f"plain copy + fsync          {size / MIB / copy_seconds:9.1f} MB/s  ({copy_seconds:.2f} s)"
    )
    print(f"ratio ingest / sha256       {ingest_rate / hash_rate:9.2f}   (goal >= 0.8)")
    print(f"ratio ingest / copy+fsync   {ingest_rate * copy_seconds / (size / MIB):9.2f}")
    print(f"ratio copy+hash / sha256    {copy_rate / hash_rate:9.2f}   (before the final fsync)")
    print(f"peak RSS of ingest process  {rss:9.1f} MB    (goal <= 100 MB)")
    shutil.rmtree(work / "case-big")
    if report["clones"]:
        copied, _rss = run_child(work / "case-big", source, size, "copy")
        rate = size / MIB / copied["seconds"]
        print(
            f"the same, copied, as without reflinks: {rate:.1f} MB/s ({copied['seconds']:.2f} s),"
            f" ratio {rate / hash_rate:.2f}"
        )
        shutil.rmtree(work / "case-big")
    source.unlink()


def many_files(work: Path, count: int, size: int) -> None:
    folder = work / "many"
    folder.mkdir()
    print(f"== {count} files of {size // 1000} KB (in {work}, {filesystem(work)})")
    block = os.urandom(size)
    for i in range(count):
        (folder / f"f{i:05d}.bin").write_bytes(i.to_bytes(8, "big") + block[8:])
    os.sync()
    report, rss = run_child(work / "case-many", folder, count * size)
    rate = report["exhibits"] / report["seconds"]
    print(
        f"evidence add (library)      {rate:9.1f} files/s ({report['seconds']:.2f} s)"
        "  (goal >= 300/s)"
    )
    print(f"peak RSS of ingest process  {rss:9.1f} MB")
    shutil.rmtree(work / "case-many")
    os.sync()  # the removal's own journal writes are not the next run's
    # the same through the command line, start-up included
    root = work / "case-cli"
    env = {**os.environ, "CASEFILE_ACTOR": "bench"}
    cli = [sys.executable, "-m", "casefile", "--case", str(root)]
    subprocess.run(
        [*cli, "init", str(root), "--title", "b"], env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*cli, "incident", "add", "B", "--title", "b", "--date", "2015-01-01"],
        env=env,
        check=True,
        capture_output=True,
    )
    start = time.perf_counter()
    subprocess.run(
        [*cli, "evidence", "add", str(folder), "--incident", "B"],
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    print(
        f"casefile evidence add (CLI) {count / seconds:9.1f} files/s ({seconds:.2f} s,"
        " start-up included)"
    )
    shutil.rmtree(root)
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="big file size (0: skip)")
    parser.add_argument("--files", type=int, default=2000, help="small file count (0: skip)")
    parser.add_argument("--file-kb", type=int, default=100, help="small file size in KB")
    parser.add_argument("--dir", type=Path, default=None, help="where to work (default: $TMPDIR)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casefile-bench-", dir=args.dir) as tmp:
        work = Path(tmp)
        if args.size_mib:
            big_file(work, args.size_mib * MIB)
        if args.files:
            many_files(work, args.files, args.file_kb * 1000)


if __name__ == "__main__":
    main()

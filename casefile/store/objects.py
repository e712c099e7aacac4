"""Content-addressed, read-only storage of evidence bytes: the same bytes are stored once."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from casefile.store.atomic import fsync_dir

CHUNK = 1 << 20
Progress = Callable[[int], None]


def blob_relpath(sha256: str) -> str:
    return f"exhibits/objects/{sha256[:2]}/{sha256}"


def hash_file(path: Path, progress: Progress | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            if progress:
                progress(len(chunk))
    return h.hexdigest()


class ObjectStore:
    def __init__(self, case_root: Path) -> None:
        self.root = case_root / "exhibits" / "objects"
        self.tmp = self.root / "tmp"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(
        self, source: Path, progress: Progress | None = None, *, durable: bool = True
    ) -> tuple[str, int, bool]:
        """Copy a file in while hashing it, in one read of the source.

        Hashing and writing overlap on two threads (both release the GIL), so ingest runs
        at about the speed of hashing alone. Returns (sha256, size, newly stored).
        With durable=False the caller flushes the blob and its folder (a batch at once,
        `atomic.flush`) before any record names it.
        """
        self.tmp.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd = None
        tmp_path = self.tmp / f"{os.getpid()}-{os.urandom(6).hex()}.tmp"
        try:
            fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(source, "rb") as src:
                # A file of one chunk is copied inline: handing it to the writer costs more.
                pool = _writer() if os.fstat(src.fileno()).st_size > CHUNK else _INLINE
                pending = None
                while chunk := src.read(CHUNK):
                    write = pool.submit(_write_all, fd, chunk)
                    h.update(chunk)
                    if pending is not None:
                        pending.result()
                    pending = write
                    size += len(chunk)
                    if progress:
                        progress(len(chunk))
                if pending is not None:
                    pending.result()
            if durable:
                os.fsync(fd)
            os.close(fd)
            fd = None
            sha = h.hexdigest()
            final = self.path(sha)
            if final.is_file():
                tmp_path.unlink()
                return sha, size, False
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(tmp_path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.replace(tmp_path, final)
            if durable:
                fsync_dir(final.parent)
            return sha, size, True
        finally:
            if fd is not None:
                os.close(fd)
            if tmp_path.exists():
                tmp_path.unlink()

    def iter_blobs(self) -> list[tuple[str, Path]]:
        found: list[tuple[str, Path]] = []
        if not self.root.is_dir():
            return found
        for prefix in sorted(os.listdir(self.root)):
            folder = self.root / prefix
            if prefix == "tmp" or not folder.is_dir():
                continue
            for name in sorted(os.listdir(folder)):
                found.append((name, folder / name))
        return found

    def clear_leftovers(self) -> None:
        """Temp files of a killed ingest: never referenced, so removing them loses nothing."""
        if not self.tmp.is_dir():
            return
        for entry in os.listdir(self.tmp):
            pid = entry.split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                continue
            (self.tmp / entry).unlink(missing_ok=True)


class _Done:
    def result(self) -> None:
        return None


class _Inline:
    """The writer's interface, writing at once in the calling thread."""

    def submit(self, fn: Callable[[int, bytes], None], fd: int, data: bytes) -> _Done:
        fn(fd, data)
        return _Done()


_INLINE = _Inline()
_WRITER: ThreadPoolExecutor | None = None


def _writer() -> ThreadPoolExecutor:
    """One writer thread per process, started once: a thread per file costs more than a
    small file takes to copy."""
    global _WRITER
    if _WRITER is None:
        _WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casefile-writer")
    return _WRITER


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]

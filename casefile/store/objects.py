"""Content-addressed, read-only storage of evidence bytes: the same bytes are stored once."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

from casefile.store.atomic import fsync_dir

CHUNK = 1 << 20
CHUNK_READ = 4 << 20  # reading a clone back: fewer, larger reads keep the disk busy
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
        """Store a file's bytes and hash exactly the bytes stored.

        Where the case's filesystem can share the source's blocks (a reflink: Btrfs, XFS,
        the same filesystem), the blob is a clone: nothing is written, no space is taken
        twice, and a later edit of the original does not reach it (copy on write). The
        clone is then read back to hash it, so the digest is of the blob, whatever happened
        to the source meanwhile. Elsewhere the bytes are copied and hashed in one read.
        Returns (sha256, size, newly stored). With durable=False the caller flushes the blob
        and its folder (a batch at once, `atomic.flush`) before any record names it.
        """
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd = None
        tmp_path = self.tmp / f"{os.getpid()}-{os.urandom(6).hex()}.tmp"
        try:
            fd = os.open(tmp_path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            with open(source, "rb") as src:
                if clone(src.fileno(), fd):
                    sha, size = _hash_fd(fd, progress)
                else:
                    sha, size = _copy_hashing(src, fd, progress)
            if durable:
                os.fsync(fd)
            os.close(fd)
            fd = None
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
            try:
                if fd is not None:  # an error on the way: nothing may still write to `fd`
                    _drain()
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


def clone(src_fd: int, dst_fd: int) -> bool:
    """Make the empty file `dst_fd` share the blocks of `src_fd` (FICLONE); False where the
    filesystem, the pair of filesystems or the platform cannot, with `dst_fd` left empty."""
    if _FICLONE is None:
        return False
    import fcntl  # POSIX only, and _FICLONE is set on Linux alone

    try:
        fcntl.ioctl(dst_fd, _FICLONE, src_fd)
    except OSError:
        # EOPNOTSUPP (ext4, tmpfs), EXDEV (another filesystem), EINVAL, ...: copy instead.
        # A clone that failed part way may have left blocks behind: the copy starts from
        # an empty file, at its start.
        os.ftruncate(dst_fd, 0)
        os.lseek(dst_fd, 0, os.SEEK_SET)
        return False
    return True


def _ficlone() -> int | None:
    """The FICLONE request on Linux, None elsewhere. Python names it from 3.12; before,
    it is _IOW(0x94, 9, int) as x86, Arm, RISC-V and s390 encode _IOW (other Linux ports
    encode it otherwise, and go without clones on 3.11)."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl

    named: int | None = getattr(fcntl, "FICLONE", None)
    if named is not None:
        return named
    machine = os.uname().machine.lower()
    if machine.startswith(
        ("x86", "i386", "i486", "i586", "i686", "amd64", "aarch64", "arm", "riscv", "s390")
    ):
        return 0x40049409
    return None


_FICLONE = _ficlone()


def _copy_hashing(src: BinaryIO, fd: int, progress: Progress | None) -> tuple[str, int]:
    """Copy while hashing, in one read of the source: the writes run on the I/O thread
    (both release the GIL), so a copy runs at about the speed of hashing alone."""
    h = hashlib.sha256()
    size = 0
    # A file of one chunk is copied inline: handing it to the thread costs more.
    pool = _io_thread() if os.fstat(src.fileno()).st_size > CHUNK else _INLINE
    pending: Future[None] | _Done | None = None
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
        pending.result()  # a failed last write (a full disk) fails the copy
    return h.hexdigest(), size


def _hash_fd(fd: int, progress: Progress | None) -> tuple[str, int]:
    """Hash a file from its start, the next chunk read on the I/O thread while this one is
    hashed: a clone is read from the disk, not from the source's cached pages, and the
    reads then take about as long as the hashing."""
    h = hashlib.sha256()
    size = 0
    pool = _io_thread()
    offset = 0
    pending = pool.submit(os.pread, fd, CHUNK_READ, offset)
    while chunk := pending.result():
        offset += len(chunk)
        pending = pool.submit(os.pread, fd, CHUNK_READ, offset)
        h.update(chunk)
        size += len(chunk)
        if progress:
            progress(len(chunk))
    return h.hexdigest(), size


def _drain() -> None:
    """Wait until the I/O thread has done everything it was given (it runs its jobs in
    order). Called before a blob's file is closed on an error: a write still queued would
    otherwise land in whatever file is given that descriptor number next, such as the
    next blob. A Ctrl-C during the wait is held until the thread is idle."""
    if _IO is None:
        return
    idle = _IO.submit(int)  # a job that does nothing, queued after all the others
    interrupted: KeyboardInterrupt | None = None
    while True:
        try:
            idle.result()
            break
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted


class _Done:
    def result(self) -> None:
        return None


class _Inline:
    """The I/O thread's interface, writing at once in the calling thread."""

    def submit(self, fn: Callable[[int, bytes], None], fd: int, data: bytes) -> _Done:
        fn(fd, data)
        return _Done()


_INLINE = _Inline()
_IO: ThreadPoolExecutor | None = None


def _io_thread() -> ThreadPoolExecutor:
    """One I/O thread per process, started once: a thread per file costs more than a small
    file takes to copy."""
    global _IO
    if _IO is None:
        from concurrent.futures import ThreadPoolExecutor  # not for a listing

        _IO = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casefile-io")
    return _IO


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

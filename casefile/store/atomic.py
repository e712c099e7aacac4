"""The one atomic writer: a reader or a crash sees the old file or the new one, never half
(derived caches may opt out of the fsyncs, see ``write_atomic``)."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o644, durable: bool = True) -> None:
    """Temp file in the same folder, fsync, rename over the target, fsync the folder.

    ``durable=False`` skips both fsyncs, for derived caches only: a crash may then leave
    the old file, the new one or an empty one, which their readers check and ignore."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def stage(path: Path, data: bytes, *, mode: int = 0o644) -> Path:
    """The first half of write_atomic for a batch: the temp file, written but not yet synced.

    The caller makes a batch of staged files durable with one `flush` and then renames each
    over its target with `os.replace`, so a batch costs a few syncs instead of two per file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's syncfs(2) on Linux, loaded at the first flush, so a listing never imports
    ctypes. It is found among the running program's own symbols (``CDLL(None)``), without
    ``ctypes.util.find_library``, which runs ``ldconfig -p`` (2-70 ms)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def flush(files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> None:
    """Make the bytes of files and the entries of folders durable, all on one file system.

    On Linux one syncfs(2) does it for the whole batch; elsewhere (or if syncfs fails) each
    file and folder is fsynced in turn. Either way nothing returns before it is on disk.
    """
    files, folders = list(files), list(dict.fromkeys(folders))
    if not files and not folders:
        return
    syncfs = _syncfs()
    if syncfs is not None:
        anchor = folders[0] if folders else files[0].parent
        fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for folder in folders:
        fsync_dir(folder)


def remove_durably(path: Path) -> None:
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def is_temp_name(name: str) -> bool:
    """Leftovers of a write killed before its rename; never records, safe to ignore."""
    return name.startswith(".") and name.endswith(".tmp")

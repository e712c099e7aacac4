"""One lock per case around every read-modify-write, so concurrent commands serialise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from casefile.errors import CasefileError

LOCK_NAME = ".casefile.lock"
DEFAULT_TIMEOUT = 600.0


class LockTimeout(CasefileError):
    exit_code = 2


@contextmanager
def case_lock(root: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    lock = FileLock(str(root / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(
            f"{root / LOCK_NAME}: another casefile command holds the case lock; try again"
        ) from None
    try:
        yield
    finally:
        lock.release()

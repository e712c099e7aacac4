"""The object store keeps exactly the bytes it names, whether it copies or clones them."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from casefile.store import objects
from casefile.store.objects import ObjectStore

from .kit import Case

MIB = 1 << 20


def _big(path: Path, size: int = 9 * MIB + 123) -> bytes:
    """More than one chunk of either path (1 MiB copies, 4 MiB reads of a clone)."""
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def _leftovers(store: ObjectStore) -> list[str]:
    return os.listdir(store.tmp) if store.tmp.is_dir() else []


def test_a_failed_clone_leaves_nothing_of_its_own_in_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone that fails part way (say the disk fills) may have left blocks in the blob;
    the copy that follows starts from an empty file."""
    import fcntl

    def half_clone(dst_fd: int, _request: int, _src_fd: int) -> None:
        os.write(dst_fd, b"left by a failed clone" * 200_000)  # longer than the source
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(objects, "_FICLONE", 0x40049409)
    monkeypatch.setattr(fcntl, "ioctl", half_clone)
    data = _big(tmp_path / "video.mp4", 2 * MIB + 5)
    store = ObjectStore(tmp_path / "case")
    sha, size, new = store.put_file(tmp_path / "video.mp4")
    assert (sha, size, new) == (hashlib.sha256(data).hexdigest(), len(data), True)
    assert store.path(sha).read_bytes() == data
    assert _leftovers(store) == []


def test_a_clone_is_hashed_from_the_blob_not_from_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source can change after the clone (a file still being written): the digest must
    name the bytes kept, or `verify` would fail on evidence nobody touched."""
    source = tmp_path / "video.mp4"
    kept = _big(source)

    def clone_then_source_changes(src_fd: int, dst_fd: int) -> bool:
        os.write(dst_fd, os.pread(src_fd, len(kept) + 1, 0))
        source.write_bytes(b"edited afterwards")
        return True

    monkeypatch.setattr(objects, "clone", clone_then_source_changes)
    seen: list[int] = []
    store = ObjectStore(tmp_path / "case")
    sha, size, new = store.put_file(source, seen.append)
    assert (sha, size, new) == (hashlib.sha256(kept).hexdigest(), len(kept), True)
    assert store.path(sha).read_bytes() == kept
    assert sum(seen) == len(kept)  # the progress bar moves while the clone is read back


@pytest.mark.parametrize("cloned", [False, True], ids=["copy", "clone"])
def test_an_interrupted_store_leaves_no_blob_and_spoils_no_later_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cloned: bool
) -> None:
    """Ctrl-C in the middle of a big file while a write is still queued on the I/O thread
    (a slow disk): the half-made blob is removed, and the queued write must not land in
    the next file, which would get the same descriptor number."""
    first, second = tmp_path / "first.mp4", tmp_path / "second.mp4"
    _big(first)
    later = _big(second)
    if cloned:

        def copy_as_clone(src_fd: int, dst_fd: int) -> bool:
            os.write(dst_fd, os.pread(src_fd, 64 * MIB, 0))
            return True

        monkeypatch.setattr(objects, "clone", copy_as_clone)
    real_write, real_pread = objects._write_all, os.pread

    def slow_write(fd: int, data: bytes) -> None:
        time.sleep(0.2)
        real_write(fd, data)

    def slow_pread(fd: int, n: int, offset: int) -> bytes:
        time.sleep(0.2)
        return real_pread(fd, n, offset)

    monkeypatch.setattr(objects, "_write_all", slow_write)
    monkeypatch.setattr(objects.os, "pread", slow_pread)
    calls = 0

    def interrupt(_n: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the next write or read is queued by now
            raise KeyboardInterrupt

    store = ObjectStore(tmp_path / "case")
    with pytest.raises(KeyboardInterrupt):
        store.put_file(first, interrupt)
    assert _leftovers(store) == []
    assert list(store.iter_blobs()) == []
    sha, _size, new = store.put_file(second)
    assert new and sha == hashlib.sha256(later).hexdigest()
    assert store.path(sha).read_bytes() == later


def test_a_failed_last_write_fails_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last write's error (a full disk) must not be lost: the blob would be short
    while its name is the digest of the whole source."""
    source = tmp_path / "video.mp4"
    _big(source, 3 * MIB)
    real = objects._write_all
    written = 0

    def full_at_the_end(fd: int, data: bytes) -> None:
        nonlocal written
        written += len(data)
        if written == 3 * MIB:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(objects, "_write_all", full_at_the_end)
    monkeypatch.setattr(objects, "clone", lambda _s, _d: False)
    store = ObjectStore(tmp_path / "case")
    with pytest.raises(OSError, match="No space"):
        store.put_file(source)
    assert _leftovers(store) == [] and list(store.iter_blobs()) == []


def _reflink_folder(tmp_path: Path) -> Path:
    """A folder on a file system with reflinks: CASEFILE_TEST_REFLINK_DIR (an XFS or Btrfs
    mount; the test then fails rather than skips), else tmp_path if it has them, as
    `cp --reflink=always` finds; otherwise the test is skipped."""
    base = os.environ.get("CASEFILE_TEST_REFLINK_DIR")
    folder = Path(base) / f"casefile-test-{os.getpid()}" if base else tmp_path / "reflink"
    folder.mkdir(parents=True)
    (folder / "probe-a").write_bytes(b"x" * 4096)
    probe = subprocess.run(
        ["cp", "--reflink=always", folder / "probe-a", folder / "probe-b"], capture_output=True
    )
    (folder / "probe-a").unlink()
    (folder / "probe-b").unlink(missing_ok=True)
    if probe.returncode != 0:
        shutil.rmtree(folder)
        if base:
            pytest.fail(f"CASEFILE_TEST_REFLINK_DIR={base}: no reflinks there")
        pytest.skip("no file system with reflinks here (set CASEFILE_TEST_REFLINK_DIR)")
    return folder


def test_a_reflinked_blob_survives_an_edit_of_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Btrfs or XFS the blob is a clone of the original (no copy is made) and shares
    its blocks; writing into the original afterwards must not reach the evidence, and
    `verify` still passes."""
    from .kit import new_case

    folder = _reflink_folder(tmp_path)

    def no_copy(*_args: object) -> tuple[str, int]:
        raise AssertionError("copied where the file system clones")

    monkeypatch.setattr(objects, "_copy_hashing", no_copy)
    try:
        case = new_case(folder / "case")
        original = folder / "drone.mp4"
        data = _big(original)
        sha = hashlib.sha256(data).hexdigest()
        case.ok("evidence", "add", original, "--incident", "INC-1")
        with open(original, "r+b") as fh:  # an edit in place, over the shared blocks
            fh.seek(MIB)
            fh.write(b"\0" * MIB)
        assert [p.name for p in case.blobs()] == [sha]
        assert case.blobs()[0].read_bytes() == data
        code, report = case.verify()
        assert code == 0, report
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_copy_path_stores_the_bytes_where_there_are_no_reflinks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    monkeypatch.setattr(objects, "_FICLONE", None)
    original = tmp_path / "drone.mp4"
    data = _big(original)
    case.ok("evidence", "add", original, "--incident", "INC-1")
    assert [p.read_bytes() == data for p in case.blobs()] == [True]
    assert case.verify()[0] == 0

"""The derived cache of record hashes never hides a hand edit from the next command."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from casefile.store import hashcache
from casefile.store.hashcache import RecordHashes

from .kit import Case, write_files


@pytest.fixture
def cached(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    """A case whose record files are all in the hash cache (just written, yet cached:
    no racy window in these tests), and a count of the files the cache had to read."""
    monkeypatch.setattr(hashcache, "RACY_NS", 0)
    write_files(tmp_path / "in", 3)
    case.ok("evidence", "add", tmp_path / "in", "--incident", "INC-1")
    case.ok("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    case.ok("incident", "add", "INC-4", "--title", "t", "--date", "2015-01-01")
    return case


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = hashcache.hashlib.file_digest

    def counting(fh, digest):  # type: ignore[no-untyped-def]
        read.append(os.path.basename(fh.name))
        return real(fh, digest)

    monkeypatch.setattr(hashcache.hashlib, "file_digest", counting)
    return read


def _noticed(case: Case, n: int) -> list[tuple[str, str]]:
    return [(e["action"], e.get("path", "")) for e in case.log()[n:]]


def test_an_unchanged_case_is_not_read_again(cached: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    read = _reads(monkeypatch)
    cached.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    # Only what the command before wrote (new inodes) is read; nothing else.
    assert read == ["INC-4.yaml"]
    read.clear()
    cached.ok("incident", "edit", "INC-5", "--place", "Idlib")
    assert read == ["INC-5.yaml"]


def test_a_same_size_hand_edit_is_noticed_with_its_mtime_put_back(
    cached: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cached.root / "incidents" / "INC-3.yaml"
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace("title: t", "title: T"))  # the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime as it was; ctime moves
    read = _reads(monkeypatch)
    n = len(cached.log())
    cached.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    assert _noticed(cached, n)[0] == ("record.noticed-changed", "incidents/INC-3.yaml")
    assert cached.log()[n]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "INC-3.yaml" in read


def test_a_forged_cache_is_ignored(cached: Case) -> None:
    """A cache written without the user's key (shipped in a case, edited by hand) claims
    an edited record still has the hash the log knows: it is not believed."""
    path = cached.root / "incidents" / "INC-3.yaml"
    logged = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(path.read_text().replace("title: t", "title: changed by hand"))
    hashes = RecordHashes(cached.root)
    key = "{0.st_ino}:{0.st_size}:{0.st_mtime_ns}:{0.st_ctime_ns}".format(path.stat())
    hashes.path.write_text(f"casefile-sealed 00\nincidents/INC-3.yaml\t{key}\t{logged}\n")
    n = len(cached.log())
    cached.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    assert _noticed(cached, n)[0] == ("record.noticed-changed", "incidents/INC-3.yaml")


def test_deleted_and_added_by_hand_are_noticed(cached: Case) -> None:
    (cached.root / "incidents" / "INC-3.yaml").unlink()
    text = (cached.root / "incidents" / "INC-4.yaml").read_text()
    (cached.root / "incidents" / "INC-9.yaml").write_text(text.replace("INC-4", "INC-9"))
    n = len(cached.log())
    cached.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    assert sorted(_noticed(cached, n)[:2]) == [
        ("record.noticed-deleted", "incidents/INC-3.yaml"),
        ("record.noticed-new", "incidents/INC-9.yaml"),
    ]
    assert cached.verify() == (0, {"ok": True, "problems": []})


class _Clock:
    """time.time_ns as the test says: the racy window is measured from the scan's start."""

    def __init__(self, now: int) -> None:
        self.now = now

    def time_ns(self) -> int:
        return self.now


def test_a_file_changed_just_before_it_was_read_is_not_kept(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written and read in the same moment, then saved long after (a scan of 100,000
    records takes seconds): a second write in the same clock tick could keep the stat key,
    so the entry must not be kept, however late the save."""
    path = case.root / "incidents" / "INC-1.yaml"
    path.write_text(path.read_text())
    clock = _Clock(path.stat().st_mtime_ns)
    monkeypatch.setattr(hashcache, "time", clock)
    hashes = RecordHashes(case.root)
    assert hashes.sha256("incidents/INC-1.yaml") is not None
    clock.now += 10 * hashcache.RACY_NS
    hashes.save()
    assert "incidents/INC-1.yaml" not in RecordHashes(case.root)._known
    older = RecordHashes(case.root)  # the same file, scanned once it has settled
    older.sha256("incidents/INC-1.yaml")
    older.save()
    assert "incidents/INC-1.yaml" in RecordHashes(case.root)._known


def test_verify_sees_what_a_stat_cannot_and_the_next_command_logs_it(
    cached: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a stat cannot show an edit (FAT keeps no ctime, NFS may serve cached
    attributes; here a stat key of inode and size alone stands for that), commands miss
    a same-size hand edit; `verify` reads every byte, names it, and saves what it read,
    so the next command logs it as verify says it will."""
    monkeypatch.setattr(hashcache, "stat_key", lambda st: f"{st.st_ino}:{st.st_size}")
    cached.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    path = cached.root / "incidents" / "INC-3.yaml"
    with open(path, "r+", encoding="utf-8") as fh:  # in place: the same inode and size
        text = fh.read()
        fh.seek(0)
        fh.write(text.replace("title: t", "title: T"))
    n = len(cached.log())
    cached.ok("incident", "add", "INC-6", "--title", "t", "--date", "2015-01-01")
    assert [a for a, _ in _noticed(cached, n)] == ["incident.add"]  # missed: the limit

    from casefile.store import listcache

    monkeypatch.setattr(listcache, "RACY_NS", 0)
    listed = cached.root / ".casefile-cache" / "records" / "incidents.listing"
    cached.ok("incident", "list")
    assert listed.exists()
    _code, report = cached.verify()
    assert "incidents/INC-3.yaml" in str(report) and "record-unlogged" in str(report)
    assert not listed.exists()  # keyed by the same stats: forgotten, rebuilt from the files
    n = len(cached.log())
    cached.ok("incident", "add", "INC-7", "--title", "t", "--date", "2015-01-01")
    assert _noticed(cached, n)[0] == ("record.noticed-changed", "incidents/INC-3.yaml")
    assert cached.log()[n]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()

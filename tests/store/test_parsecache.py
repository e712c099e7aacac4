"""The derived cache of parsed records never changes what a case says."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from casefile.store import parsecache
from casefile.store.cachekey import seal, unseal
from casefile.store.case import CaseFolder
from casefile.store.parsecache import CACHE_DIR

from .kit import case_with_exhibits


def _case(tmp_path: Path) -> CaseFolder:
    from casefile.model.exhibit import Exhibit

    exhibits = [
        Exhibit(
            id=f"E-000{k}",
            sha256=f"{k:064x}",
            size=1,
            media_type="text/plain",
            original_name="a.txt",
            description=f"first {k}",
            incidents=["I-1"],
        )
        for k in range(1, 4)
    ]
    return case_with_exhibits(tmp_path / "case", ["I-1"], exhibits)


def test_cache_follows_every_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsecache, "RACY_NS", 0)  # cached although just written
    case = _case(tmp_path)
    first = CaseFolder.open(case.root).exhibits()
    CaseFolder.open(case.root)._parsed.save()  # nothing dirty: no-op
    cache = case.root / CACHE_DIR / "exhibits.json"
    reader = CaseFolder.open(case.root)
    assert [e.description for e in reader.exhibits()] == ["first 1", "first 2", "first 3"]
    reader._parsed.save()
    assert cache.is_file()
    assert len(_cached(cache)["files"]) == 3

    # A hand edit of the same size, in place (same inode), is seen.
    path = case.exhibit_path("E-0002")
    text = path.read_text()
    with open(path, "r+", encoding="utf-8") as fh:
        fh.write(text.replace("first 2", "FIRST 2"))
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert [e.description for e in CaseFolder.open(case.root).exhibits()][1] == "FIRST 2"

    # A corrupt or deleted cache is just not used.
    cache.write_text("{not json")
    assert CaseFolder.open(case.root).exhibits()[0] == first[0]
    cache.unlink()
    assert CaseFolder.open(case.root).exhibits()[2] == first[2]


def _cached(cache: Path) -> dict:
    body = unseal("parse/exhibits/2", cache.read_bytes())
    assert body is not None
    return json.loads(body)


def test_a_tampered_cache_is_ignored_or_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parsecache, "RACY_NS", 0)
    case = _case(tmp_path)
    truth = CaseFolder.open(case.root).exhibits()
    reader = CaseFolder.open(case.root)
    reader.exhibits()
    reader._parsed.save()
    cache = case.root / CACHE_DIR / "exhibits.json"
    data = _cached(cache)
    # Changed without this user's key (e.g. shipped inside someone else's case): ignored.
    data["files"]["E-0001.yaml"][4]["description"] = "FAKED"
    cache.write_bytes(cache.read_bytes().split(b"\n", 1)[0] + b"\n" + json.dumps(data).encode())
    assert CaseFolder.open(case.root).exhibits() == truth
    # Even sealed with the key, an entry is validated like the file it stands for.
    data["files"]["E-0001.yaml"][4]["id"] = "../../etc"
    cache.write_bytes(seal("parse/exhibits/2", json.dumps(data).encode()) or b"")
    from casefile.errors import RecordError

    with pytest.raises(RecordError):
        CaseFolder.open(case.root).exhibits()


def test_racily_fresh_files_are_not_cached(tmp_path: Path) -> None:
    case = _case(tmp_path)  # written a moment ago: a second write could keep the timestamps
    reader = CaseFolder.open(case.root)
    reader.exhibits()
    reader._parsed.save()
    assert not (case.root / CACHE_DIR / "exhibits.json").exists()


def test_a_few_new_records_are_parsed_without_loading_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after files are added to a large case, the listing cache holds every other
    record: the parse cache is neither loaded nor rewritten for the few new ones, and they
    list all the same. Many new records still go through it."""
    from casefile.model.exhibit import Exhibit
    from casefile.store import listcache

    monkeypatch.setattr(parsecache, "RACY_NS", 0)
    monkeypatch.setattr(listcache, "RACY_NS", 0)
    exhibits = [
        Exhibit(id=f"E-{k:04d}", sha256=f"{k:064x}", size=1, media_type="text/plain",
                original_name="a.txt", description=f"d {k}", incidents=["I-1"])
        for k in range(1, 121)
    ]  # fmt: skip
    case = case_with_exhibits(tmp_path / "case", ["I-1"], exhibits)
    reader = CaseFolder.open(case.root)
    assert len(reader.exhibits()) == 120  # fills both caches
    reader._parsed.save()
    cache = case.root / CACHE_DIR / "exhibits.json"
    before = cache.read_bytes()
    assert len(_cached(cache)["files"]) == 120

    template = case.exhibit_path("E-0001").read_text()
    case.exhibit_path("E-0121").write_text(template.replace("E-0001", "E-0121"))
    reader = CaseFolder.open(case.root)
    assert [e.id for e in reader.exhibits()][-1] == "E-0121"
    assert json.loads(reader.listing_json("exhibits")[-1])["id"] == "E-0121"
    reader._parsed.save()
    assert cache.read_bytes() == before  # neither loaded nor saved for one record

    for k in range(122, 142):
        case.exhibit_path(f"E-{k:04d}").write_text(template.replace("E-0001", f"E-{k:04d}"))
    reader = CaseFolder.open(case.root)
    assert len(reader.exhibits()) == 141
    reader._parsed.save()
    # 20 of 141: loaded, the 20 kept (E-0121 is served by the listing cache)
    assert len(_cached(cache)["files"]) == 140

"""The derived listing cache never changes what `evidence list --json` prints."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from casefile.errors import RecordError
from casefile.model.exhibit import Exhibit
from casefile.store import cachekey, listcache
from casefile.store.case import CaseFolder
from casefile.store.exhibits import exhibit_listing, list_exhibits
from casefile.store.listcache import record_json
from casefile.store.parsecache import CACHE_DIR

from .kit import case_with_exhibits, invoke

RACY_S = listcache.RACY_NS / 1e9 + 0.1


@pytest.fixture(autouse=True)
def _fresh_records_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records are cached although they were just written (the key: see conftest)."""
    monkeypatch.setattr(listcache, "RACY_NS", 0)


def _case(tmp_path: Path) -> CaseFolder:
    exhibits = [
        Exhibit(
            id=f"E-000{k}",
            sha256=f"{k:064x}",
            size=k,
            media_type="text/plain",
            original_name=f"«{k}».txt",
            description=f'first {k}\nline "two"\t\u2028 ✓',
            incidents=["I-1"] if k % 2 else ["I-1", "I-2"],
            image={"width": 3, "lat": 35.81, "lon": 1e-05} if k == 3 else None,
        )
        for k in range(1, 5)
    ]
    return case_with_exhibits(tmp_path / "case", ["I-1", "I-2"], exhibits)


def _truth(case: CaseFolder, incident: str | None = None) -> str:
    """What the listing printed before the cache: every record loaded and validated."""
    exhibits = list_exhibits(CaseFolder.open(case.root), incident)
    return record_json([e.model_dump(mode="json", exclude_none=True) for e in exhibits])


def _listed(case: CaseFolder, incident: str | None = None) -> str:
    return "[" + ",".join(exhibit_listing(CaseFolder.open(case.root), incident)) + "]"


def _listing_file(case: CaseFolder) -> Path:
    return case.root / CACHE_DIR / "exhibits.listing"


def test_same_output_with_and_without_cache(tmp_path: Path) -> None:
    case = _case(tmp_path)
    truth = _truth(case)
    assert _listed(case) == truth  # cold: fills the cache
    assert _listing_file(case).is_file()
    assert _listed(case) == truth  # warm
    assert _listed(case, "I-2") == _truth(case, "I-2")
    run = invoke("--case", case.root, "evidence", "list", "--json")
    assert run.code == 0 and run.stdout == truth + "\n"
    _listing_file(case).unlink()
    assert _listed(case) == truth


def test_a_hit_is_not_loaded_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case(tmp_path)
    truth = _listed(case)

    def refuse(self: CaseFolder, name: str) -> Exhibit:
        raise AssertionError(f"{name} loaded despite an unchanged file")

    monkeypatch.setattr(CaseFolder, "load_exhibit_file", refuse)
    assert _listed(case) == truth


def test_hand_edits_are_noticed(tmp_path: Path) -> None:
    case = _case(tmp_path)
    _listed(case)
    # Same size, in place (same inode), as an editor might: the stat key changes.
    path = case.exhibit_path("E-0002")
    text = path.read_text()
    with open(path, "r+", encoding="utf-8") as fh:
        fh.write(text.replace("first 2", "FIRST 2"))
    st = os.stat(path)  # in case the write fell in the clock tick of the first one
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert "FIRST 2" in _listed(case) and _listed(case) == _truth(case)
    # A new record, a deleted one, and a record that no longer validates.
    case.exhibit_path("E-0004").unlink()
    case.exhibit_path("E-0009").write_text(
        case.exhibit_path("E-0001").read_text().replace("E-0001", "E-0009")
    )
    assert _listed(case) == _truth(case)
    assert [json.loads(t)["id"] for t in exhibit_listing(CaseFolder.open(case.root))] == [
        "E-0001",
        "E-0002",
        "E-0003",
        "E-0009",
    ]
    case.exhibit_path("E-0003").write_text(
        case.exhibit_path("E-0003").read_text().replace("credibility: 6", "credibility: 9")
    )
    with pytest.raises(RecordError) as listed:
        exhibit_listing(CaseFolder.open(case.root))
    with pytest.raises(RecordError) as loaded:
        list_exhibits(CaseFolder.open(case.root))
    assert str(listed.value) == str(loaded.value)
    assert "exhibits/E-0003.yaml" in str(listed.value)


def test_racily_fresh_files_are_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listcache, "RACY_NS", 60 * 10**9)
    case = _case(tmp_path)
    assert _listed(case) == _truth(case)
    # Written a moment ago: a second write could keep the timestamps.
    assert not _listing_file(case).exists()
    monkeypatch.setattr(listcache, "RACY_NS", 300_000_000)
    time.sleep(0.4)
    _listed(case)
    path = case.exhibit_path("E-0002")
    path.write_text(path.read_text().replace("first 2", "again 2"))
    assert _listed(case) == _truth(case)
    body = cachekey.unseal(
        listcache.ListingCache(case.root, "exhibits")._purpose, _listing_file(case).read_bytes()
    )
    assert body is not None
    assert [line.split(b"\t")[0] for line in body.splitlines()] == [
        b"E-0001.yaml",
        b"E-0003.yaml",
        b"E-0004.yaml",
    ]


def _reseal(case: CaseFolder, change) -> None:  # type: ignore[no-untyped-def]
    purpose = listcache.ListingCache(case.root, "exhibits")._purpose
    body = cachekey.unseal(purpose, _listing_file(case).read_bytes())
    assert body is not None
    sealed = cachekey.seal(purpose, change(body))
    assert sealed is not None
    _listing_file(case).write_bytes(sealed)


def test_a_tampered_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case(tmp_path)
    truth = _listed(case)
    data = _listing_file(case).read_bytes()
    # Edited without the key (e.g. shipped inside someone else's case folder).
    _listing_file(case).write_bytes(data.replace(b"first 1", b"FAKED 1"))
    assert _listed(case) == truth
    _listing_file(case).write_bytes(b"not a cache at all")
    assert _listed(case) == truth
    # Sealed by another user's key: ignored as well.
    _listing_file(case).write_bytes(data)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    cachekey.reset()
    assert _listed(case) == truth
    assert _listing_file(case).read_bytes() != data  # replaced by this user's own


def test_an_entry_counts_only_for_its_stat_key(tmp_path: Path) -> None:
    case = _case(tmp_path)
    truth = _listed(case)

    def other_key(body: bytes) -> bytes:
        lines = body.split(b"\n")
        name, key, text = lines[0].split(b"\t", 2)
        lines[0] = b"\t".join([name, b"1" + key, text.replace(b"first 1", b"FAKED 1")])
        return b"\n".join(lines)

    _reseal(case, other_key)  # even sealed, an entry for another state of the file
    assert _listed(case) == truth


def test_other_models_other_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case(tmp_path)
    truth = _listed(case)
    _reseal(case, lambda body: body.replace(b"first 1", b"OLDER 1"))
    assert "OLDER 1" in _listed(case)  # the sealed entry is used while the models are the same
    monkeypatch.setattr(listcache, "model_digest", lambda: "another version of the models")
    assert _listed(case) == truth


def test_no_key_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = _case(tmp_path)
    key = tmp_path / "user-cache" / "casefile" / "cache-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"k" * cachekey.KEY_BYTES)
    key.chmod(0o644)  # others could read it
    assert _listed(case) == _truth(case)
    assert not _listing_file(case).exists()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("")
    cachekey.reset()
    assert _listed(case) == _truth(case)
    assert not _listing_file(case).exists()


@pytest.mark.parametrize("tty", [False, True])
def test_printed_records_as_before(
    tmp_path: Path, tty: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import sys

    from casefile.cli.context import print_json, print_json_records

    case = _case(tmp_path)
    exhibits = list_exhibits(CaseFolder.open(case.root))
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    print_json([e.model_dump(mode="json", exclude_none=True) for e in exhibits])
    before = capsys.readouterr().out
    assert ("\n  {" in before) == tty  # indented for a person, compact for scripts
    print_json_records(exhibit_listing(CaseFolder.open(case.root)))
    print_json_records(exhibit_listing(CaseFolder.open(case.root)))  # from the cache
    assert capsys.readouterr().out == before * 2


def test_records_loaded_through_the_cache_are_validated(tmp_path: Path) -> None:
    case = _case(tmp_path)
    truth = [case.load_exhibit(f"E-000{k}") for k in range(1, 5)]
    assert CaseFolder.open(case.root).exhibits() == truth  # cold: fills the cache
    assert _listing_file(case).is_file()
    assert CaseFolder.open(case.root).exhibits() == truth  # warm

    def corrupt(body: bytes) -> bytes:
        lines = body.split(b"\n")
        lines[0] = lines[0].replace(b'"credibility":6', b'"credibility":9')
        lines[1] = lines[1].replace(b'"id":"E-0002"', b'"id":"E-0001"')
        return b"\n".join(lines)

    _reseal(case, corrupt)  # even sealed with the key, entries that do not validate
    assert CaseFolder.open(case.root).exhibits() == truth


def test_a_failing_record_is_collected_and_never_cached(tmp_path: Path) -> None:
    case = _case(tmp_path)
    path = case.exhibit_path("E-0002")
    path.write_text(path.read_text().replace("credibility: 6", "credibility: 9"))
    failed: list = []
    loaded = CaseFolder.open(case.root).exhibits(failed)
    assert [e.id for e in loaded] == ["E-0001", "E-0003", "E-0004"]
    assert [i for i, _ in failed] == ["E-0002"]
    assert b"E-0002.yaml" not in _listing_file(case).read_bytes()
    with pytest.raises(RecordError, match="exhibits/E-0002.yaml: credibility"):
        CaseFolder.open(case.root).exhibits()


def test_incident_and_witness_listings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`incident list` and `witness list` print from the cache what they printed from the
    validated records, follow a hand edit, and an unchanged case lists without loading
    a record."""
    from .kit import new_case

    case = new_case(tmp_path / "case")
    statement = tmp_path / "w.md"
    statement.write_text("He saw the strike.\n", encoding="utf-8")
    case.ok(
        "witness",
        "add",
        "W-001",
        "--statement",
        statement,
        "--pseudonym",
        "Witness A",
        "--incident",
        "INC-1",
    )
    folder = CaseFolder.open(case.root)
    incidents = [i.model_dump(mode="json") for i in folder.incidents()]
    metas = [s.meta.model_dump(mode="json", exclude_none=True) for s in folder.statements()]
    listings = {
        ("incident", "list", "--json"): record_json(incidents),
        ("witness", "list", "--json"): record_json(metas),
    }
    tables = {}
    for args, truth in listings.items():
        assert case.ok(*args).stdout == truth + "\n"  # cold: fills the cache
        tables[args] = case.ok(*args[:2]).stdout
        assert "Witness A" in tables[args] or "Strike" in tables[args]

    def refuse(*_args: object) -> None:
        raise AssertionError("a record loaded despite an unchanged file")

    monkeypatch.setattr(CaseFolder, "load_incident", refuse)
    monkeypatch.setattr(CaseFolder, "load_statement", refuse)
    for args, truth in listings.items():
        assert case.ok(*args).stdout == truth + "\n"  # warm
        assert case.ok(*args[:2]).stdout == tables[args]
    monkeypatch.undo()

    path = case.root / "incidents" / "INC-2.yaml"
    path.write_text(path.read_text().replace("Clinic", "Clinic B"), encoding="utf-8")
    st = os.stat(path)  # in case the write fell in the clock tick of the first one
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    listed = case.ok("incident", "list", "--json").json()
    assert [i["title"] for i in listed] == ["Strike", "Clinic B"]


def test_a_listing_from_the_cache_loads_no_model(tmp_path: Path) -> None:
    """The models (~0.15 s of pydantic schema building), pydantic itself and the YAML
    parser load only for a record to validate; a warm listing needs none of them, nor rich
    when it prints JSON. (Typer 0.29 would load pydantic for every command, hence its pin
    in pyproject.toml.)"""
    from .kit import command, new_case, proc_env

    case = new_case(tmp_path / "case")
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['casefile', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('casefile', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('casefile.model.incident', 'pydantic', 'yaml', 'rich')\n"
        "print(' '.join(m for m in heavy if m in sys.modules) or 'NONE')\n"
    )
    args = command(case.root, "incident", "list", "--json")[3:]  # after "python -m casefile"
    import subprocess
    import sys

    def loaded() -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe, *args], env=proc_env(), capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1]

    time.sleep(RACY_S)  # records written this instant are not cached (see listcache.RACY_NS)
    # the first listing validates and fills the cache
    assert loaded() == "casefile.model.incident pydantic yaml"
    assert loaded() == "NONE"  # nor rich, for JSON
    args = args[:-1]  # the table needs rich, and still none of the rest
    assert loaded() == "rich"


def test_the_seal_follows_what_decides_a_listing(tmp_path: Path) -> None:
    """The digest in the seal covers the models and the code that reads a record file and
    chooses what its listing prints: a change to any of them is a new cache."""
    import importlib.util
    import shutil
    import subprocess
    import sys

    import casefile

    tree = tmp_path / "tree"
    shutil.copytree(Path(casefile.__file__).parent, tree / "casefile")
    probe = "from casefile.store.listcache import model_digest; print(model_digest())"

    def digest() -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, "PYTHONPATH": str(tree)},
            cwd=tmp_path,  # not the checkout: its casefile/ would come first
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    first = digest()
    assert importlib.util.find_spec("pydantic_core") is not None
    for name in ("store/case.py", "store/yamlio.py", "store/listcache.py", "model/incident.py"):
        path = tree / "casefile" / name
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        assert digest() != first, name
        first = digest()

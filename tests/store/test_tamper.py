"""Any change to a stored file or to the custody log is named by `verify`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .kit import Case, errors, snapshot, write_files


@pytest.fixture
def filled(case: Case, tmp_path: Path) -> Case:
    write_files(tmp_path / "in", 4)
    case.ok("evidence", "add", tmp_path / "in", "--incident", "INC-1")
    (tmp_path / "s.md").write_text("I saw it.\n")
    case.ok("witness", "add", "W-001", "--incident", "INC-1", "--statement", tmp_path / "s.md")
    case.ok("incident", "edit", "INC-2", "--place", "Douma")
    assert case.verify() == (0, {"ok": True, "problems": []})
    return case


def blob_of(case: Case, exhibit_id: str) -> Path:
    sha = case.ok("evidence", "show", exhibit_id, "--json").json()["sha256"]
    return case.root / "exhibits" / "objects" / sha[:2] / sha


def test_flipped_byte_in_blob_is_blob_corrupt(filled: Case) -> None:
    blob = blob_of(filled, "E-0003")
    blob.chmod(0o644)
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    code, report = filled.verify()
    assert code == 1 and report["ok"] is False
    assert [(p["code"], p["id"]) for p in errors(report)] == [("blob-corrupt", "E-0003")]
    assert "E-0003" in errors(report)[0]["message"]
    run = filled("evidence", "verify", "E-0003", "--json")
    assert run.code == 1 and errors(run.json())[0]["code"] == "blob-corrupt"
    assert filled("evidence", "verify", "E-0001").code == 0
    text = filled("verify")
    assert text.code == 1 and "E-0003" in text.stdout and "FAILED" in text.stdout


def test_deleted_blob_is_blob_missing(filled: Case) -> None:
    blob_of(filled, "E-0002").unlink()
    code, report = filled.verify()
    assert code == 1
    assert [(p["code"], p["id"]) for p in errors(report)] == [("blob-missing", "E-0002")]


def test_blob_without_record_is_an_orphan_warning(filled: Case) -> None:
    (filled.root / "exhibits" / "E-0004.yaml").unlink()
    code, report = filled.verify()
    codes = {p["code"]: p["severity"] for p in report["problems"]}
    assert codes["blob-orphaned"] == "warning"
    assert codes["record-unlogged"] == "warning"  # the deleted record is noticed as well
    assert code == 0


def test_stray_file_in_store_named_by_hash_is_corrupt(filled: Case) -> None:
    fake = filled.root / "exhibits" / "objects" / "ab" / ("ab" + "0" * 62)
    fake.parent.mkdir(exist_ok=True)
    fake.write_bytes(b"not these bytes")
    code, report = filled.verify()
    assert code == 1 and errors(report)[0]["code"] == "blob-corrupt"


def _lines(case: Case) -> list[bytes]:
    return case.log_path.read_bytes().splitlines(keepends=True)


def _broken_at(case: Case) -> str:
    run = case("custody", "verify", "--json")
    assert run.code == 1, run.stdout
    problems = errors(run.json())
    assert problems and problems[0]["code"] == "custody-broken"
    whole = case("verify", "--json")
    assert whole.code == 1 and errors(whole.json())[0]["id"] == problems[0]["id"]
    text = case("custody", "verify")
    assert problems[0]["id"] in text.stdout
    return problems[0]["id"]


def test_edited_custody_line(filled: Case) -> None:
    lines = _lines(filled)
    entry = json.loads(lines[3])
    entry["actor"] = "someone else"
    lines[3] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    filled.log_path.write_bytes(b"".join(lines))
    # the edited entry is canonical and chained itself; the next one no longer chains to it
    assert _broken_at(filled) == "custody.jsonl:5"


def test_a_custody_line_nested_too_deep_is_named_not_a_crash(filled: Case) -> None:
    lines = _lines(filled)
    lines[3] = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:4"


def test_reformatted_custody_line_is_named_itself(filled: Case) -> None:
    lines = _lines(filled)
    lines[3] = json.dumps(json.loads(lines[3]), indent=None).encode() + b"\n"
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:4"


def test_deleted_middle_custody_line(filled: Case) -> None:
    lines = _lines(filled)
    del lines[4]
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:5"


def test_inserted_custody_line(filled: Case) -> None:
    lines = _lines(filled)
    lines.insert(3, lines[2])
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:4"


def test_inserted_forged_line_with_right_prev(filled: Case) -> None:
    """A forger who computes the hash of the entry before still breaks the one after."""
    import hashlib

    lines = _lines(filled)
    before = json.loads(lines[2])
    forged = {**before, "seq": before["seq"] + 1, "action": "evidence.add", "object": "E-9999"}
    forged["prev"] = hashlib.sha256(lines[2].rstrip(b"\n")).hexdigest()
    lines.insert(3, json.dumps(forged, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:5"


def test_swapped_custody_lines(filled: Case) -> None:
    lines = _lines(filled)
    lines[5], lines[6] = lines[6], lines[5]
    filled.log_path.write_bytes(b"".join(lines))
    assert _broken_at(filled) == "custody.jsonl:6"


def test_deleted_custody_log(filled: Case) -> None:
    filled.log_path.unlink()
    code, report = filled.verify()
    assert code == 1 and "missing" in errors(report)[0]["message"]


def test_broken_chain_refuses_new_writes_and_changes_nothing(filled: Case, tmp_path: Path) -> None:
    lines = _lines(filled)
    del lines[2]
    filled.log_path.write_bytes(b"".join(lines))
    before = snapshot(filled.root)
    (tmp_path / "new.txt").write_bytes(b"new\n")
    for args in (
        ["incident", "add", "X", "--title", "t", "--date", "2015-01-01"],
        ["evidence", "add", tmp_path / "new.txt", "--incident", "INC-1"],
    ):
        run = filled(*args)
        assert run.code == 1 and "custody.jsonl" in run.stderr
        assert len(run.stderr.splitlines()) == 1
    # A dossier is written only where its render can be logged.
    out = tmp_path / "dossier.html"
    run = filled("render", "--format", "html", "-o", out)
    assert run.code == 1 and "custody.jsonl" in run.stderr and not out.exists()
    assert snapshot(filled.root) == before


def test_hand_edit_is_warned_then_logged_by_next_command(filled: Case) -> None:
    path = filled.root / "incidents" / "INC-1.yaml"
    path.write_text(path.read_text().replace("title: Strike", "title: Strike on the market"))
    code, report = filled.verify()
    assert code == 0
    assert [(p["code"], p["id"], p["severity"]) for p in report["problems"]] == [
        ("record-unlogged", "incidents/INC-1.yaml", "warning")
    ]
    n = len(filled.log())
    filled.ok("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    new = filled.log()[n:]
    assert [e["action"] for e in new] == ["record.noticed-changed", "incident.add"]
    import hashlib

    assert new[0]["path"] == "incidents/INC-1.yaml"
    assert new[0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert filled.verify() == (0, {"ok": True, "problems": []})


def test_hand_added_and_deleted_records_are_logged(filled: Case) -> None:
    (filled.root / "incidents" / "HAND.yaml").write_text(
        "id: HAND\ntitle: Written by hand\ndate: 2015-03-03\n"
    )
    (filled.root / "statements" / "W-001.md").unlink()
    _code, report = filled.verify()
    assert {p["id"] for p in report["problems"]} == {"incidents/HAND.yaml", "statements/W-001.md"}
    assert filled.ok("incident", "show", "HAND", "--json").json()["title"] == "Written by hand"
    filled.ok("incident", "edit", "INC-2", "--place", "Harasta")
    actions = {(e["action"], e.get("path")) for e in filled.log()[-3:]}
    assert ("record.noticed-new", "incidents/HAND.yaml") in actions
    assert ("record.noticed-deleted", "statements/W-001.md") in actions
    assert filled.verify() == (0, {"ok": True, "problems": []})


def test_read_only_commands_never_write(filled: Case) -> None:
    path = filled.root / "incidents" / "INC-1.yaml"
    path.write_text(path.read_text() + "place: by hand\n")
    before = snapshot(filled.root)
    for args in (
        ["incident", "list"],
        ["incident", "show", "INC-1"],
        ["evidence", "list", "--json"],
        ["evidence", "show", "E-0001"],
        ["evidence", "verify"],
        ["witness", "list"],
        ["witness", "show", "W-001"],
        ["custody", "log"],
        ["custody", "verify"],
        ["verify"],
    ):
        assert filled(*args).code == 0, args
    assert snapshot(filled.root) == before
    assert os.path.exists(filled.root / "custody.jsonl")


def test_leftover_temp_files_of_a_killed_write_are_removed_by_the_next_command(
    case: Case,
) -> None:
    leftover = case.root / "incidents" / ".INC-1.yaml.abc123.tmp"
    leftover.write_text("half a record")
    assert case("verify").code == 0  # ignored by readers: never a record
    case.ok("incident", "add", "NEW-1", "--title", "New", "--date", "2015-12-01")
    assert not leftover.exists()

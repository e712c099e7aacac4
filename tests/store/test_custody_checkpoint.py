"""A command's session resumes the custody chain from a checkpoint; that must never let a
changed log, or a forged checkpoint, pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casefile.store import custody
from casefile.store.custody import CustodyLog

from .kit import Case, snapshot, write_files


@pytest.fixture
def logged(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    """A case whose every session moves the checkpoint on (in use they are 1,000 apart)."""
    monkeypatch.setattr(custody, "CHECKPOINT_AFTER", 0)
    write_files(tmp_path / "in", 3)
    case.ok("evidence", "add", tmp_path / "in", "--incident", "INC-1")
    case.ok("incident", "edit", "INC-2", "--place", "Douma")
    return case


def _same(a: custody.LogState, b: custody.LogState) -> None:
    assert (a.head, a.seq, a.torn_tail, a.problems) == (b.head, b.seq, b.torn_tail, b.problems)
    assert a.tracked() == b.tracked()


def test_a_session_reads_only_what_follows_the_checkpoint(logged: Case) -> None:
    log = CustodyLog(logged.root)
    whole = log.read()
    resumed = log.read(resume=True)  # the checkpoint was made as the last command began
    assert [e.action for e in resumed.entries] == ["incident.edit"]
    _same(resumed, whole)
    resumed = log.read(resume=True)  # that read moved it on
    assert resumed.entries == []  # nothing after the checkpoint: nothing parsed
    _same(resumed, whole)
    logged.ok("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    custody.CHECKPOINT_AFTER = 10**9  # keep the checkpoint where it is
    resumed = log.read(resume=True)
    assert [e.action for e in resumed.entries] == ["incident.add"]
    _same(resumed, log.read())


def test_an_entry_changed_before_the_checkpoint_still_stops_commands(logged: Case) -> None:
    path = logged.root / "custody.jsonl"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"actor":"tester"', b'"actor":"testex"', 1))  # same size
    before = snapshot(logged.root)
    run = logged("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    assert run.code == 1 and "refusing to add to a broken chain" in run.stderr
    assert snapshot(logged.root) == before


def test_a_log_cut_short_is_read_whole(logged: Case) -> None:
    path = logged.root / "custody.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))  # the last entry gone: nothing can tell, but
    log = CustodyLog(logged.root)  # the checkpoint is past the end, so it is not used
    _same(log.read(resume=True), log.read())


def test_a_forged_checkpoint_is_ignored(logged: Case) -> None:
    """A checkpoint not sealed with the user's key (shipped in a case folder, edited by
    hand) would say what is tracked: it is not believed."""
    log = CustodyLog(logged.root)
    whole = log.read()
    size = len((logged.root / "custody.jsonl").read_bytes())
    import hashlib

    prefix = (logged.root / "custody.jsonl").read_bytes()
    at = {"size": size, "lines": whole.seq, "head": whole.head, "seq": whole.seq}
    forged = {
        "sha256": hashlib.sha256(prefix).hexdigest(),
        "at": at,
        "tracked": {"incidents/INC-1.yaml": "0" * 64},  # hides a hand edit
    }
    checkpoint = logged.root / ".casefile-cache" / "records" / "custody"
    checkpoint.write_text("casefile-sealed 00\n" + json.dumps(forged))
    _same(log.read(resume=True), whole)


def test_problems_after_the_checkpoint_name_the_same_entry(logged: Case) -> None:
    logged.ok("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    custody.CHECKPOINT_AFTER = 10**9  # the checkpoint stays before the next two entries
    logged.ok("incident", "add", "INC-4", "--title", "t", "--date", "2015-01-01")
    logged.ok("incident", "add", "INC-5", "--title", "t", "--date", "2015-01-01")
    path = logged.root / "custody.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[-2] = lines[-2].replace(b'"actor":"tester"', b'"actor":"testex"')
    path.write_bytes(b"".join(lines))
    log = CustodyLog(logged.root)
    resumed, whole = log.read(resume=True), log.read()
    assert resumed.entries  # resumed, not read whole
    assert resumed.problems == whole.problems
    assert whole.problems[0].line == len(lines)  # the entry after the changed one


def test_a_torn_last_line_after_the_checkpoint_is_repaired(logged: Case) -> None:
    path = logged.root / "custody.jsonl"
    path.write_bytes(path.read_bytes() + b'{"seq":')  # a write killed mid-line
    log = CustodyLog(logged.root)
    _same(log.read(resume=True), log.read())
    logged.ok("incident", "add", "INC-3", "--title", "t", "--date", "2015-01-01")
    assert logged.verify() == (0, {"ok": True, "problems": []})


def test_a_checkpoint_made_under_other_rules_is_not_used(
    logged: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another casefile (other models, another canonical form) checked that prefix by its
    own rules: the log is read whole."""
    log = CustodyLog(logged.root)
    log.read(resume=True)  # a checkpoint at the end
    assert log.read(resume=True).entries == []
    monkeypatch.setattr(custody, "_checkpoint_purpose", lambda: "custody-checkpoint/other")
    assert len(log.read(resume=True).entries) == len(log.read().entries)

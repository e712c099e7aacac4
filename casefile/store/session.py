"""Every change to a case goes through a Session: under the case lock, atomically, logged.

Changes made by hand since the last command are noticed and logged just before the
session's own first write, so a command that fails validation leaves the folder untouched.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casefile.errors import ProblemsFound
from casefile.store.atomic import flush, is_temp_name, remove_durably, stage, write_atomic
from casefile.store.case import RECORD_FOLDERS, CaseFolder
from casefile.store.custody import CustodyLog, LogState
from casefile.store.hashcache import RecordHashes
from casefile.store.lock import case_lock


def untracked_changes(
    case: CaseFolder, state: LogState, hashes: RecordHashes
) -> list[tuple[str, str | None, str]]:
    """Record files whose bytes differ from what the custody log last recorded for them.

    Returns (path, sha256 now or None if deleted, kind) with kind changed/new/deleted.
    With a command's ``hashes``, a file unchanged since it was last hashed is not read
    again; `verify`'s (``reread``) read every file.
    """
    tracked = state.tracked()
    seen: set[str] = set()
    changes: list[tuple[str, str | None, str]] = []
    for rel in case.record_names():
        seen.add(rel)
        now = hashes.sha256(rel)
        before = tracked.get(rel)
        if now != before:
            changes.append((rel, now, "new" if before is None else "changed"))
    for rel, before in tracked.items():
        if rel not in seen and before is not None and not (case.root / rel).exists():
            changes.append((rel, None, "deleted"))
    hashes.save()
    return changes


@dataclass
class PendingRecord:
    """A record to write in a batch (`Session.write_records`), with its custody entry."""

    path: Path
    text: str
    action: str
    object: str | None
    details: dict[str, Any] | None = None


def clear_interrupted_writes(case: CaseFolder) -> None:
    """Temp files of record writes killed before their rename. Only records are written
    under the case lock, which we hold, so no live writer owns one of these."""
    folders = [case.root / f for f in RECORD_FOLDERS]
    for folder in folders:
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            if is_temp_name(name):
                (folder / name).unlink(missing_ok=True)
    for name in os.listdir(case.root):
        if is_temp_name(name) and name.startswith((".case.yaml.", ".custody.jsonl.")):
            (case.root / name).unlink(missing_ok=True)


class Session:
    def __init__(self, case: CaseFolder, actor: str, state: LogState) -> None:
        self.case = case
        self.actor = actor
        self.log_file = CustodyLog(case.root)
        self.state = state
        self._synced = False

    def _sync(self) -> None:
        if self._synced:
            return
        self._synced = True
        if self.state.torn_tail and self.log_file.repair_torn_tail():
            self.state.torn_tail = False
            self.log("custody.repaired", details={"reason": "interrupted final entry removed"})
        self.case.objects.clear_leftovers()
        clear_interrupted_writes(self.case)
        note = {"note": "changed outside casefile (by hand or by an interrupted command)"}
        self.log_file.append_many(
            self.state,
            [
                {
                    "actor": self.actor,
                    "action": f"record.noticed-{kind}",
                    "path": rel,
                    "sha256": sha,
                    "details": note,
                }
                for rel, sha, kind in untracked_changes(
                    self.case, self.state, RecordHashes(self.case.root)
                )
            ],
        )

    def write_record(
        self,
        path: Path,
        text: str,
        *,
        action: str,
        object: str | None,
        details: dict[str, Any] | None = None,
    ) -> str:
        self._sync()
        data = text.encode("utf-8")
        write_atomic(path, data)
        sha = hashlib.sha256(data).hexdigest()
        self.log_file.append(
            self.state,
            actor=self.actor,
            action=action,
            object=object,
            path=self.case.rel(path),
            sha256=sha,
            details=details,
        )
        return sha

    def write_records(self, records: list[PendingRecord]) -> None:
        """write_record for a batch: every file atomic, a few syncs for the whole batch.

        Temp files are written, made durable together, renamed over their targets, the
        folders made durable, then the custody entries appended in one write. A kill at any
        point leaves each record old or new, and any record not yet logged is noticed by the
        next command, as after a kill between write_record's write and its log entry.
        """
        if not records:
            return
        self._sync()
        staged: list[tuple[Path, Path]] = []
        try:
            for r in records:
                staged.append((stage(r.path, r.text.encode("utf-8")), r.path))
            flush(files=[tmp for tmp, _ in staged])
            for tmp, path in staged:
                os.replace(tmp, path)
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        flush(folders=[path.parent for _, path in staged])
        self.log_file.append_many(
            self.state,
            [
                {
                    "actor": self.actor,
                    "action": r.action,
                    "object": r.object,
                    "path": self.case.rel(r.path),
                    "sha256": hashlib.sha256(r.text.encode("utf-8")).hexdigest(),
                    "details": r.details,
                }
                for r in records
            ],
        )

    def delete_record(self, path: Path, *, action: str, object: str | None) -> None:
        self._sync()
        remove_durably(path)
        self.log_file.append(
            self.state, actor=self.actor, action=action, object=object, path=self.case.rel(path)
        )

    def log(
        self,
        action: str,
        *,
        object: str | None = None,
        sha256: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._sync()
        self.log_file.append(
            self.state,
            actor=self.actor,
            action=action,
            object=object,
            sha256=sha256,
            details=details,
        )


@contextmanager
def session(case: CaseFolder, actor: str) -> Iterator[Session]:
    with case_lock(case.root):
        state = CustodyLog(case.root).read(resume=True)
        if state.problems:
            first = state.problems[0]
            raise ProblemsFound(
                f"custody.jsonl: {first.message}; refusing to add to a broken chain "
                "(run `casefile custody verify`)"
            )
        yield Session(case, actor, state)

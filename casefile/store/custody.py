"""custody.jsonl: append-only, each line chained to the SHA-256 of the line before it.

A changed, deleted, inserted or reordered line breaks the chain or the sequence, and
`verify` names the first entry where that happens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casefile.model.custody import GENESIS, CustodyEntry
from casefile.store.cachekey import unseal
from casefile.store.listcache import model_digest
from casefile.store.parsecache import CACHE_DIR, write_sealed
from casefile.store.yamlio import describe_validation_error

LOG_NAME = "custody.jsonl"
CHECKPOINT_AFTER = 1000  # entries read past the checkpoint before it is moved on


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def encode(entry: CustodyEntry) -> bytes:
    data = entry.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass
class ChainProblem:
    line: int
    message: str


@dataclass
class LogState:
    """What the log says now: the last entry's hash and sequence, and each tracked file's hash.

    ``entries`` are all the log's entries, except in a state read with ``resume`` (a
    command's session): then only those after the checkpoint, whose tracked files are in
    ``tracked_before``."""

    entries: list[CustodyEntry]
    head: str
    seq: int
    torn_tail: bool
    problems: list[ChainProblem]
    tracked_before: dict[str, str | None] = field(default_factory=dict)

    def tracked(self) -> dict[str, str | None]:
        state = dict(self.tracked_before)
        for entry in self.entries:
            if entry.path is not None:
                state[entry.path] = entry.sha256
        return state


@dataclass
class _Checkpoint:
    size: int  # bytes of whole lines, all verified
    lines: int
    head: str
    seq: int
    tracked: dict[str, str | None]


class CustodyLog:
    def __init__(self, case_root: Path) -> None:
        self.path = case_root / LOG_NAME
        self._checkpoint_path = case_root / CACHE_DIR / "custody"

    def read(self, *, resume: bool = False) -> LogState:
        """Parse and check the whole chain; problems are collected, not raised.

        With ``resume`` (what a command's session needs: the head and what is tracked),
        the lines a checkpoint vouches for are not parsed again: it holds the size and
        SHA-256 of a prefix of the log once read whole without a problem, and the state
        there. The prefix must have those bytes still, and the checkpoint is a derived
        file sealed with the user's key (casefile.store.cachekey); if either fails, the
        whole log is read. 106,000 entries: ~0.2 s against ~5 s."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LogState([], GENESIS, 0, False, [ChainProblem(0, f"{LOG_NAME} is missing")])
        point = self._checkpoint(raw) if resume else None
        base = point or _Checkpoint(0, 0, GENESIS, 0, {})
        lines = raw[base.size :].split(b"\n")
        torn = False
        if lines and lines[-1] == b"":
            lines.pop()
        elif lines:
            # No final newline: a write was interrupted. The next command repairs it.
            torn = True
        entries: list[CustodyEntry] = []
        problems: list[ChainProblem] = []
        prev = base.head
        seq = base.seq
        last = len(lines) - 1
        for index, line in enumerate(lines):
            number = base.lines + index + 1
            if torn and index == last:
                break
            try:
                entry = CustodyEntry.model_validate(json.loads(line))
            except (ValueError, ValidationError, RecursionError) as exc:  # nested too deep
                detail = (
                    describe_validation_error(exc)[1]
                    if isinstance(exc, ValidationError)
                    else "not JSON"
                )
                problems.append(ChainProblem(number, f"entry {number} is unreadable ({detail})"))
                break
            if entry.prev != prev:
                problems.append(
                    ChainProblem(
                        number,
                        f"entry {number} (seq {entry.seq}, {entry.action}) does not chain to the "
                        "entry before it: an entry was changed, deleted, inserted or reordered",
                    )
                )
                break
            if entry.seq != seq + 1:
                problems.append(
                    ChainProblem(number, f"entry {number} has seq {entry.seq}, expected {seq + 1}")
                )
                break
            if encode(entry) != line:
                problems.append(
                    ChainProblem(
                        number, f"entry {number} (seq {entry.seq}) is not in canonical form"
                    )
                )
                break
            entries.append(entry)
            prev = line_hash(line)
            seq = entry.seq
        state = LogState(entries, prev, seq, torn, problems, base.tracked)
        if resume and not problems and len(entries) >= CHECKPOINT_AFTER:
            whole = base.size + sum(len(line) + 1 for line in lines[: len(entries)])
            self._save_checkpoint(raw[:whole], _Checkpoint(
                whole, base.lines + len(entries), prev, seq, state.tracked()
            ))  # fmt: skip
        return state

    def _checkpoint(self, raw: bytes) -> _Checkpoint | None:
        try:
            body = unseal(_checkpoint_purpose(), self._checkpoint_path.read_bytes())
            if body is None:
                return None
            data = json.loads(body)
            point = _Checkpoint(**data["at"], tracked=data["tracked"])
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if point.size > len(raw):  # cut short: the digest below could not match
            return None
        if hashlib.sha256(memoryview(raw)[: point.size]).hexdigest() != data["sha256"]:
            return None
        return point

    def _save_checkpoint(self, prefix: bytes, point: _Checkpoint) -> None:
        at = {"size": point.size, "lines": point.lines, "head": point.head, "seq": point.seq}
        data = {"sha256": hashlib.sha256(prefix).hexdigest(), "at": at, "tracked": point.tracked}
        write_sealed(self._checkpoint_path, _checkpoint_purpose(), json.dumps(data).encode())

    def repair_torn_tail(self) -> bool:
        """Cut an interrupted final line; the entries before it are intact and chained."""
        raw = self.path.read_bytes()
        if not raw or raw.endswith(b"\n"):
            return False
        keep = raw[: raw.rfind(b"\n") + 1]
        with open(self.path, "r+b") as fh:
            fh.truncate(len(keep))
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def append(
        self,
        state: LogState,
        *,
        actor: str,
        action: str,
        object: str | None = None,
        path: str | None = None,
        sha256: str | None = None,
        details: dict[str, Any] | None = None,
        sync: bool = True,
    ) -> CustodyEntry:
        fields = dict(actor=actor, action=action, object=object, path=path, sha256=sha256)
        return self.append_many(state, [{**fields, "details": details}], sync=sync)[0]

    def append_many(
        self, state: LogState, items: list[dict[str, Any]], *, sync: bool = True
    ) -> list[CustodyEntry]:
        """Append entries in one write and one fsync, each chained to the one before.

        items hold the keyword arguments of `append`. A kill mid-write leaves whole entries
        and at most one cut-off final line, which the next command removes.
        """
        entries: list[CustodyEntry] = []
        lines: list[bytes] = []
        head, seq = state.head, state.seq
        for item in items:
            seq += 1
            entry = CustodyEntry(
                seq=seq,
                time=now_utc(),
                actor=item["actor"],
                action=item["action"],
                object=item.get("object"),
                path=item.get("path"),
                sha256=item.get("sha256"),
                details=item.get("details") or {},
                prev=head,
            )
            line = encode(entry)
            head = line_hash(line)
            entries.append(entry)
            lines.append(line + b"\n")
        if not entries:
            return entries
        data = memoryview(b"".join(lines))
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            while data:
                data = data[os.write(fd, data) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        state.entries.extend(entries)
        state.head, state.seq = head, seq
        return entries

    def sync(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@cache
def _checkpoint_purpose() -> str:
    """Changes whenever what a checkpoint vouches for could: the rules that check an entry
    (the models, casefile's version, pydantic, Python: `model_digest`) and this module's
    code. A checkpoint made under other rules is not used; the log is read whole."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"custody-checkpoint/1/{model_digest()}/{code}"

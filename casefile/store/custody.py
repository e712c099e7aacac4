"""custody.jsonl: append-only, each line chained to the SHA-256 of the line before it.

A changed, deleted, inserted or reordered line breaks the chain or the sequence, and
`verify` names the first entry where that happens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casefile.model.custody import GENESIS, CustodyEntry
from casefile.store.yamlio import describe_validation_error

LOG_NAME = "custody.jsonl"


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
    """What the log says now: the last entry's hash and sequence, and each tracked file's hash."""

    entries: list[CustodyEntry]
    head: str
    seq: int
    torn_tail: bool
    problems: list[ChainProblem]

    def tracked(self) -> dict[str, str | None]:
        state: dict[str, str | None] = {}
        for entry in self.entries:
            if entry.path is not None:
                state[entry.path] = entry.sha256
        return state


class CustodyLog:
    def __init__(self, case_root: Path) -> None:
        self.path = case_root / LOG_NAME

    def read(self) -> LogState:
        """Parse and check the whole chain; problems are collected, not raised."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LogState([], GENESIS, 0, False, [ChainProblem(0, f"{LOG_NAME} is missing")])
        lines = raw.split(b"\n")
        torn = False
        if lines and lines[-1] == b"":
            lines.pop()
        elif lines:
            # No final newline: a write was interrupted. The next command repairs it.
            torn = True
        entries: list[CustodyEntry] = []
        problems: list[ChainProblem] = []
        prev = GENESIS
        seq = 0
        last = len(lines) - 1
        for number, line in enumerate(lines, start=1):
            if torn and number - 1 == last:
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
        return LogState(entries, prev, seq, torn, problems)

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

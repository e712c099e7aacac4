"""One line of custody.jsonl. Each line carries the hash of the line before it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from casefile.model.base import Record

GENESIS = "0" * 64


class CustodyEntry(Record):
    seq: int = Field(ge=1)
    time: str
    actor: str
    action: str
    object: str | None = None
    path: str | None = None
    sha256: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    prev: str

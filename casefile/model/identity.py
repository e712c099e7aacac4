"""identities/W-001.yaml: the only place a witness's real name and contact may live."""

from __future__ import annotations

from casefile.model.base import Record, StatementId


class Identity(Record):
    id: StatementId
    name: str
    contact: str | None = None
    notes: str | None = None

"""statements/W-001.md: a witness account. Front matter is the record; the body is the account.

Real names never live here: they live in identities/, so that a statement can travel further
than the identity of the person who gave it.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import Field

from casefile.model.base import Record, RecordId, StatementId


class Consent(StrEnum):
    public = "public"
    court = "court"
    court_identity = "court-identity"
    internal = "internal"


class StatementMeta(Record):
    id: StatementId
    pseudonym: str = Field(min_length=1)
    role: str | None = None
    incidents: list[RecordId] = Field(default_factory=list)
    interviewed_on: dt.date | None = None
    interviewer: str | None = None
    language: str = "en"
    consent: list[Consent] = Field(default_factory=lambda: [Consent.internal])
    protective_measures: str | None = None
    reliability: str | None = Field(default=None, pattern=r"^[A-F]$")
    credibility: int | None = Field(default=None, ge=1, le=6)
    source: str | None = None


class Statement(Record):
    meta: StatementMeta
    body: str


SPAN = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)

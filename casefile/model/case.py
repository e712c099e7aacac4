"""case.yaml: what the whole case is about and how its findings are to be read."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from casefile.model.base import Record


class Conflict(StrEnum):
    iac = "iac"
    niac = "niac"
    unknown = "unknown"


class Standard(StrEnum):
    reasonable_grounds = "reasonable-grounds"
    balance_of_probabilities = "balance-of-probabilities"
    beyond_reasonable_doubt = "beyond-reasonable-doubt"


STANDARD_WORDING = {
    Standard.reasonable_grounds: "reasonable grounds to believe",
    Standard.balance_of_probabilities: "the balance of probabilities",
    Standard.beyond_reasonable_doubt: "proof beyond reasonable doubt",
}


class Audience(StrEnum):
    public = "public"
    court = "court"
    internal = "internal"


class Party(Record):
    name: str
    role: str | None = None


class Case(Record):
    title: str = Field(min_length=1)
    reference: str | None = None
    organisation: str | None = None
    conflict: Conflict = Conflict.unknown
    conflict_notes: str | None = None
    parties: list[Party] = Field(default_factory=list)
    standard_of_proof: Standard = Standard.reasonable_grounds
    default_audience: Audience = Audience.internal
    languages: list[str] = Field(default_factory=lambda: ["en"])
    summary: str | None = None
    methodology: str | None = None
    created: str | None = None

"""assessments/<INCIDENT>.yaml: findings per criterion and element, and the reviews of them."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from casefile.model.base import Record, RecordId


class FindingValue(StrEnum):
    established = "established"
    not_established = "not-established"
    insufficient = "insufficient"
    not_applicable = "not-applicable"


class Conclusion(StrEnum):
    violation_indicated = "violation-indicated"
    no_violation_indicated = "no-violation-indicated"
    inconclusive = "inconclusive"
    not_assessed = "not-assessed"


class Verdict(StrEnum):
    approve = "approve"
    challenge = "challenge"


class Review(Record):
    reviewer: str
    verdict: Verdict
    comment: str | None = None
    time: str


class Finding(Record):
    finding: FindingValue
    reasoning: str = ""
    supporting: list[RecordId] = Field(default_factory=list)
    contradicting: list[RecordId] = Field(default_factory=list)
    confidence: str | None = Field(default=None, pattern=r"^(low|medium|high)$")
    set_by: str
    set_at: str
    reviews: list[Review] = Field(default_factory=list)

    @property
    def review_status(self) -> str:
        """pending until reviewed; the latest review decides, as a finding edit clears reviews."""
        if not self.reviews:
            return "pending"
        return "approved" if self.reviews[-1].verdict == Verdict.approve else "challenged"


class CriterionAssessment(Record):
    elements: dict[RecordId, Finding] = Field(default_factory=dict)


class Assessment(Record):
    incident: RecordId
    criteria: dict[RecordId, CriterionAssessment] = Field(default_factory=dict)

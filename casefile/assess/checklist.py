"""The reviewer's sheet for one incident: every assessed criterion, each element's question,
finding, citations (with what each cited item is and its short hash), reasoning and review
status. Plain data, printed by the terminal and laid out by the PDF template alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from casefile.assess.assessments import AssessmentState, CriterionState, assessment_state
from casefile.errors import CasefileError
from casefile.model.assessment import Review
from casefile.model.case import STANDARD_WORDING
from casefile.store.case import CaseFolder
from casefile.store.custody import now_utc


@dataclass
class Citation:
    id: str
    kind: str  # exhibit kind (photo, video, ...), "statement", or "unknown"
    description: str
    short_hash: str | None = None
    sha256: str | None = None
    missing: bool = False

    @property
    def label(self) -> str:
        """One line: `E-0001 photo 98ea6e4f216f — market after the strike`."""
        parts = [self.id, self.kind]
        if self.short_hash:
            parts.append(self.short_hash)
        head = " ".join(parts)
        return f"{head} — {self.description}" if self.description else head


@dataclass
class ChecklistElement:
    number: int
    id: str
    question: str
    finding: str | None
    confidence: str | None
    reasoning: str
    supporting: list[Citation]
    contradicting: list[Citation]
    set_by: str | None
    set_at: str | None
    review_status: str | None
    reviews: list[Review] = field(default_factory=list)


@dataclass
class ChecklistCriterion:
    id: str
    title: str
    version: int
    conclusion: str
    sentence: str
    rule: str
    elements: list[ChecklistElement]


@dataclass
class Checklist:
    case_title: str
    case_reference: str | None
    incident: str
    incident_title: str
    standard: str
    standard_wording: str
    generated_at: str
    criteria: list[ChecklistCriterion]
    unknown_criteria: list[str]


class _Citations:
    """Resolves cited ids once each; a citation that no longer resolves stays visible."""

    def __init__(self, case: CaseFolder) -> None:
        self.case = case
        self.cache: dict[str, Citation] = {}

    def __call__(self, ref: str) -> Citation:
        if ref not in self.cache:
            self.cache[ref] = self._resolve(ref)
        return self.cache[ref]

    def _resolve(self, ref: str) -> Citation:
        try:
            if ref.startswith("W-"):
                meta = self.case.load_statement(ref).meta
                who = meta.pseudonym + (f", {meta.role}" if meta.role else "")
                return Citation(ref, "statement", who)
            exhibit = self.case.load_exhibit(ref)
        except CasefileError:
            return Citation(ref, "unknown", "not found (see `casefile check`)", missing=True)
        return Citation(
            ref,
            exhibit.kind.value,
            exhibit.description or exhibit.original_name,
            exhibit.short_hash,
            exhibit.sha256,
        )


def build_checklist(case: CaseFolder, incident_id: str) -> Checklist:
    state: AssessmentState = assessment_state(case, incident_id)
    record = case.load_case()
    cite = _Citations(case)
    return Checklist(
        case_title=record.title,
        case_reference=record.reference,
        incident=state.incident,
        incident_title=state.incident_title,
        standard=state.standard.value,
        standard_wording=STANDARD_WORDING[state.standard],
        generated_at=now_utc()[:10],
        criteria=[_criterion(c, cite) for c in state.criteria],
        unknown_criteria=state.unknown_criteria,
    )


def _criterion(state: CriterionState, cite: _Citations) -> ChecklistCriterion:
    elements = []
    for e in state.elements:
        f = e.finding
        elements.append(
            ChecklistElement(
                number=e.number,
                id=e.element.id,
                question=e.element.question,
                finding=f.finding.value if f else None,
                confidence=f.confidence if f else None,
                reasoning=f.reasoning if f else "",
                supporting=[cite(r) for r in f.supporting] if f else [],
                contradicting=[cite(r) for r in f.contradicting] if f else [],
                set_by=f.set_by if f else None,
                set_at=f.set_at if f else None,
                review_status=f.review_status if f else None,
                reviews=list(f.reviews) if f else [],
            )
        )
    return ChecklistCriterion(
        id=state.criterion.id,
        title=state.criterion.title,
        version=state.criterion.version,
        conclusion=state.conclusion,
        sentence=state.sentence,
        rule=state.rule,
        elements=elements,
    )

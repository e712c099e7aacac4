"""Element-by-element assessment and its four-eyes review: validate everything, then write.

A finding is the researcher's; a conclusion is derived from findings by the criterion's rule
(`casefile.assess.rules`), never stored. A review approves or challenges the finding as it
stands, so any change to what was reviewed puts the element back to pending.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from casefile.assess.library import get_criterion, load_library
from casefile.assess.rules import conclude, conclusion_sentence
from casefile.errors import NotFoundError, UserInputError
from casefile.model.assessment import (
    Assessment,
    CriterionAssessment,
    Finding,
    FindingValue,
    Review,
    Verdict,
)
from casefile.model.case import Standard
from casefile.model.criteria import Criterion, Element, rule_text
from casefile.store.case import CaseFolder
from casefile.store.custody import now_utc
from casefile.store.records import build
from casefile.store.session import session
from casefile.store.yamlio import record_to_yaml

CONFIDENCE = ("low", "medium", "high")

# What a reviewer signs off: a change to any of these puts the element back to pending.
REVIEWED_FIELDS = ("finding", "reasoning", "supporting", "contradicting", "confidence")


@dataclass
class SetResult:
    incident: str
    criterion: str
    element: str
    finding: Finding
    changed: bool
    reviews_cleared: int = 0


@dataclass
class ReviewResult:
    incident: str
    criterion: str
    verdict: Verdict
    elements: list[str] = field(default_factory=list)


def find_element(criterion: Criterion, element_id: str) -> Element:
    element = criterion.element(element_id)
    if element is None:
        known = ", ".join(criterion.element_ids())
        raise NotFoundError(
            f"criterion {criterion.id!r} has no element {element_id!r} (elements: {known})"
        )
    return element


def _check_citations(case: CaseFolder, option: str, refs: Iterable[str]) -> None:
    for ref in refs:
        try:
            case.require_citable(ref)
        except UserInputError:
            raise NotFoundError(
                f"{option}: unknown exhibit or statement {ref!r} "
                "(cite exhibits as E-0001 and statements as W-001)"
            ) from None


def _unique(refs: list[str]) -> list[str]:
    return list(dict.fromkeys(refs))


def ordered(assessment: Assessment, library: dict[str, Criterion]) -> Assessment:
    """Criteria in library order and elements in each criterion's order, so the file on disk
    reads like the checklist and diffs stay small. Ids the library does not know keep their
    place at the end (`check` reports them)."""
    order = {cid: i for i, cid in enumerate(library)}
    criteria: dict[str, CriterionAssessment] = {}
    for cid in sorted(assessment.criteria, key=lambda c: (order.get(c, len(order)), c)):
        elements = assessment.criteria[cid].elements
        known = library[cid].element_ids() if cid in library else []
        rank = {eid: i for i, eid in enumerate(known)}
        criteria[cid] = CriterionAssessment(
            elements={
                eid: elements[eid]
                for eid in sorted(elements, key=lambda e: (rank.get(e, len(rank)), e))
            }
        )
    return Assessment(incident=assessment.incident, criteria=criteria)


def set_finding(
    case: CaseFolder,
    actor: str,
    incident_id: str,
    criterion_id: str,
    element_id: str,
    *,
    finding: FindingValue | str,
    supporting: list[str] | None = None,
    contradicting: list[str] | None = None,
    reasoning: str | None = None,
    confidence: str | None = None,
) -> SetResult:
    """Record the finding on one element. Options left as None keep their previous value;
    an empty list or string clears it. Reviews of the previous content are cleared if the
    content changes, and the reset is logged."""
    case.require_incident(incident_id)
    library = load_library(case.root)
    criterion = get_criterion(library, criterion_id)
    find_element(criterion, element_id)
    try:
        value = FindingValue(finding)
    except ValueError:
        allowed = ", ".join(v.value for v in FindingValue)
        raise UserInputError(f"--finding: {finding!r} is not one of {allowed}") from None
    if confidence is not None and confidence != "" and confidence not in CONFIDENCE:
        raise UserInputError(f"--confidence: {confidence!r} is not one of {', '.join(CONFIDENCE)}")
    if supporting is not None:
        supporting = _unique(supporting)
        _check_citations(case, "--evidence", supporting)
    if contradicting is not None:
        contradicting = _unique(contradicting)
        _check_citations(case, "--against", contradicting)

    with session(case, actor) as s:
        assessment = case.load_assessment(incident_id)
        current = assessment.criteria.get(criterion_id, CriterionAssessment()).elements.get(
            element_id
        )
        content: dict[str, Any] = {
            "finding": value,
            "reasoning": reasoning if reasoning is not None else _keep(current, "reasoning", ""),
            "supporting": supporting
            if supporting is not None
            else _keep(current, "supporting", []),
            "contradicting": contradicting
            if contradicting is not None
            else _keep(current, "contradicting", []),
            "confidence": (confidence or None)
            if confidence is not None
            else _keep(current, "confidence", None),
        }
        both = sorted(set(content["supporting"]) & set(content["contradicting"]))
        if both:
            raise UserInputError(
                f"{', '.join(both)}: cited both as supporting (--evidence) and as "
                "contradicting (--against); choose one"
            )
        if current is not None and all(
            getattr(current, name) == content[name] for name in REVIEWED_FIELDS
        ):
            return SetResult(incident_id, criterion_id, element_id, current, changed=False)

        new = build(
            Finding,
            {**content, "set_by": actor, "set_at": now_utc(), "reviews": []},
            f"finding {criterion_id}/{element_id}",
        )
        cleared = list(current.reviews) if current is not None else []
        criterion_assessment = assessment.criteria.setdefault(criterion_id, CriterionAssessment())
        criterion_assessment.elements[element_id] = new
        assessment = ordered(assessment, library)
        details: dict[str, Any] = {
            "criterion": criterion_id,
            "element": element_id,
            "finding": value.value,
            "previous": current.finding.value if current is not None else None,
            "supporting": new.supporting,
            "contradicting": new.contradicting,
        }
        if cleared:
            details["reviews_cleared"] = len(cleared)
        s.write_record(
            case.assessment_path(incident_id),
            record_to_yaml(assessment),
            action="assess.set",
            object=incident_id,
            details=details,
        )
        if cleared:
            s.log(
                "review.reset",
                object=incident_id,
                details={
                    "criterion": criterion_id,
                    "element": element_id,
                    "reason": "finding changed after review; back to pending",
                    "cleared": [
                        {"reviewer": r.reviewer, "verdict": r.verdict.value, "time": r.time}
                        for r in cleared
                    ],
                },
            )
    return SetResult(incident_id, criterion_id, element_id, new, True, len(cleared))


def _same_person(a: str, b: str) -> bool:
    """Actor names come from flags, env or git config; 'Alice ' and 'alice' are one person."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _keep(current: Finding | None, name: str, default: Any) -> Any:
    return default if current is None else getattr(current, name)


def review(
    case: CaseFolder,
    actor: str,
    incident_id: str,
    criterion_id: str,
    element_id: str | None,
    *,
    verdict: Verdict | str,
    comment: str | None = None,
) -> ReviewResult:
    """Approve or challenge one element's finding, or every assessed element of a criterion.
    All or nothing: if any element cannot be reviewed by this actor, nothing is written."""
    verdict = Verdict(verdict)
    comment = (comment or "").strip() or None
    if verdict is Verdict.challenge and comment is None:
        raise UserInputError("a challenge needs --comment saying what is wrong or missing")
    case.require_incident(incident_id)
    criterion = get_criterion(load_library(case.root), criterion_id)
    if element_id is not None:
        find_element(criterion, element_id)

    with session(case, actor) as s:
        assessment = case.load_assessment(incident_id)
        findings = assessment.criteria.get(criterion_id, CriterionAssessment()).elements
        if element_id is not None:
            if element_id not in findings:
                raise UserInputError(
                    f"{incident_id}/{criterion_id}/{element_id} has no finding to review "
                    "(set one with `casefile assess set`)"
                )
            targets = [element_id]
        else:
            targets = [e for e in criterion.element_ids() if e in findings]
            if not targets:
                raise UserInputError(
                    f"{incident_id}/{criterion_id} has no assessed element to review"
                )
        if verdict is Verdict.approve:
            own = [e for e in targets if _same_person(findings[e].set_by, actor)]
            if own:
                raise UserInputError(
                    f"four-eyes rule: {actor} set the finding on {', '.join(own)} of "
                    f"{incident_id}/{criterion_id} and cannot approve it; another reviewer must"
                )
        time = now_utc()
        for target in targets:
            findings[target].reviews.append(
                Review(reviewer=actor, verdict=verdict, comment=comment, time=time)
            )
        s.write_record(
            case.assessment_path(incident_id),
            record_to_yaml(assessment),
            action=f"review.{verdict.value}",
            object=incident_id,
            details={"criterion": criterion_id, "elements": targets, "comment": comment},
        )
    return ReviewResult(incident_id, criterion_id, verdict, targets)


@dataclass
class ElementState:
    element: Element
    number: int
    finding: Finding | None


@dataclass
class CriterionState:
    criterion: Criterion
    conclusion: str
    sentence: str
    rule: str
    elements: list[ElementState]

    @property
    def assessed(self) -> list[ElementState]:
        return [e for e in self.elements if e.finding is not None]

    def review_summary(self) -> dict[str, int]:
        """How many elements are approved, challenged, pending review, or have no finding."""
        counts = {"approved": 0, "challenged": 0, "pending": 0, "open": 0}
        for e in self.elements:
            counts[e.finding.review_status if e.finding else "open"] += 1
        return counts


@dataclass
class AssessmentState:
    """An incident's assessment as a reader sees it: each assessed criterion with every
    element (assessed or still open) and the conclusion its rule derives."""

    incident: str
    incident_title: str
    standard: Standard
    criteria: list[CriterionState]
    unknown_criteria: list[str]


def assessment_state(case: CaseFolder, incident_id: str) -> AssessmentState:
    incident = case.load_incident(incident_id)
    standard = case.load_case().standard_of_proof
    library = load_library(case.root)
    assessment = case.load_assessment(incident_id)
    states: list[CriterionState] = []
    unknown: list[str] = []
    for criterion_id in ordered(assessment, library).criteria:
        findings = assessment.criteria[criterion_id].elements
        if not findings:
            continue
        criterion = library.get(criterion_id)
        if criterion is None:
            unknown.append(criterion_id)
            continue
        conclusion = conclude(criterion, {k: v.finding for k, v in findings.items()})
        states.append(
            CriterionState(
                criterion=criterion,
                conclusion=conclusion.value,
                sentence=conclusion_sentence(criterion, conclusion, standard),
                rule=rule_text(criterion),
                elements=[
                    ElementState(element, number, findings.get(element.id))
                    for number, element in enumerate(criterion.elements, start=1)
                ],
            )
        )
    return AssessmentState(incident.id, incident.title, standard, states, unknown)


def review_json(review: Review) -> dict[str, Any]:
    return review.model_dump(mode="json")


def state_json(state: AssessmentState) -> dict[str, Any]:
    """The `assess show --json` shape of DESIGN.md, with a few extra keys for readers."""
    return {
        "incident": state.incident,
        "standard_of_proof": state.standard.value,
        "criteria": [
            {
                "id": c.criterion.id,
                "title": c.criterion.title,
                "conclusion": c.conclusion,
                "sentence": c.sentence,
                "rule": c.rule,
                "review_summary": c.review_summary(),
                "elements": [_element_json(e) for e in c.elements],
            }
            for c in state.criteria
        ],
    }


def _element_json(state: ElementState) -> dict[str, Any]:
    f = state.finding
    return {
        "id": state.element.id,
        "finding": f.finding.value if f else None,
        "supporting": list(f.supporting) if f else [],
        "contradicting": list(f.contradicting) if f else [],
        "reviews": [review_json(r) for r in f.reviews] if f else [],
        "review_status": f.review_status if f else None,
        "confidence": f.confidence if f else None,
        "set_by": f.set_by if f else None,
        "set_at": f.set_at if f else None,
    }

"""Conclusions from element findings, by the criterion's own rule and nothing else.

Three-valued (Kleene) logic keeps 'we do not know' distinct from 'no': an element without a
finding, or with an insufficient one, can never be silently read as either outcome.
"""

from __future__ import annotations

from collections.abc import Mapping

from casefile.model.assessment import Conclusion, FindingValue
from casefile.model.case import STANDARD_WORDING, Standard
from casefile.model.criteria import AllOf, Criterion, Rule

Truth = bool | None
"""True, False, or None for unknown."""

_TRUTH: dict[FindingValue, Truth] = {
    FindingValue.established: True,
    FindingValue.not_established: False,
    # An element that does not apply cannot support a violation that requires it.
    FindingValue.not_applicable: False,
    FindingValue.insufficient: None,
}


def finding_truth(value: FindingValue | None) -> Truth:
    return None if value is None else _TRUTH[FindingValue(value)]


def evaluate(rule: Rule, truths: Mapping[str, Truth]) -> Truth:
    """Kleene evaluation: a conjunction is false as soon as one part is false, a disjunction
    true as soon as one part is true; otherwise any unknown part leaves the whole unknown."""
    if isinstance(rule, str):
        return truths.get(rule)
    if isinstance(rule, AllOf):
        parts = [evaluate(sub, truths) for sub in rule.all]
        decisive = False
    else:
        parts = [evaluate(sub, truths) for sub in rule.any]
        decisive = True
    if decisive in parts:
        return decisive
    if None in parts:
        return None
    return not decisive


def conclude(criterion: Criterion, findings: Mapping[str, FindingValue | None]) -> Conclusion:
    """The conclusion a criterion's findings support; findings for ids the criterion does not
    have are ignored, so a stale assessment entry cannot sway the result."""
    truths = {element.id: finding_truth(findings.get(element.id)) for element in criterion.elements}
    if all(findings.get(element.id) is None for element in criterion.elements):
        return Conclusion.not_assessed
    result = evaluate(criterion.rule, truths)
    if result is True:
        return Conclusion.violation_indicated
    if result is False:
        return Conclusion.no_violation_indicated
    return Conclusion.inconclusive


def conclusion_sentence(criterion: Criterion, conclusion: Conclusion, standard: Standard) -> str:
    """The sentence printed beside every conclusion, so the standard of proof is never separated
    from the finding it qualifies."""
    wording = STANDARD_WORDING[Standard(standard)]
    label = criterion.violation_label
    conclusion = Conclusion(conclusion)
    if conclusion is Conclusion.violation_indicated:
        return f"On the standard of {wording}, {label} is indicated."
    if conclusion is Conclusion.no_violation_indicated:
        return f"On the standard of {wording}, {label} is not indicated."
    if conclusion is Conclusion.inconclusive:
        return (
            f"On the standard of {wording}, the evidence does not allow a conclusion on "
            f"whether {label} is indicated."
        )
    return f"Not yet assessed: no element has a finding on whether {label} is indicated."

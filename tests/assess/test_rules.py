"""Conclusion rules of every shipped criterion, over tables of findings."""

from __future__ import annotations

import pytest

from casefile.assess.library import load_library
from casefile.assess.rules import conclude, conclusion_sentence, evaluate
from casefile.model.assessment import Conclusion, FindingValue
from casefile.model.case import Standard
from casefile.model.criteria import AllOf, AnyOf, Criterion, rule_text

E = FindingValue.established
N = FindingValue.not_established
I = FindingValue.insufficient  # noqa: E741
X = FindingValue.not_applicable

VI = Conclusion.violation_indicated
NVI = Conclusion.no_violation_indicated
INC = Conclusion.inconclusive
NA = Conclusion.not_assessed

LIBRARY = load_library(None)

EXPECTED_RULE_TEXT = {
    "distinction": "1 and 2 and 3 and 4",
    "indiscriminate": "(1 or 2 or 3) and 4",
    "proportionality": "1 and 2 and 3 and 4",
    "precautions": "1 or 2 or 3 or 4",
    "medical": "1 and 2 and (3 or 4)",
    "rs-8-2-e-i": "1 and 2 and 3 and 4 and 5",
    "rs-8-2-b-i": "1 and 2 and 3 and 4 and 5",
    "rs-8-2-b-ii": "1 and 2 and 3 and 4 and 5",
    "rs-8-2-e-iv": "1 and 2 and 3 and 4 and 5",
    "rs-8-2-b-ix": "1 and 2 and 3 and 4 and 5",
    "rs-8-2-b-iv": "1 and 2 and 3 and 4 and 5",
}
ALL_OF = [cid for cid, text in EXPECTED_RULE_TEXT.items() if " or " not in text]


def by_position(criterion: Criterion, values: str) -> dict[str, FindingValue | None]:
    """Findings written as one letter per element in order: E N I X, or '.' for none."""
    letters = {"E": E, "N": N, "I": I, "X": X, ".": None}
    assert len(values) == len(criterion.elements), values
    return {el.id: letters[v] for el, v in zip(criterion.elements, values, strict=True)}


def test_every_required_criterion_has_a_rule_table() -> None:
    assert set(EXPECTED_RULE_TEXT) <= set(LIBRARY)


@pytest.mark.parametrize("cid", list(EXPECTED_RULE_TEXT))
def test_rule_text(cid: str) -> None:
    assert rule_text(LIBRARY[cid]) == EXPECTED_RULE_TEXT[cid]


def _common_cases() -> list[tuple[str, str, Conclusion]]:
    """Cases every shipped criterion must satisfy, whatever its rule shape."""
    cases = []
    for cid in EXPECTED_RULE_TEXT:
        n = len(LIBRARY[cid].elements)
        cases += [
            (cid, "E" * n, VI),
            (cid, "N" * n, NVI),
            (cid, "X" * n, NVI),
            (cid, "I" * n, INC),
            (cid, "." * n, NA),
        ]
    return cases


def _all_of_cases() -> list[tuple[str, str, Conclusion]]:
    """For all-of rules: each required element alone decides 'no', or leaves it open."""
    cases = []
    for cid in ALL_OF:
        n = len(LIBRARY[cid].elements)
        for i in range(n):
            before, after = "E" * i, "E" * (n - i - 1)
            cases += [
                (cid, before + "N" + after, NVI),
                (cid, before + "X" + after, NVI),
                (cid, before + "I" + after, INC),
                (cid, before + "." + after, INC),
            ]
        # a 'no' on any element outweighs unknowns elsewhere
        cases.append((cid, "N" + "I" * (n - 1), NVI))
        cases.append((cid, "E" + "." * (n - 1), INC))
    return cases


SPECIFIC: list[tuple[str, str, Conclusion]] = [
    # indiscriminate: (1 or 2 or 3) and 4
    ("indiscriminate", "ENNE", VI),
    ("indiscriminate", "NENE", VI),
    ("indiscriminate", "NNEE", VI),
    ("indiscriminate", ".E.E", VI),
    ("indiscriminate", "NNNE", NVI),
    ("indiscriminate", "XXNE", NVI),
    ("indiscriminate", "EEEN", NVI),
    ("indiscriminate", "EEEI", INC),
    ("indiscriminate", "NNIE", INC),
    ("indiscriminate", "...E", INC),
    ("indiscriminate", "E...", INC),
    ("indiscriminate", "...N", NVI),
    # medical: 1 and 2 and (3 or 4)
    ("medical", "EEEN", VI),
    ("medical", "EEEX", VI),
    ("medical", "EENE", VI),
    ("medical", "EEIE", VI),
    ("medical", "EEE.", VI),
    ("medical", "EENN", NVI),
    ("medical", "EENX", NVI),
    ("medical", "NEEE", NVI),
    ("medical", "ENEE", NVI),
    ("medical", "EENI", INC),
    ("medical", "EEII", INC),
    ("medical", "IEEE", INC),
    ("medical", "EE..", INC),
    # precautions: any element
    ("precautions", "ENNN", VI),
    ("precautions", "NENN", VI),
    ("precautions", "NNEN", VI),
    ("precautions", "NNNE", VI),
    ("precautions", "E...", VI),
    ("precautions", "IIIE", VI),
    ("precautions", "NNNN", NVI),
    ("precautions", "NXNX", NVI),
    ("precautions", "NNNI", INC),
    ("precautions", "N...", INC),
]


@pytest.mark.parametrize(
    ("cid", "values", "expected"), _common_cases() + _all_of_cases() + SPECIFIC
)
def test_conclusion(cid: str, values: str, expected: Conclusion) -> None:
    criterion = LIBRARY[cid]
    assert conclude(criterion, by_position(criterion, values)) == expected


def test_empty_findings_and_foreign_ids_are_not_assessed() -> None:
    criterion = LIBRARY["distinction"]
    assert conclude(criterion, {}) == NA
    # a finding for an element the criterion does not have is ignored, never counted
    assert conclude(criterion, {"no_such_element": E}) == NA


def test_missing_keys_count_as_unknown() -> None:
    criterion = LIBRARY["distinction"]
    assert conclude(criterion, {"attack": E, "civilian_object": E}) == INC
    assert conclude(criterion, {"attack": N}) == NVI


def test_findings_given_as_strings_are_accepted() -> None:
    criterion = LIBRARY["precautions"]
    assert conclude(criterion, {"warning": "established"}) == VI  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("parts", "all_expected", "any_expected"),
    [
        ([True, True], True, True),
        ([True, False], False, True),
        ([False, False], False, False),
        ([True, None], None, True),
        ([False, None], False, None),
        ([None, None], None, None),
    ],
)
def test_kleene_tables(
    parts: list[bool | None], all_expected: bool | None, any_expected: bool | None
) -> None:
    truths = {"a": parts[0], "b": parts[1]}
    assert evaluate(AllOf(all=["a", "b"]), truths) is all_expected
    assert evaluate(AnyOf(any=["a", "b"]), truths) is any_expected


@pytest.mark.parametrize(
    ("conclusion", "standard", "expected"),
    [
        (
            VI,
            Standard.reasonable_grounds,
            "On the standard of reasonable grounds to believe, a violation of the principle "
            "of distinction is indicated.",
        ),
        (
            NVI,
            Standard.balance_of_probabilities,
            "On the standard of the balance of probabilities, a violation of the principle "
            "of distinction is not indicated.",
        ),
        (
            INC,
            Standard.beyond_reasonable_doubt,
            "On the standard of proof beyond reasonable doubt, the evidence does not allow a "
            "conclusion on whether a violation of the principle of distinction is indicated.",
        ),
    ],
)
def test_conclusion_sentence(conclusion: Conclusion, standard: Standard, expected: str) -> None:
    assert conclusion_sentence(LIBRARY["distinction"], conclusion, standard) == expected


def test_conclusion_sentence_not_assessed() -> None:
    text = conclusion_sentence(LIBRARY["distinction"], NA, Standard.reasonable_grounds)
    assert "not yet assessed" in text.lower()
    assert "a violation of the principle of distinction" in text


def test_rome_statute_sentence() -> None:
    text = conclusion_sentence(LIBRARY["rs-8-2-e-i"], VI, Standard.reasonable_grounds)
    assert text == (
        "On the standard of reasonable grounds to believe, the war crime of attacking civilians "
        "(Rome Statute art. 8(2)(e)(i)) is indicated."
    )

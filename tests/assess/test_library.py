"""The shipped criteria library, and case criteria that extend or override it."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefile.assess.library import get_criterion, load_library, load_shipped
from casefile.errors import NotFoundError, RecordError
from casefile.model.case import Conflict
from casefile.model.criteria import CriterionKind

REQUIRED_ORDER = [
    "distinction",
    "indiscriminate",
    "proportionality",
    "precautions",
    "medical",
]
RS_SETS = {
    "rs-8-2-e-i": ([Conflict.niac], "art. 8(2)(e)(i)"),
    "rs-8-2-b-i": ([Conflict.iac], "art. 8(2)(b)(i)"),
    "rs-8-2-b-ii": ([Conflict.iac], "art. 8(2)(b)(ii)"),
    "rs-8-2-e-iv": ([Conflict.niac], "art. 8(2)(e)(iv)"),
    "rs-8-2-b-ix": ([Conflict.iac], "art. 8(2)(b)(ix)"),
    "rs-8-2-b-iv": ([Conflict.iac], "art. 8(2)(b)(iv)"),
}

# Every citation LEGAL.md names for each customary criterion, as (instrument, provision).
LEGAL_BASIS = {
    "distinction": [
        ("AP I", "art. 48"),
        ("AP I", "art. 51(2)"),
        ("AP I", "art. 52(1)-(2)"),
        ("AP II", "art. 13(2)"),
        ("CIHL", "rule 1"),
        ("CIHL", "rule 7"),
        ("RS", "art. 8(2)(b)(i)-(ii)"),
        ("RS", "art. 8(2)(e)(i)"),
    ],
    "indiscriminate": [
        ("AP I", "art. 51(4)-(5)"),
        ("CIHL", "rule 11"),
        ("CIHL", "rule 12"),
        ("CIHL", "rule 13"),
        ("CIHL", "rule 71"),
    ],
    "proportionality": [
        ("AP I", "art. 51(5)(b)"),
        ("AP I", "art. 57(2)(a)(iii)"),
        ("AP I", "art. 57(2)(b)"),
        ("CIHL", "rule 14"),
        ("RS", "art. 8(2)(b)(iv)"),
    ],
    "precautions": [
        ("AP I", "art. 57"),
        ("CIHL", "rules 15-21"),
        ("AP II", "art. 13(1)"),
    ],
    "medical": [
        ("GC I", "art. 19"),
        ("GC IV", "art. 18"),
        ("AP I", "arts. 12-13"),
        ("AP II", "art. 11"),
        ("CIHL", "rule 25"),
        ("CIHL", "rule 28"),
        ("CIHL", "rule 29"),
        ("CIHL", "rule 35"),
        ("RS", "art. 8(2)(b)(ix)"),
        ("RS", "art. 8(2)(b)(xxiv)"),
        ("RS", "art. 8(2)(e)(ii)"),
        ("RS", "art. 8(2)(e)(iv)"),
    ],
}

VALID = """\
id: {id}
version: 1
title: {title}
kind: ihl-rule
summary: A test criterion.
legal_basis:
  - instrument: CIHL
    provision: rule 1
applies_to: [iac, niac]
violation_label: a test violation
elements:
  - id: first
    question: Was the first fact so?
    guidance: Look at it.
    evidence: [imagery]
  - id: second
    question: Was the second fact so?
    guidance: Look again.
rule:
  all: [first, second]
"""


def write_case_criterion(case_root: Path, name: str, text: str) -> Path:
    folder = case_root / "criteria"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped library ----------------------------------------------------


def test_shipped_library_has_every_required_criterion_in_order() -> None:
    library = load_library(None)
    ids = list(library)
    assert ids[:5] == REQUIRED_ORDER
    assert set(ids[5:]) == set(RS_SETS)
    assert len(ids) == len(REQUIRED_ORDER) + len(RS_SETS)


def test_shipped_library_without_case_folder(tmp_path: Path) -> None:
    assert list(load_library(tmp_path)) == list(load_library(None))


@pytest.mark.parametrize("cid", REQUIRED_ORDER + list(RS_SETS))
def test_every_criterion_is_complete(cid: str) -> None:
    criterion = load_library(None)[cid]
    assert criterion.version == 1
    assert criterion.legal_basis, "at least one citation"
    assert criterion.elements
    for element in criterion.elements:
        assert element.question.strip() and element.guidance.strip() and element.evidence
    assert criterion.source.endswith(f"criteria/{cid}.yaml")


@pytest.mark.parametrize("cid", list(LEGAL_BASIS))
def test_customary_criteria_cite_what_legal_md_names(cid: str) -> None:
    criterion = load_library(None)[cid]
    cited = {(c.instrument, c.provision) for c in criterion.legal_basis}
    missing = [c for c in LEGAL_BASIS[cid] if c not in cited]
    assert not missing
    assert criterion.kind == CriterionKind.ihl_rule
    assert criterion.applies_to == [Conflict.iac, Conflict.niac]


@pytest.mark.parametrize("cid", list(RS_SETS))
def test_rome_statute_sets(cid: str) -> None:
    criterion = load_library(None)[cid]
    applies_to, provision = RS_SETS[cid]
    assert criterion.kind == CriterionKind.rome_statute
    assert criterion.applies_to == applies_to
    cited = {(c.instrument, c.provision) for c in criterion.legal_basis}
    assert ("RS", provision) in cited
    assert ("EoC", provision) in cited
    contextual = [e.id for e in criterion.elements if e.contextual]
    assert contextual == ["nexus", "awareness"]
    assert provision.removeprefix("art. ") in criterion.violation_label
    assert criterion.violation_label.startswith("the war crime of")


def test_proportionality_notes_that_rs_crime_is_iac_only() -> None:
    criterion = load_library(None)["proportionality"]
    assert criterion.note and "CIHL rule 14" in criterion.note
    rs = [c for c in criterion.legal_basis if c.instrument == "RS"]
    assert rs and all(c.note and "international armed conflict only" in c.note for c in rs)


def test_indiscriminate_notes_cluster_munitions_convention() -> None:
    ccm = [c for c in load_library(None)["indiscriminate"].legal_basis if c.instrument == "CCM"]
    assert ccm and ccm[0].note and "not" in ccm[0].note and "parties" in ccm[0].note


def test_shipped_library_is_read_as_package_data() -> None:
    # the loader must not depend on the working directory
    assert list(load_shipped()) == list(load_library(None))


def test_get_criterion() -> None:
    library = load_library(None)
    assert get_criterion(library, "medical").id == "medical"
    with pytest.raises(NotFoundError) as info:
        get_criterion(library, "foo")
    assert "unknown criterion 'foo'" in info.value.message
    assert "(known: distinction, indiscriminate," in info.value.message


# --- case criteria ----------------------------------------------------------


def test_case_criterion_adds(tmp_path: Path) -> None:
    write_case_criterion(tmp_path, "local-rule.yaml", VALID.format(id="local-rule", title="Local"))
    library = load_library(tmp_path)
    assert list(library)[-1] == "local-rule"
    assert library["local-rule"].source == "criteria/local-rule.yaml"
    assert len(library) == len(REQUIRED_ORDER) + len(RS_SETS) + 1


def test_case_criterion_overrides_in_place(tmp_path: Path) -> None:
    write_case_criterion(
        tmp_path, "distinction.yaml", VALID.format(id="distinction", title="Our distinction")
    )
    library = load_library(tmp_path)
    assert list(library) == list(load_library(None))
    assert library["distinction"].title == "Our distinction"
    assert library["distinction"].source == "criteria/distinction.yaml"
    # the shipped library itself is untouched
    assert load_library(None)["distinction"].title.startswith("Distinction")


def test_case_folder_ignores_non_yaml_files(tmp_path: Path) -> None:
    write_case_criterion(tmp_path, "notes.md", "# not a criterion\n")
    assert list(load_library(tmp_path)) == list(load_library(None))


BAD_CASES = [
    ("malformed YAML", "id: [unclosed\n", "line", "malformed YAML"),
    (
        "unknown field",
        VALID.format(id="bad", title="Bad") + "colour: red\n",
        "colour",
        "unknown field",
    ),
    (
        "rule names a missing element",
        VALID.format(id="bad", title="Bad").replace("all: [first, second]", "all: [first, third]"),
        "rule",
        "unknown element 'third'",
    ),
    (
        "nested rule names a missing element",
        VALID.format(id="bad", title="Bad").replace(
            "all: [first, second]", "all: [first, {any: [second, third]}]"
        ),
        "rule",
        "unknown element 'third'",
    ),
    (
        "rule of the wrong shape",
        VALID.format(id="bad", title="Bad").replace("all: [first, second]", "both: [first]"),
        "rule",
        "expected an element id",
    ),
    (
        "element not used by the rule",
        VALID.format(id="bad", title="Bad").replace("all: [first, second]", "all: [first]"),
        "rule",
        "second",
    ),
    (
        "duplicate element id",
        VALID.format(id="bad", title="Bad").replace("  - id: second", "  - id: first"),
        "elements",
        "'first' appears twice",
    ),
    (
        "empty legal basis",
        VALID.format(id="bad", title="Bad")
        .replace("  - instrument: CIHL\n    provision: rule 1\n", "")
        .replace("legal_basis:\n", "legal_basis: []\n"),
        "legal_basis",
        "at least 1",
    ),
    (
        "missing required field",
        VALID.format(id="bad", title="Bad").replace("violation_label: a test violation\n", ""),
        "violation_label",
        "required field is missing",
    ),
    (
        "unknown conflict scope",
        VALID.format(id="bad", title="Bad").replace("[iac, niac]", "[iac, unknown]"),
        "applies_to",
        "iac",
    ),
    (
        "id does not match the file name",
        VALID.format(id="other", title="Bad"),
        "id",
        "match the file name",
    ),
    ("not a mapping", "- just\n- a list\n", None, "expected a mapping"),
]


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [case[1:] for case in BAD_CASES],
    ids=[case[0] for case in BAD_CASES],
)
def test_bad_case_criterion(tmp_path: Path, text: str, field: str | None, expected: str) -> None:
    write_case_criterion(tmp_path, "bad.yaml", text)
    with pytest.raises(RecordError) as info:
        load_library(tmp_path)
    err = info.value
    assert err.path == "criteria/bad.yaml"
    assert "\n" not in err.message
    assert err.message.startswith("criteria/bad.yaml")
    if field is None:
        assert err.field is None
    else:
        assert err.field is not None and err.field.startswith(field)
    assert expected in err.message


def test_bad_element_field_is_named(tmp_path: Path) -> None:
    text = VALID.format(id="bad", title="Bad").replace("evidence: [imagery]", "evidence: imagery")
    write_case_criterion(tmp_path, "bad.yaml", text)
    with pytest.raises(RecordError) as info:
        load_library(tmp_path)
    assert info.value.field == "elements.0.evidence"


def test_undecodable_case_file(tmp_path: Path) -> None:
    folder = tmp_path / "criteria"
    folder.mkdir()
    (folder / "bad.yaml").write_bytes(b"id: \xff\xfe\n")
    with pytest.raises(RecordError) as info:
        load_library(tmp_path)
    assert info.value.path == "criteria/bad.yaml"
    assert "UTF-8" in info.value.message

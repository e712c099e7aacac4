"""`casefile assess set|show` through the CLI."""

from __future__ import annotations

import json

ELEMENTS = ["attack", "civilian_object", "no_military_objective", "intent"]


def test_set_shows_conclusion_with_standard_of_proof(case):
    out = case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001,W-001",
    ).stdout
    assert "Set ARIHA distinction/attack: established" in out
    assert "inconclusive" in out
    for element in ELEMENTS[1:]:
        out = case.ok(
            "assess",
            "set",
            "ARIHA",
            "distinction",
            element,
            "--finding",
            "established",
            "--evidence",
            "E-0002",
        ).stdout
    assert "violation-indicated" in out
    assert "On the standard of reasonable grounds to believe, a violation of the principle" in (
        " ".join(out.split())
    )


def test_not_established_element_gives_no_violation(case):
    out = case.ok(
        "assess", "set", "ARIHA", "distinction", "attack", "--finding", "not-established"
    ).stdout
    assert "no-violation-indicated" in out


def test_show_json_shape(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
        "--against",
        "W-002",
        "--confidence",
        "high",
        "--reasoning",
        "Crater and remnants.",
    )
    case.ok(
        "assess", "set", "ARIHA", "proportionality", "expected_harm", "--finding", "insufficient"
    )
    data = case.json("assess", "show", "ARIHA")
    assert data["incident"] == "ARIHA"
    assert [c["id"] for c in data["criteria"]] == ["distinction", "proportionality"]
    first = data["criteria"][0]
    assert {"id", "title", "conclusion", "elements"} <= set(first)
    assert first["conclusion"] == "inconclusive"
    assert first["title"].startswith("Distinction")
    assert [e["id"] for e in first["elements"]] == ELEMENTS
    attack = first["elements"][0]
    assert {"id", "finding", "supporting", "contradicting", "reviews"} <= set(attack)
    assert attack["finding"] == "established"
    assert attack["supporting"] == ["E-0001"]
    assert attack["contradicting"] == ["W-002"]
    assert attack["reviews"] == []
    assert attack["review_status"] == "pending"
    assert first["elements"][1]["finding"] is None  # still open, not invented
    assert data["criteria"][1]["conclusion"] in {"inconclusive", "not-assessed"}


def test_show_terminal_table(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
    )
    out = case.ok("assess", "show", "ARIHA").stdout
    assert "attack" in out and "established" in out and "E-0001" in out
    assert "Conclusion: inconclusive" in out
    assert "reasonable grounds to believe" in out


def test_show_nothing_assessed(case):
    assert "No criterion assessed yet" in case.ok("assess", "show", "ARIHA").stdout
    assert case.json("assess", "show", "ARIHA")["criteria"] == []


def test_unknown_ids_exit_2_with_one_line_and_change_nothing(case):
    before = case.snapshot()
    cases = [
        (["NOPE", "distinction", "attack"], "unknown incident 'NOPE'"),
        (["ARIHA", "no-such", "attack"], "unknown criterion 'no-such'"),
        (["ARIHA", "distinction", "nope"], "has no element 'nope'"),
    ]
    for ids, message in cases:
        result = case.fails(2, "assess", "set", *ids, "--finding", "established")
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
    for option in ("--evidence", "--against"):
        result = case.fails(
            2,
            "assess",
            "set",
            "ARIHA",
            "distinction",
            "attack",
            "--finding",
            "established",
            option,
            "E-0001,E-0099",
        )
        assert f"{option}: unknown exhibit or statement 'E-0099'" in result.stderr
        assert result.stderr.count("\n") == 1
    result = case.fails(2, "assess", "set", "ARIHA", "distinction", "attack", "--finding", "maybe")
    assert result.stderr.count("\n") == 1
    result = case.fails(
        2,
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "../etc/passwd",
    )
    assert result.stderr.count("\n") == 1
    assert case.snapshot() == before


def test_same_citation_for_and_against_is_refused(case):
    before = case.snapshot()
    result = case.fails(
        2,
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
        "--against",
        "E-0001",
    )
    assert "E-0001" in result.stderr
    assert case.snapshot() == before


def test_reasoning_file_and_options_kept_when_omitted(case, tmp_path):
    reasoning = tmp_path / "why.md"
    reasoning.write_text("The **crater** is 3 m wide.\n")
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
        "--reasoning-file",
        str(reasoning),
        "--confidence",
        "low",
    )
    case.ok("assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient")
    element = case.json("assess", "show", "ARIHA")["criteria"][0]["elements"][0]
    assert element["finding"] == "insufficient"
    assert element["supporting"] == ["E-0001"]
    assert element["confidence"] == "low"
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "insufficient",
        "--evidence",
        "",
    )
    element = case.json("assess", "show", "ARIHA")["criteria"][0]["elements"][0]
    assert element["supporting"] == []
    record = (case.root / "assessments" / "ARIHA.yaml").read_text()
    assert "The **crater** is 3 m wide." in record


def test_reasoning_and_reasoning_file_together_is_exit_2(case, tmp_path):
    reasoning = tmp_path / "why.md"
    reasoning.write_text("x")
    case.fails(
        2,
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--reasoning",
        "y",
        "--reasoning-file",
        str(reasoning),
    )


def test_setting_the_same_finding_again_writes_nothing(case):
    args = ("assess", "set", "ARIHA", "distinction", "attack", "--finding", "insufficient")
    case.ok(*args)
    before = case.snapshot()
    assert "Unchanged" in case.ok(*args).stdout
    assert case.snapshot() == before


def test_set_is_logged(case):
    case.ok(
        "assess",
        "set",
        "ARIHA",
        "distinction",
        "attack",
        "--finding",
        "established",
        "--evidence",
        "E-0001",
    )
    entry = case.custody_actions()[-1]
    assert entry["action"] == "assess.set"
    assert entry["object"] == "ARIHA"
    assert entry["path"] == "assessments/ARIHA.yaml"
    assert entry["details"]["criterion"] == "distinction"
    assert entry["details"]["element"] == "attack"
    assert entry["details"]["finding"] == "established"


def test_set_json(case):
    data = json.loads(
        case.ok(
            "assess",
            "set",
            "ARIHA",
            "distinction",
            "attack",
            "--finding",
            "established",
            "--evidence",
            "E-0001",
            "--json",
        ).stdout
    )
    assert data["changed"] is True
    assert data["conclusion"] == "inconclusive"
